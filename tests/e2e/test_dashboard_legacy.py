"""The dashboard in real headless Chromium with legacy and new cases: the system select filters the
views that take a system (and notes it on those that do not), the workload is split by system, and the
reconciliation panel shows the last run's differences by reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import Tracking
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from composition.embedded import EmbeddedBackbone
from services.control_tower.domain.reconciliation import (
    LegacyCase,
    Reconciliation,
    reconcile,
)
from services.legacy_bridge.domain.legacy_case import legacy_case_id
from tests.api_access import api_app
from tests.browser import console_entries, marks, start_chromium, wait_until
from tests.e2e.served_tower import Served, open_page, panels_settled, serving
from tests.factories import a_submission, embedded_settings
from tests.legacy_changes import Stream, a_case_row, change

ZAKEN = [f"Z2026-000000{n}" for n in (1, 2, 3)]


class Reconciliations:
    """A process's reconciliations, the last one made by the real comparison on the tower's cases."""

    interval = 300.0

    def __init__(self) -> None:
        self.result: Reconciliation | None = None

    def last(self) -> Reconciliation | None:
        return self.result


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, EmbeddedBackbone]]:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path_factory.mktemp("legacy-dashboard")))
    zaken = Stream()
    rows = [a_case_row(zaaknummer=z, gewijzigd_op=datetime(2026, 3, 2, 9, n)) for n, z in enumerate(ZAKEN)]
    items = [zaken.item(change("zaken", "r", after=row)) for row in rows]
    backbone.system.legacy_bridge.process(items, Tracking(items[-1].stream, items[-1].position))
    backbone.intake.submit_application(a_submission())
    backbone.settle()
    reconciliations = Reconciliations()
    shown = backbone.tower.shown_cases()
    deadlines = {c.case_id: c.statutory_deadline for c in shown}
    legacy = [  # the first as the tower shows it, the second in another stage, the third not at all
        LegacyCase(str(legacy_case_id(z)), z, "family", stage, deadlines[str(legacy_case_id(z))])
        for z, stage in ((ZAKEN[0], "accepted"), (ZAKEN[1], "in_decision"))
    ] + [LegacyCase(str(legacy_case_id("Z2026-0000009")), "Z2026-0000009", "family", "accepted", None)]
    reconciliations.result = reconcile(
        legacy, [], shown, at=datetime(2026, 3, 20, 10, 0, tzinfo=UTC), today=datetime.now(UTC).date()
    )
    app = api_app(
        backbone.intake, backbone.decision, lambda: backbone.tower, reconciliations=reconciliations
    )
    with serving(app) as server:
        yield server, backbone
    backbone.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chromium()
    yield driver
    driver.quit()


def cells(driver: WebDriver, chart: str) -> dict[tuple[str, str], float]:
    return {
        (m["row"], m["col"]): float(m["value"])
        for m in marks(driver, f'[data-chart="{chart}"] td[data-row][data-col]')
    }


def test_the_system_select_filters_the_views_that_take_it_and_the_workload_is_split_by_system(
    browser: WebDriver, served: tuple[Served, EmbeddedBackbone]
) -> None:
    server, _ = served
    console_entries(browser)
    open_page(browser, server)
    split = cells(browser, "workload-system")
    by_system = server.get("/v1/tower/workload", group_by="system")
    for system in ("backbone", "legacy"):
        expected = sum(r["open_cases"] for r in by_system if r["system"] == system)
        assert split[(system, "total")] == expected > 0
    assert cells(browser, "workload")[("total", "total")] == sum(r["open_cases"] for r in by_system)

    Select(browser.find_element("id", "filter-system")).select_by_value("legacy")
    wait_until(browser, lambda: "system=legacy" in browser.current_url and panels_settled(browser))
    legacy = server.get("/v1/tower/workload", system="legacy")
    wait_until(
        browser,
        lambda: cells(browser, "workload").get(("total", "total")) == sum(r["open_cases"] for r in legacy),
    )
    assert {row for row, _ in cells(browser, "workload-system")} == {"legacy", "total"}
    noted = set(
        browser.execute_script(
            "return [...document.querySelectorAll('[data-note=\"system-filter\"]')]"
            ".map((note) => note.closest('[data-chart]').dataset.chart)"
        )
    )
    assert "stage-times" in noted and "workload" not in noted  # stage times are over every case
    open_page(browser, server, "&system=legacy")  # the choice is kept in the URL
    assert (
        Select(browser.find_element("id", "filter-system")).first_selected_option.get_attribute("value")
        == "legacy"
    )
    problems = [e for e in console_entries(browser) if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []


def test_the_reconciliation_panel_shows_the_last_runs_differences_by_reason(
    browser: WebDriver, served: tuple[Served, EmbeddedBackbone]
) -> None:
    server, _ = served
    open_page(browser, server)
    by_reason = {m["reason"]: float(m["value"]) for m in marks(browser, "[data-reason]")}
    last = server.get("/v1/legacy/reconciliation")["last"]
    assert by_reason == {reason: float(n) for reason, n in last["by_reason"].items()}
    assert by_reason["missing_in_tower"] == 1 and by_reason["stage_differs"] == 1
    assert by_reason["missing_in_legacy"] == 1  # the third legacy case the tower shows
    (verdict,) = marks(browser, '[data-part="verdict"]')
    assert float(verdict["value"]) == 3
    (run,) = marks(browser, '[data-part="last-run"]')
    assert run["value"] == "2026-03-20T10:00:00+00:00"
    listed = {m["difference"] for m in marks(browser, "tr[data-difference]")}
    assert listed == {"missing_in_tower", "stage_differs", "missing_in_legacy"}
