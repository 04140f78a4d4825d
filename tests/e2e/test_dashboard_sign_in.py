"""Signing in to the dashboard in real headless Chromium. With Keycloak (the realm of infra/keycloak): the
page sends the user to Keycloak's own login page and back (authorisation code with PKCE); an operations
user sees the tower, an intake officer is told the account has no role for it and sees no data. Without
an identity provider (embedded mode, the demo): the token comes in the link's fragment and leaves the
address bar, or is pasted in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import httpx
import pytest
from fastapi import FastAPI
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select

from backbone.identity.principal import Role
from composition.embedded import EmbeddedBackbone
from composition.http_app import create_api
from composition.identity import Identity, identity_of
from services.audit.replay import CaseHistory
from simulation.plan import SimulationPlan
from simulation.simulator import Simulator
from tests.api_access import identity_of_issuer, in_memory_access_log, shared_issuer
from tests.browser import console_entries, start_chromium, wait_until
from tests.e2e.served_tower import Served, panels_settled, serving, text
from tests.factories import embedded_settings, simulation_clock
from tests.keycloak_tokens import PASSWORD

# Operations may read every view but the planner's what-if.
PLANNER_ONLY = {"whatif"}
LOGIN_PAGE = "/protocol/openid-connect/auth"
DRAWN = {"ready", "empty"}  # with data, or saying there is none for it (no case overdue yet)


@pytest.fixture(scope="module")
def backbone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBackbone]:
    """A few weeks of IND work, so that the tower has something to draw."""
    plan = SimulationPlan(date(2026, 1, 5), 4, scale=0.005, seed=3)
    clock = simulation_clock(plan)
    backbone = EmbeddedBackbone(embedded_settings(tmp_path_factory.mktemp("signin")), clock=clock)
    Simulator(backbone.intake, backbone.decision, clock, backbone.settle, plan).run()
    yield backbone
    backbone.close()


def app_of(backbone: EmbeddedBackbone, identity: Identity) -> FastAPI:
    def no_history(case_id: UUID) -> CaseHistory:
        raise AssertionError(f"the dashboard asked for no case history ({case_id})")

    return create_api(
        backbone.intake,
        backbone.decision,
        backbone.tower,
        identity=identity,
        access_log=in_memory_access_log(),
        case_history=no_history,
    )


@contextmanager
def browser() -> Iterator[WebDriver]:
    driver = start_chromium()  # a fresh one: no session, no Keycloak cookie
    try:
        yield driver
    finally:
        driver.quit()


def panel_states(driver: WebDriver) -> dict[str, str]:
    found: dict[str, str] = driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('main [data-chart]')]"
        ".map((e) => [e.dataset.chart, e.dataset.state]))"
    )
    return found


def errors(driver: WebDriver) -> list[str]:
    return [e["message"] for e in console_entries(driver) if e["level"] in ("SEVERE", "WARNING")]


def only_refusals(messages: list[str], *paths: str) -> bool:
    """Every console error is the browser's note of a 403 from one of ``paths``."""
    return all("403" in m and any(p in m for p in paths) for m in messages)


def stored_token(driver: WebDriver) -> Any:
    return driver.execute_script("return JSON.parse(sessionStorage.getItem('backbone.session') || 'null')")


def session_module(driver: WebDriver, expression: str) -> Any:
    """``expression`` on the page's own session module ``m`` (the same instance the page uses)."""
    return driver.execute_script(f"return import('/tower/static/session.js').then((m) => {expression})")


# --- Keycloak: its real login page --------------------------------------------------------------


