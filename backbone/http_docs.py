"""The API's Swagger UI at ``docs_path``, with its assets served from the ``swagger-ui-bundle-v2``
package: no request leaves the machine (FastAPI's own page loads them from a CDN).

The page has no inline script: Swagger UI is started by a script served beside it, so the page lives
under the same Content-Security-Policy as every response (``backbone.http_headers``), whose
``script-src`` is only ``'self'``. Only the assets the page uses are served, not the bundle's own
example page, which would load the Petstore document from the internet.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")


def serve_docs(app: FastAPI, docs_path: str, openapi_url: str) -> None:
    assets = f"{docs_path}/assets"
    page = _page(f"{app.title} — API", assets, f"{docs_path}/start.js")
    start = _start_script(openapi_url)

    @app.get(docs_path, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{docs_path}/start.js", include_in_schema=False)
    def start_script() -> Response:
        return Response(start, media_type="text/javascript")

    @app.get(f"{assets}/{{name}}", include_in_schema=False)
    def asset(name: str) -> FileResponse:
        if name not in ASSETS:
            raise HTTPException(404, f"no asset {name} of the API's docs")
        return FileResponse(Path(swagger_ui_path) / name)


def _page(title: str, assets: str, start: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{start}"></script>
</body>
</html>
"""


def _start_script(openapi_url: str) -> str:
    # validatorUrl null: Swagger UI would otherwise send the document's URL to validator.swagger.io.
    settings = {
        "url": openapi_url,
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "showExtensions": True,
        "showCommonExtensions": True,
        "validatorUrl": None,
    }
    return (
        f"window.ui = SwaggerUIBundle({{...{json.dumps(settings)}, "
        "presets: [SwaggerUIBundle.presets.apis]});\n"
    )
