"""The control tower's dashboard in real headless Chromium, served by the real API over simulated weeks of
IND work: every chart draws the API's numbers, a filter redraws them all, new work shows up on the open
page without a reload, a broken view breaks only its own panel, and a case opens its timeline.

``BACKBONE_SCREENSHOT=docs/dashboard.png`` also writes a full-page screenshot (over a longer history).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from backbone.clock import ManualClock
from backbone.identity.principal import Role
from composition.embedded import EmbeddedBackbone
from ind.planning import CapacityChange
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.api_access import api_app, bearer
from tests.browser import by_x, console_entries, marks, start_chromium, value, values, wait_until
from tests.e2e.served_tower import Served, panels_settled, serving
from tests.factories import an_application, embedded_settings, simulation_clock

SCREENSHOT = os.environ.get("BACKBONE_SCREENSHOT")
WEEKS, SCALE = (30, 0.016) if SCREENSHOT else (30, 0.005)  # about 60 or 18 applications a week
# Fewer decisions for two procedures, so that some cases pass their statutory deadline within the weeks.
SLOWER = (
    CapacityChange("family", factor=0.3, from_week=2),
    CapacityChange("naturalisation", factor=0.3, from_week=2),
)
VIEWS = {  # the view each chart draws (the headline and freshness read several, or take no filter)
    "wip": "wip",
    "deadline-risk": "deadline-risk",
    "throughput": "throughput",
    "exposure": "deadline-risk",
    "forecast": "forecast",
    "longest-overdue": "deadline-risk",
    "workload": "workload",
    "aging": "aging",
    "lead-times": "lead-times",
    "stage-times": "stage-times",
    "workload-team": "workload",
    "workload-target-group": "workload",
    "longest-waiting": "aging",
    "issuance": "issuance",
    "whatif": "whatif",
}
PANELS = ["headline", *VIEWS, "freshness"]


class Tower(Served):
    """The API over simulated weeks of IND work, served over real HTTP; ``broken`` paths answer an error."""

    def __init__(self, backbone: EmbeddedBackbone, clock: ManualClock) -> None:
        super().__init__("")
        self.backbone, self.clock = backbone, clock
        self.broken: dict[str, int] = {}

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.base}{path}",
            method="POST",
            data=json.dumps(body or {}, default=str).encode(),
            headers={"Content-Type": "application/json", **bearer(Role.INTAKE_OFFICER)},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def tower(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tower]:
    plan = SimulationPlan(date(2026, 1, 5), WEEKS, scale=SCALE, seed=11, capacity_changes=SLOWER)
    clock = simulation_clock(plan)
    backbone = EmbeddedBackbone(embedded_settings(tmp_path_factory.mktemp("tower")), clock=clock)
    Simulator(backbone.intake, backbone.decision, clock, backbone.settle, plan).run()
    app = api_app(backbone.intake, backbone.decision, backbone.tower)
    tower = Tower(backbone, clock)

    @app.middleware("http")
    async def break_some_views(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if request.url.path in tower.broken:
            status = tower.broken[request.url.path]
            return JSONResponse(status_code=status, content={"error": "broken_by_the_test"})
        return await call_next(request)

    with serving(app) as served:
        tower.base = served.base
        yield tower
    backbone.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chromium()
    yield driver
    driver.quit()


def open_dashboard(driver: WebDriver, tower: Tower, query: str = "") -> None:
    driver.get("about:blank")  # a URL that differs in its fragment only would not load the page again
    driver.get(f"{tower.base}/tower?refresh=0.5{query}{tower.signed_in}")
    wait_until(driver, lambda: panels_settled(driver))


def state(driver: WebDriver, chart: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, f'[data-chart="{chart}"]').get_attribute("data-state"))


def per_week(rows: list[dict[str, Any]], field: str, key: str = "week") -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row[key]] += row[field]
    return dict(totals)


def assert_charts_show(driver: WebDriver, tower: Tower, **query: str) -> None:
    """Every chart against the JSON view it draws, read with the same filter."""
    workload = tower.get("/v1/tower/workload", **query)
    open_cases = sum(r["open_cases"] for r in workload)
    assert value(driver, '[data-kpi="open-cases"]') == open_cases > 0
    assert value(driver, '[data-chart="workload"] td[data-row="total"][data-col="total"]') == open_cases
    for row in workload:
        cell = f'[data-chart="workload"] td[data-row="{row["procedure"]}"][data-col="{row["stage"]}"]'
        assert value(driver, cell) == row["open_cases"]

    risk = tower.get("/v1/tower/deadline-risk", **query)
    for bucket, count in risk["buckets"].items():
        assert value(driver, f'[data-chart="deadline-risk"] rect[data-series="{bucket}"]') == count
    assert value(driver, '[data-kpi="overdue"]') == risk["buckets"]["overdue"]
    assert value(driver, '[data-kpi="notices-of-default"]') == risk["notices_of_default"]
    if any(risk["exposure_eur"].values()):
        assert (
            value(driver, '[data-chart="exposure"] rect[data-series="in_4_weeks"]')
            == risk["exposure_eur"]["in_4_weeks"]
        )
    else:  # said in words, not drawn as an empty chart
        assert marks(driver, '[data-chart="exposure"] [data-part="no-exposure"]') != []
    shown = marks(driver, '[data-chart="longest-overdue"] a[data-case-id]')
    assert [a["caseId"] for a in shown] == [r["case_id"] for r in risk["longest_overdue"][:10]]

    flow = tower.get("/v1/tower/throughput", weeks="12", **query)["weeks"]
    inflow = {w: float(n) for w, n in per_week(flow, "inflow").items()}
    assert by_x(driver, '[data-chart="throughput"] rect[data-series="inflow"]') == inflow
    assert sum(inflow.values()) > 0
    net = values(driver, '[data-chart="throughput"] circle[data-series="net"]')
    assert sum(net) == sum(per_week(flow, "net").values())

    wip = tower.get("/v1/tower/wip", weeks="26", **query)["weeks"]
    assert by_x(driver, '[data-chart="wip"] .hover-column') == {
        w: float(n) for w, n in per_week(wip, "open_cases").items()
    }

    lead_times = tower.get("/v1/tower/lead-times", **query)
    assert by_x(driver, '[data-chart="lead-times"] circle[data-series="p50"]', key="row") == {
        (f"{r['procedure']}/{r['track']}" if r["track"] else r["procedure"]): r["p50_days"]
        for r in lead_times
    }

    aging = tower.get("/v1/tower/aging", **query)
    for band, count in aging["age_bands"].items():
        assert value(driver, f'[data-chart="aging"] rect[data-series="{band}"]') == count

    issuance = tower.get("/v1/tower/issuance", **query)
    assert values(driver, '[data-chart="issuance"] rect[data-series="waiting"]') == [
        r["waiting"] for r in issuance
    ]

    forecast = tower.get("/v1/tower/forecast", **query)
    points = values(driver, '[data-chart="forecast"] circle[data-series="forecast"]')
    shown = forecast["all"] if len(forecast["procedures"]) > 1 else forecast["procedures"][0]
    assert points == pytest.approx([w["inflow"] for w in shown["forecast"]])  # as the API combined them

    projection = tower.get("/v1/tower/whatif", weeks="26", **query)
    shown = projection["procedures"][0] if query.get("procedure") else projection["total"]
    for side in ("baseline", "scenario"):
        assert values(driver, f'[data-chart="whatif"] circle[data-series="{side}"]') == pytest.approx(
            [w["open_cases"] for w in shown[side]["weeks"]]
        )


def test_the_dashboard_loads_without_errors_and_draws_every_view(browser: WebDriver, tower: Tower) -> None:
    started = time.monotonic()
    open_dashboard(browser, tower)
    assert {chart: state(browser, chart) for chart in PANELS} == dict.fromkeys(PANELS, "ready")
    assert time.monotonic() - started < 10
    assert_charts_show(browser, tower)
    problems = [e for e in console_entries(browser) if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    ), "the page is wider than a 1400-pixel window"
    if SCREENSHOT:
        write_full_page_screenshot(browser, Path(SCREENSHOT))


CHARTS_FIT = """return [...document.querySelectorAll('svg.chart')].every(
    (svg) => Math.abs(Number(svg.getAttribute('width')) - Math.max(300, svg.parentNode.clientWidth)) < 2)"""


def write_full_page_screenshot(driver: WebDriver, path: Path) -> None:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, height + 150)
    wait_until(driver, lambda: driver.execute_script(CHARTS_FIT))  # redrawn for the new width
    path.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(path))
    driver.set_window_size(1400, 900)


def test_the_page_and_its_assets_come_from_the_api_and_nothing_from_elsewhere(tower: Tower) -> None:
    package = files("services.control_tower.adapters.dashboard")
    assets = {
        p.name: f"/tower/static/{p.name}" for p in package.iterdir() if p.name.endswith((".js", ".css"))
    }
    assert len(assets) > 3
    kinds = {"js": "text/javascript", "css": "text/css", "html": "text/html"}
    for name, path in {**assets, "index.html": "/tower"}.items():
        with urllib.request.urlopen(f"{tower.base}{path}", timeout=10) as response:
            assert response.headers["Content-Type"].startswith(kinds[name.rpartition(".")[2]])
            text = response.read().decode()
        assert text == (package / name).read_text()
        outside = set(re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text)) - {"http://www.w3.org"}
        assert not outside, f"{name} refers to {outside}: the page must work without internet"
    for name in ("__init__.py", "index.html", "..%2Fdashboard_page.py"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{tower.base}/tower/static/{name}", timeout=10)
        assert refused.value.code == 404
    paths = tower.get("/v1/openapi.json")["paths"]
    assert "/tower" in paths and not any(p.startswith("/tower/static") for p in paths)


def test_choosing_a_procedure_and_a_team_redraws_every_chart_with_their_numbers(
    browser: WebDriver, tower: Tower
) -> None:
    open_dashboard(browser, tower)
    Select(browser.find_element(By.ID, "filter-procedure")).select_by_value("family")
    wait_until(browser, lambda: "procedure=family" in browser.current_url and panels_settled(browser))
    everyone = sum(r["open_cases"] for r in tower.get("/v1/tower/workload"))
    family = sum(r["open_cases"] for r in tower.get("/v1/tower/workload", procedure="family"))
    wait_until(browser, lambda: value(browser, '[data-kpi="open-cases"]') == family)
    assert 0 < family < everyone
    assert_charts_show(browser, tower, procedure="family")
    assert {mark["series"] for mark in marks(browser, '[data-chart="wip"] path[data-series]')} == {"family"}

    def team_options() -> list[str]:
        return [
            str(o.get_attribute("value"))
            for o in Select(browser.find_element(By.ID, "filter-team")).options
        ]

    wait_until(
        browser,
        lambda: len(team_options()) > 1 and all(t.startswith("family-") for t in team_options()[1:]),
    )
    teams = team_options()
    Select(browser.find_element(By.ID, "filter-team")).select_by_value(teams[1])
    team = sum(r["open_cases"] for r in tower.get("/v1/tower/workload", procedure="family", team=teams[1]))
    wait_until(browser, lambda: value(browser, '[data-kpi="open-cases"]') == team)
    assert 0 < team < family
    risk = tower.get("/v1/tower/deadline-risk", procedure="family", team=teams[1])
    assert (
        value(browser, '[data-chart="deadline-risk"] rect[data-series="later"]') == risk["buckets"]["later"]
    )
    assert f"team={teams[1]}" in browser.current_url
    paths = tower.get("/v1/openapi.json")["paths"]
    without_team = {
        chart
        for chart, view in VIEWS.items()
        if not any(p["name"] == "team" for p in paths[f"/v1/tower/{view}"]["get"]["parameters"])
    }

    def noted() -> set[str]:
        return {
            mark["chart"]
            for mark in marks(browser, "[data-chart]:has(> .panel-body > [data-note='team-filter'])")
        }

    # Each panel redraws on its own answer; wait until all have, then every one without a team filter
    # says so (and only those).
    wait_until(browser, lambda: panels_settled(browser) and noted() == without_team)
    assert "workload" not in noted()


def test_new_applications_appear_on_the_open_page_without_a_reload(
    browser: WebDriver, tower: Tower
) -> None:
    open_dashboard(browser, tower)
    browser.execute_script("window.sameDocument = true")
    before = value(browser, '[data-kpi="open-cases"]')
    position = value(browser, '[data-chart="freshness"] tr[data-stream="intake"] [data-series="position"]')
    today = tower.clock.now().date()
    for n in range(3):
        application = an_application(received_on=today, applicant_ref=f"P-00000000000000d{n}")
        created = tower.post("/v1/applications", application)
        tower.post(f"/v1/applications/{created['application_id']}/acceptances")
    tower.backbone.settle()  # the tower applies the new events (the page is not told)

    wait_until(browser, lambda: value(browser, '[data-kpi="open-cases"]') == before + 3)
    assert browser.execute_script("return window.sameDocument") is True
    assert (
        value(browser, '[data-chart="freshness"] tr[data-stream="intake"] [data-series="position"]')
        > position
    )
    assert value(browser, '[data-chart="workload"] td[data-row="total"][data-col="total"]') == before + 3


def test_a_view_that_fails_shows_its_error_in_its_own_panel_only(browser: WebDriver, tower: Tower) -> None:
    console_entries(browser)  # start from an empty console log
    tower.broken.update({"/v1/tower/forecast": 500, "/v1/tower/stage-times": 404})
    try:
        open_dashboard(browser, tower)
        errors = {chart for chart in PANELS if state(browser, chart) == "error"}
        assert errors == {"forecast", "stage-times"}
        message = browser.find_element(By.CSS_SELECTOR, '[data-chart="forecast"] .panel-error').text
        assert "/v1/tower/forecast" in message and "500" in message
        assert value(browser, '[data-kpi="open-cases"]') == sum(
            r["open_cases"] for r in tower.get("/v1/tower/workload")
        )
    finally:
        tower.broken.clear()
    failed = [e["message"] for e in console_entries(browser) if e["level"] == "SEVERE"]
    assert failed and all("/v1/tower/forecast" in m or "/v1/tower/stage-times" in m for m in failed)


def test_a_case_opens_its_timeline_from_a_list_and_from_the_search_box(
    browser: WebDriver, tower: Tower
) -> None:
    open_dashboard(browser, tower)
    link = browser.find_element(By.CSS_SELECTOR, '[data-chart="longest-overdue"] a[data-case-id]')
    case_id = str(link.get_attribute("data-case-id"))
    link.click()
    drawer = browser.find_element(By.CSS_SELECTOR, '[data-chart="case-timeline"]')
    wait_until(browser, lambda: drawer.get_attribute("data-state") == "ready")
    case = tower.get(f"/v1/tower/cases/{case_id}")
    assert case["days_remaining"] < 0
    assert value(browser, '[data-field="days_remaining"]') == case["days_remaining"]
    deadline = drawer.find_element(By.CSS_SELECTOR, '[data-field="statutory_deadline"]')
    assert deadline.get_attribute("data-value") == case["statutory_deadline"]
    events = drawer.find_elements(By.CSS_SELECTOR, ".timeline li[data-event]")
    assert [e.get_attribute("data-event") for e in events] == [item["event"] for item in case["timeline"]]
    assert f"case={case_id}" in browser.current_url

    waiting = tower.get("/v1/tower/aging")["longest_waiting"][0]["case_id"]
    search = browser.find_element(By.ID, "case-id")
    search.clear()
    search.send_keys(waiting)
    browser.find_element(By.CSS_SELECTOR, "#case-search button").click()
    wait_until(browser, lambda: drawer.get_attribute("data-case-id") == waiting)
    wait_until(browser, lambda: drawer.get_attribute("data-state") == "ready")
    timeline = tower.get(f"/v1/tower/cases/{waiting}")["timeline"]
    assert len(drawer.find_elements(By.CSS_SELECTOR, ".timeline li[data-event]")) == len(timeline) > 1

    search.clear()
    search.send_keys("00000000-0000-4000-8000-000000000000")
    browser.find_element(By.CSS_SELECTOR, "#case-search button").click()
    wait_until(browser, lambda: drawer.get_attribute("data-state") == "not-found")
    assert "No case with id" in drawer.text


def test_a_planner_projects_a_capacity_change_next_to_the_baseline(
    browser: WebDriver, tower: Tower
) -> None:
    open_dashboard(browser, tower)
    form = '[data-chart="whatif"] '
    Select(browser.find_element(By.CSS_SELECTOR, form + '[data-control="whatif-for"]')).select_by_value(
        "family"
    )
    for control, text in (("capacityPercent", "50"), ("capacityFrom", "2"), ("target", "1")):
        field = browser.find_element(By.CSS_SELECTOR, form + f'[data-control="whatif-{control}"]')
        field.clear()
        field.send_keys(text)
    browser.find_element(By.CSS_SELECTOR, form + '[data-control="whatif-apply"]').click()
    expected = tower.get("/v1/tower/whatif", capacity="family:+50%:2", target="1", weeks="26")["total"]
    scenario = [w["open_cases"] for w in expected["scenario"]["weeks"]]
    baseline = [w["open_cases"] for w in expected["baseline"]["weeks"]]
    assert min(s - b for s, b in zip(scenario, baseline, strict=True)) < -1  # the change shows
    drawn = form + 'circle[data-series="scenario"]'
    wait_until(browser, lambda: values(browser, drawn) == pytest.approx(scenario))
    assert values(browser, form + 'circle[data-series="baseline"]') == pytest.approx(baseline)
    for row in ("open_cases_at_end", "missed_deadlines", "penalties_paid"):
        for side in ("baseline", "scenario"):
            cell = form + f'td[data-row="{row}"][data-col="{side}"]'
            assert value(browser, cell) == expected[side]["summary"][row]
    assert (
        expected["scenario"]["summary"]["missed_deadlines"]
        <= expected["baseline"]["summary"]["missed_deadlines"]
    )


def test_a_scenario_that_cannot_be_read_is_refused_with_the_parameter_and_the_rule(tower: Tower) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        tower.get("/v1/tower/whatif", capacity="tourism:+10%")
    assert refused.value.code == 422
    assert "capacity 'tourism:+10%': unknown procedure 'tourism'" in refused.value.read().decode()