@pytest.fixture(scope="module")
def keycloak_tower(
    backbone: EmbeddedBackbone, keycloak_issuer: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The API accepting Keycloak's tokens (checked against its JWKS), its dashboard signing in there."""
    settings = embedded_settings(tmp_path_factory.mktemp("oidc"), oidc_issuer=keycloak_issuer)
    with serving(app_of(backbone, identity_of(settings))) as served:
        yield served


@pytest.mark.keycloak
def test_the_page_may_exchange_its_code_at_keycloak_from_its_own_origin(
    keycloak_tower: Served, keycloak_issuer: str
) -> None:
    token_endpoint = f"{keycloak_issuer}/protocol/openid-connect/token"
    page = httpx.get(f"{keycloak_tower.base}/tower", timeout=10)
    keycloak = "{0.scheme}://{0.netloc}".format(urlsplit(keycloak_issuer))
    assert f"connect-src 'self' {keycloak};" in page.headers["Content-Security-Policy"]
    # CORS: Keycloak lets the page's origin, port and all, read the answer (the realm's web origins).
    refused = httpx.post(
        token_endpoint,
        headers={"Origin": keycloak_tower.base},
        data={"grant_type": "authorization_code", "client_id": "backbone-dashboard", "code": "x"},
        timeout=10,
    )
    assert refused.status_code == 400
    assert refused.headers.get("Access-Control-Allow-Origin") == keycloak_tower.base


def log_in_on_keycloak(driver: WebDriver, served: Served, username: str) -> None:
    driver.get(f"{served.base}/tower?refresh=0&procedure=")
    # The page sends the browser on by script, so the address changes before Keycloak's form has loaded;
    # a freshly started Keycloak renders its first login page slowly.
    wait_until(
        driver,
        lambda: LOGIN_PAGE in driver.current_url and driver.find_elements(By.ID, "kc-login"),
        timeout=45,
    )
    assert "Sign in to IND case backbone" in driver.title
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "kc-login").click()
    wait_until(driver, lambda: driver.current_url.startswith(f"{served.base}/tower"))


@pytest.mark.keycloak
def test_an_operations_user_logs_in_on_keycloaks_page_and_sees_the_tower(keycloak_tower: Served) -> None:
    with browser() as driver:
        log_in_on_keycloak(driver, keycloak_tower, "olivia.operations")
        wait_until(driver, lambda: panels_settled(driver))
        assert "code=" not in driver.current_url and "state=" not in driver.current_url
        assert driver.current_url == f"{keycloak_tower.base}/tower?refresh=0&procedure="
        states = panel_states(driver)
        assert {c for c, s in states.items() if s not in DRAWN} == PLANNER_ONLY, states
        assert text(driver, '[data-chart="whatif"] .panel-error') == "Needs the role planner"
        assert driver.find_elements(By.CSS_SELECTOR, '[data-chart="wip"] svg')
        assert text(driver, '#who [data-part="user"]') == "olivia.operations"
        assert stored_token(driver)["token"].count(".") == 2  # Keycloak's JWT, in this tab only
        assert only_refusals(errors(driver), "/v1/tower/whatif")

        # The page renews its token before it expires, with the refresh token, and stays where it is.
        first = stored_token(driver)
        assert first["refreshToken"]
        due = session_module(driver, "m.renewalDueAt()")
        now = driver.execute_script("return Date.now()")
        assert now < due < first["expiresAt"]  # Keycloak's tokens live 5 minutes: renewed before
        renewed = session_module(driver, "m.renewNow().then((s) => s.token)")
        assert renewed != first["token"] and stored_token(driver)["token"] == renewed
        assert stored_token(driver)["expiresAt"] >= first["expiresAt"]
        # The panels read again, with the renewed token, without going back to Keycloak.
        Select(driver.find_element(By.ID, "filter-procedure")).select_by_value("family")
        wait_until(driver, lambda: "procedure=family" in driver.current_url and panels_settled(driver))
        assert driver.current_url.startswith(keycloak_tower.base)
        assert {c for c, s in panel_states(driver).items() if s not in DRAWN} == PLANNER_ONLY
        assert only_refusals(errors(driver), "/v1/tower/whatif")

        driver.find_element(By.CSS_SELECTOR, '[data-control="sign-out"]').click()
        # Keycloak ends the session and sends the browser back, so /tower asks for the login again.
        wait_until(driver, lambda: LOGIN_PAGE in driver.current_url)
        assert stored_token(driver) is None


