"""The control tower's dashboard: one page at /tower that draws the /v1/tower views in the browser.

The page and its assets ship with the package and are served from here, so the dashboard works on a
network without internet access: no CDN, no external library.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

PACKAGE = "services.control_tower.adapters.dashboard"
SCRIPTS = [
    "dashboard.js",
    "api.js",
    "charts.js",
    "numbers.js",
    "vocabulary.js",
    "panels_flow.js",
    "panels_work.js",
    "panels_plan.js",
    "panels_legacy.js",
    "case_timeline.js",
    "session.js",
    "session_view.js",
]
JAVASCRIPT, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
ASSETS = {"dashboard.css": CSS} | dict.fromkeys(SCRIPTS, JAVASCRIPT)
# The page is small and changes with a deployment; revalidating keeps a browser from mixing versions.
NO_STALE_COPIES = {"Cache-Control": "no-cache"}


def _asset(name: str) -> str:
    return files(PACKAGE).joinpath(name).read_text(encoding="utf-8")


def dashboard_router(sign_in: dict[str, Any]) -> APIRouter:
    """``sign_in``: how the page gets a token (the issuer's endpoints and the dashboard's public
    client, or the development issuer's mode); the page and this are public, the views it draws are not."""
    router = APIRouter(tags=["control tower"])

    @router.get("/tower/sign-in", include_in_schema=False)
    def sign_in_configuration() -> dict[str, Any]:
        return sign_in

    @router.get(
        "/tower",
        response_class=HTMLResponse,
        summary="The control tower's dashboard (HTML): every view as a chart, live, with filters",
    )
    def dashboard() -> HTMLResponse:
        return HTMLResponse(_asset("index.html"), headers=NO_STALE_COPIES)

    @router.get("/tower/static/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in ASSETS:
            raise HTTPException(status_code=404, detail=f"no such asset: {name}")
        return Response(_asset(name), media_type=ASSETS[name], headers=NO_STALE_COPIES)

    return router
