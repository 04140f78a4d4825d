"""The API's Swagger UI at ``docs_path``, with its assets served from the ``swagger-ui-bundle`` package:
no request leaves the machine (FastAPI's own page loads them from a CDN)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]


def serve_docs(app: FastAPI, docs_path: str, openapi_url: str) -> None:
    assets = f"{docs_path}/assets"
    app.mount(assets, StaticFiles(directory=swagger_ui_path), name="swagger_ui_assets")

    @app.get(docs_path, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
        )
