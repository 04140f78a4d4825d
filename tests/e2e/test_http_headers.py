"""Dutch API Design Rules where they apply, and the security headers of every response."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from backbone.http_headers import CONTENT_SECURITY_POLICY
from composition.embedded import EmbeddedBackbone
from tests.api_access import api_app, bearer, signed_in_api
from tests.e2e.test_http_api import body
from tests.factories import clock, embedded_settings


def test_every_response_names_the_api_version_and_carries_the_security_headers(tmp_path: Path) -> None:
    backbone: Any = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    try:
        client = signed_in_api(backbone.intake, backbone.decision, lambda: backbone.tower)
        created = client.post("/v1/applications", json=body())
        assert created.status_code == 201
        assert created.headers["Location"] == f"/v1/applications/{created.json()['application_id']}"
        for response in (
            created,
            client.get("/tower"),
            client.get("/v1/nowhere"),
            client.get("/v1/tower/wip"),
        ):
            assert response.headers["API-Version"] == "1.0.0"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Referrer-Policy"] == "no-referrer"
            assert response.headers["X-Frame-Options"] == "DENY"
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in client.get("/tower").headers["Content-Security-Policy"]
        document = client.get("/v1/openapi.json").json()
        assert document["info"]["contact"]["name"] and document["servers"] == [
            {"url": "/", "description": "This backbone (backbone serve)"}
        ]
    finally:
        backbone.close()


def test_the_docs_page_references_only_local_urls(tmp_path: Path) -> None:
    backbone: Any = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    try:
        client = signed_in_api(backbone.intake, backbone.decision)
        page = client.get("/v1/docs")
        assert page.status_code == 200
        urls = re.findall(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""", page.text)
        assert urls and all(url.startswith("/") for url in urls), urls
        assert "http://" not in page.text.replace("http://www.w3.org", "") and "https://" not in page.text
        for url in urls:
            assert client.get(url).status_code == 200, url
        assert client.get("/v1/docs/assets/index.html").status_code == 404  # the bundle's Petstore page
    finally:
        backbone.close()


def test_the_docs_page_runs_no_inline_script_and_its_policy_allows_none(tmp_path: Path) -> None:
    backbone: Any = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    try:
        client = TestClient(api_app(backbone.intake, backbone.decision))  # the docs need no token
        page = client.get("/v1/docs")
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.DOTALL)
        assert scripts and all("src=" in attributes and not code.strip() for attributes, code in scripts)
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in page.headers["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
        start = client.get("/v1/docs/start.js")
        assert start.headers["Content-Type"].startswith("text/javascript")
        assert '"url": "/v1/openapi.json"' in start.text and '"validatorUrl": null' in start.text
    finally:
        backbone.close()


def test_an_unexpected_error_is_a_problem_with_every_header_and_no_detail_of_the_error(
    tmp_path: Path,
) -> None:
    """The catch-all 500 is answered outside every middleware (Starlette's ServerErrorMiddleware), so it
    gets its headers from the handler itself; here a real failure: the store is closed under the API."""
    backbone: Any = EmbeddedBackbone(embedded_settings(tmp_path), clock=clock())
    client = TestClient(
        api_app(backbone.intake, backbone.decision), headers=bearer(), raise_server_exceptions=False
    )
    application_id = client.post("/v1/applications", json=body()).json()["application_id"]
    backbone.close()
    failed = client.get(f"/v1/applications/{application_id}")
    assert failed.status_code == 500
    correlation_id = failed.headers["X-Correlation-ID"]
    assert failed.headers["Content-Type"] == "application/problem+json"
    assert failed.json() == {
        "type": "urn:ind-case-backbone:problem:internal_error",
        "code": "internal_error",
        "title": "The request failed; see the logs",
        "status": 500,
        "detail": f"the request failed; see the logs of correlation id {correlation_id}",
    }
    assert failed.headers["API-Version"] == "1.0.0"
    assert failed.headers["X-Content-Type-Options"] == "nosniff"
    assert failed.headers["Referrer-Policy"] == "no-referrer"
    assert failed.headers["X-Frame-Options"] == "DENY"
    assert failed.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert failed.headers["traceparent"].split("-")[1] == failed.headers["X-Correlation-ID"].replace(
        "-", ""
    )
