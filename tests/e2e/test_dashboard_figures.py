"""What an operations lead reads on the dashboard, over a year of simulated IND work (the real simulator,
objections included, decision capacity cut for two procedures so that penalties accrue), served by the
real API to real headless Chromium: the figures agree with each other and say what they count, cases are
whole, a latency is never negative, the page fits a 1024-pixel screen, and numbers read the Dutch way
unless English is chosen.

The simulation runs up to the end of next week, as ``backbone demo`` runs up to this week: the events are
recorded on the simulated clock, ahead of the wall clock the tower applies them by.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from backbone.clock import ManualClock
from composition.simulated import EmbeddedServices
from ind.planning import CapacityChange
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.api_access import api_app
from tests.browser import by_x, marks, start_chromium, value, wait_until
from tests.e2e.served_tower import Served, open_page, panels_settled, serving, text
from tests.factories import embedded_settings

WEEKS = 52
SLOWER = (
    CapacityChange("family", factor=0.3, from_week=8),
    CapacityChange("naturalisation", factor=0.3, from_week=8),
)


@pytest.fixture(scope="module")
def tower(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    next_week = date.today() + timedelta(weeks=1)
    plan = SimulationPlan(
        next_week - timedelta(weeks=WEEKS - 1), WEEKS, scale=0.02, seed=11, capacity_changes=SLOWER
    )
    clock = ManualClock(datetime.combine(plan.first_monday, time(8), tzinfo=UTC))
    services = EmbeddedServices(embedded_settings(Path(tmp_path_factory.mktemp("ind"))), clock)
    Simulator(services.intake, services.decision, clock, services.settle, plan).run()
    with serving(api_app(services.intake, services.decision, services.backbone.tower)) as served:
        yield served
    services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chromium()
    yield driver
    driver.quit()


def monday(day: str) -> str:
    today = date.fromisoformat(day)
    return str(today - timedelta(days=today.weekday()))


def test_all_procedures_are_forecast_together_by_the_api_on_the_same_weeks(
    browser: WebDriver, tower: Served
) -> None:
    forecast = tower.get("/v1/tower/forecast")
    combined = forecast["all"]
    weeks = [w["week_start"] for w in combined["forecast"]]
    assert weeks[0] == monday(forecast["today"]) and len(weeks) == 12
    procedures = {p["procedure"]: p for p in forecast["procedures"]}
    assert procedures["objection"]["history"], "objections have an inflow of their own"
    for p in procedures.values():
        assert [w["week_start"] for w in p["forecast"]] == weeks, p["procedure"]
    for i, week in enumerate(combined["forecast"]):
        assert week["inflow"] == pytest.approx(
            sum(p["forecast"][i]["inflow"] for p in procedures.values()), abs=0.05 * len(procedures)
        )
        assert week["low"] <= week["inflow"] <= week["high"]
    assert combined["open_now"] == sum(p["open_now"] for p in procedures.values())

    open_page(browser, tower)
    drawn = by_x(browser, '[data-chart="forecast"] circle[data-series="forecast"]')
    assert drawn == {w["week_start"]: w["inflow"] for w in combined["forecast"]}  # as given
    assert min(drawn) == weeks[0] and min(drawn.values()) > 0  # no week before this one, at 0


def test_the_open_totals_agree_and_the_page_says_what_each_counts(
    browser: WebDriver, tower: Served
) -> None:
    risk = tower.get("/v1/tower/deadline-risk")
    before_a_decision = sum(risk["buckets"].values())
    today = tower.get("/v1/tower/wip", weeks="1")["weeks"]
    assert sum(w["open_cases"] for w in today) == before_a_decision
    assert any(w["procedure"] == "objection" and w["open_cases"] for w in today)
    assert tower.get("/v1/tower/forecast")["all"]["open_now"] == before_a_decision
    open_cases = sum(r["open_cases"] for r in tower.get("/v1/tower/workload"))
    assert open_cases > before_a_decision  # decided cases wait for their documents

    open_page(browser, tower)
    assert value(browser, '[data-chart="wip"] [data-part="open-now"]') == before_a_decision
    assert value(browser, '[data-chart="forecast"] [data-part="open-now"]') == before_a_decision
    assert value(browser, '[data-kpi="open-cases"]') == open_cases
    [split] = marks(browser, '[data-kpi="open-cases"] [data-part="open-split"]')
    assert int(split["beforeDecision"]) == before_a_decision
    assert int(split["awaitingIssue"]) == open_cases - before_a_decision
    explained = [
        '[data-kpi="open-cases"]',
        '[data-chart="wip"] [data-part="open-now"]',
        '[data-chart="forecast"] [data-part="open-now"]',
    ]
    tips = [browser.find_element(By.CSS_SELECTOR, s).get_attribute("data-tip") or "" for s in explained]
    assert "awaiting document issue" in tips[0] and all("not yet decided" in t for t in tips[1:])
    assert "before a decision" in text(browser, '[data-chart="wip"] [data-part="open-now"]')


WHOLE_DUTCH = re.compile(r"^-?\d{1,3}(\.\d{3})*$")


def test_what_if_shows_whole_cases(browser: WebDriver, tower: Served) -> None:
    projection = tower.get("/v1/tower/whatif", weeks="26")["total"]
    expected = [projection[side]["summary"]["missed_deadlines"] for side in ("baseline", "scenario")]
    expected += [w["open_cases"] for w in projection["baseline"]["weeks"]]
    assert any(v != round(v) for v in expected), "the fluid model's counts are fractional"

    open_page(browser, tower)
    for row in ("open_cases_at_end", "missed_deadlines"):
        for side in ("baseline", "scenario"):
            cell = f'[data-chart="whatif"] td[data-row="{row}"][data-col="{side}"]'
            shown = text(browser, cell)
            assert WHOLE_DUTCH.match(shown), f"{row} {side}: {shown!r}"
            assert int(shown.replace(".", "")) == math.floor(projection[side]["summary"][row] + 0.5)
    for mark in marks(browser, '[data-chart="whatif"] circle[data-series]'):
        assert WHOLE_DUTCH.match(mark["tip"].rpartition(": ")[2]), mark["tip"]


def test_a_latency_is_never_shown_negative_and_says_why_when_the_clocks_differ(
    browser: WebDriver, tower: Served
) -> None:
    rows = tower.get("/v1/tower/freshness")
    for row in rows:
        assert row["last_latency_seconds"] is None  # recorded on the simulated clock, ahead of the wall
        assert row["latency"]["seconds"] is None
        assert "different clocks" in row["latency"]["not_measurable"]

    open_page(browser, tower)
    shown = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, '[data-chart="freshness"] td')]
    assert not [s for s in shown if s.startswith(("-", "\N{MINUS SIGN}"))]
    for row in rows:
        cell = f'[data-chart="freshness"] tr[data-stream="{row["stream"]}"] [data-series="latency"]'
        assert text(browser, cell) == "n/a"
        tip = browser.find_element(By.CSS_SELECTOR, cell).get_attribute("data-tip") or ""
        assert "different clocks" in tip


OVERFLOWING_TILES = """return [...document.querySelectorAll('.kpi')].flatMap((tile) => {
  const box = tile.getBoundingClientRect();
  return [tile, ...tile.children].filter((e) => {
    const r = e.getBoundingClientRect();
    return e.scrollWidth > e.clientWidth + 1 || r.left < box.left - 1 || r.right > box.right + 1;
  }).map((e) => `${tile.dataset.kpi}: ${e.className} "${e.textContent}"`);
})"""
OVERLAP = """const [a, b] = [arguments[0], arguments[1]]
  .map((s) => document.querySelector(s).getBoundingClientRect());
