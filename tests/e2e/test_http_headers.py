"""Dutch API Design Rules where they apply, and the security headers of every response."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from composition.embedded import EmbeddedBackbone
from tests.api_access import signed_in_api
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
    finally:
        backbone.close()
