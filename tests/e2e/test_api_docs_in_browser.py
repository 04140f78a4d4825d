"""The API's docs (``/v1/docs``) in real headless Chromium: Swagger UI renders every operation of the
served OpenAPI document, every request the page makes goes to the served origin (no CDN, no validator,
no font or image from elsewhere), and nothing breaks the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from composition.embedded import EmbeddedBackbone
from tests.api_access import api_app
from tests.browser import console_entries, requested_urls, start_chromium, wait_until
from tests.e2e.served_tower import Served, serving
from tests.factories import clock, embedded_settings

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
# Each report of a broken Content-Security-Policy, kept from the page's first script on.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
    window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    backbone = EmbeddedBackbone(embedded_settings(tmp_path_factory.mktemp("docs")), clock=clock())
    with serving(api_app(backbone.intake, backbone.decision, lambda: backbone.tower)) as served:
        yield served
    backbone.close()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    driver = start_chromium(network_log=True)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    yield driver
    driver.quit()


def operations(document: dict[str, Any]) -> int:
    return sum(len(HTTP_METHODS & item.keys()) for item in document["paths"].values())


def page_text(driver: WebDriver) -> str:
    text: str = driver.execute_script("return document.body.innerText")
    return text


def test_swagger_ui_renders_every_operation_from_local_assets_alone(
    browser: WebDriver, served: Served
) -> None:
    expected = operations(served.get("/v1/openapi.json"))
    browser.get(f"{served.base}/v1/docs")

    def rendered() -> int:
        count: int = browser.execute_script("return document.querySelectorAll('.opblock').length")
        return count

    wait_until(browser, lambda: rendered() >= expected or "Unable to render" in page_text(browser))
    assert "Unable to render" not in page_text(browser)
    assert rendered() == expected > 40

    urls = requested_urls(browser)
    assert f"{served.base}/v1/openapi.json" in urls and f"{served.base}/v1/docs/start.js" in urls
    # data: URLs (Swagger UI's inline SVG icons) are decoded in the page, never sent anywhere.
    elsewhere = [url for url in urls if not url.startswith((f"{served.base}/", "data:"))]
    assert elsewhere == []

    assert browser.execute_script("return window.cspViolations") == []
    console = console_entries(browser)
    assert [e for e in console if "Content Security Policy" in e["message"]] == []
    assert [e for e in console if e["level"] == "SEVERE"] == []