return !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top)"""


@pytest.mark.parametrize("width", [1024, 1400])
def test_the_headline_and_the_top_bar_fit_the_window(browser: WebDriver, tower: Served, width: int) -> None:
    browser.set_window_size(width, 900)
    try:
        open_page(browser, tower)
        assert browser.execute_script("return window.innerWidth") == width
        assert browser.execute_script(OVERFLOWING_TILES) == []
        live = browser.find_element(By.ID, "live")
        assert live.is_displayed()
        for other in ("#case-id", "#number-format", "#filter-team", ".case-search button"):
            assert not browser.execute_script(OVERLAP, "#live", other), f"the Live badge covers {other}"
        assert not browser.execute_script(OVERLAP, ".filters", ".status")
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
    finally:
        browser.set_window_size(1400, 900)


def test_no_penalty_exposure_is_said_in_words_instead_of_an_empty_chart(
    browser: WebDriver, tower: Served
) -> None:
    asylum = tower.get("/v1/tower/deadline-risk", procedure="asylum")["exposure_eur"]
    assert asylum == {"today": 0, "in_4_weeks": 0}  # no penalty is owed on an asylum decision
    open_page(browser, tower, "&procedure=asylum")
    panel = '[data-chart="exposure"] '
    assert "No penalty exposure" in text(browser, panel + '[data-part="no-exposure"]')
    assert browser.find_elements(By.CSS_SELECTOR, panel + "svg") == []

    everyone = tower.get("/v1/tower/deadline-risk")["exposure_eur"]
    assert everyone["today"] > 0
    open_page(browser, tower)
    assert value(browser, panel + 'rect[data-series="today"]') == everyone["today"]
    assert browser.find_elements(By.CSS_SELECTOR, panel + '[data-part="no-exposure"]') == []


def amount(n: int, thousands: str) -> str:
    return "€ " + f"{n:,}".replace(",", thousands)


def test_numbers_read_the_dutch_way_unless_english_is_chosen_and_the_choice_is_kept(
    browser: WebDriver, tower: Served
) -> None:
    exposure = tower.get("/v1/tower/deadline-risk")["exposure_eur"]["today"]
    net = tower.get("/v1/tower/throughput", weeks="12")["rolling_4_weeks"]
    assert exposure >= 1000
    tile = '[data-kpi="exposure-today"] .kpi-value'
    open_page(browser, tower)
    browser.execute_script("localStorage.clear()")
    open_page(browser, tower)
    assert text(browser, tile) == amount(exposure, ".")
    assert Select(browser.find_element(By.ID, "number-format")).first_selected_option.text.startswith(
        "Nederlands"
    )
    in_per_week = sum(r["inflow"] for r in net.values())
    if in_per_week != round(in_per_week):  # a decimal comma too
        assert "," in text(browser, '[data-chart="throughput"] .chart-foot .note')

    Select(browser.find_element(By.ID, "number-format")).select_by_value("en")
    wait_until(browser, lambda: text(browser, tile) == amount(exposure, ","))
    assert "numbers=en" in browser.current_url
    open_page(browser, tower)  # no choice in the URL: this browser's last choice
    assert text(browser, tile) == amount(exposure, ",")
    open_page(browser, tower, "&numbers=nl")  # a shared link's choice wins
    assert text(browser, tile) == amount(exposure, ".")
    assert panels_settled(browser)
    browser.execute_script("localStorage.clear()")