@pytest.mark.keycloak
def test_an_intake_officer_logs_in_and_is_told_the_account_has_no_role_for_the_tower(
    keycloak_tower: Served,
) -> None:
    with browser() as driver:
        log_in_on_keycloak(driver, keycloak_tower, "ingrid.intake")
        notice = '#sign-in[data-kind="no-tower"]'
        wait_until(driver, lambda: driver.find_elements(By.CSS_SELECTOR, notice))
        assert text(driver, f"{notice} p") == (
            "Your account (ingrid.intake) has no role that may see the control tower "
            "(operations or planner)."
        )
        assert not driver.find_element(By.CSS_SELECTOR, "main.grid").is_displayed()
        assert set(panel_states(driver).values()) == {"loading"}  # nothing was read, nothing drawn
        assert driver.find_elements(By.CSS_SELECTOR, "main svg") == []
        assert only_refusals(errors(driver), "/v1/tower/freshness")


# --- Embedded mode: the development issuer -------------------------------------------------------


@pytest.fixture(scope="module")
def development_tower(backbone: EmbeddedBackbone) -> Iterator[Served]:
    """The API accepting the tests' development issuer's tokens, as ``backbone demo`` serves it."""
    with serving(app_of(backbone, identity_of_issuer(shared_issuer()))) as served:
        yield served


def test_the_demos_link_signs_in_and_the_token_leaves_the_address_bar(development_tower: Served) -> None:
    with browser() as driver:
        driver.get(f"{development_tower.base}/tower?refresh=0{development_tower.signed_in}")
        wait_until(driver, lambda: panels_settled(driver))
        assert driver.current_url == f"{development_tower.base}/tower?refresh=0"
        assert "access_token" not in driver.execute_script("return history.state + location.href")
        assert stored_token(driver)["token"] == development_tower.token
        assert set(panel_states(driver).values()) <= DRAWN
        assert text(driver, '#who [data-part="user"]') == "olivia.operations"
        assert errors(driver) == []

        driver.refresh()  # the tab keeps its session
        wait_until(driver, lambda: panels_settled(driver))
        assert set(panel_states(driver).values()) <= DRAWN


def test_without_a_token_the_page_says_how_to_get_one_and_takes_a_pasted_one(
    development_tower: Served,
) -> None:
    with browser() as driver:
        driver.get(f"{development_tower.base}/tower?refresh=0")
        screen = '#sign-in[data-kind="sign-in"]'
        wait_until(driver, lambda: driver.find_elements(By.CSS_SELECTOR, screen))
        said = text(driver, f"{screen} p")
        assert "backbone demo" in said and "backbone token --role operations" in said
        assert not driver.find_element(By.CSS_SELECTOR, "main.grid").is_displayed()

        driver.find_element(By.CSS_SELECTOR, f"{screen} textarea").send_keys(development_tower.token)
        driver.find_element(By.CSS_SELECTOR, f"{screen} button[type=submit]").click()
        wait_until(driver, lambda: panels_settled(driver))
        assert set(panel_states(driver).values()) <= DRAWN

        driver.find_element(By.CSS_SELECTOR, '[data-control="sign-out"]').click()
        wait_until(driver, lambda: driver.find_elements(By.CSS_SELECTOR, screen))
        assert stored_token(driver) is None
        assert errors(driver) == []


def test_an_expired_token_asks_to_sign_in_again(development_tower: Served) -> None:
    expired = shared_issuer().issue("olivia.operations", [str(Role.OPERATIONS)], lifetime_seconds=-120)
    with browser() as driver:
        driver.get(f"{development_tower.base}/tower?refresh=0#access_token={expired}")
        wait_until(driver, lambda: driver.find_elements(By.CSS_SELECTOR, '#sign-in[data-kind="sign-in"]'))
        assert stored_token(driver) is None
