"""The tower's API served over real HTTP for the browser tests, and what they wait for on its page.

``serving(api_app(...))`` signs in with the tests' development issuer: ``Served.get`` sends a token
with the tower's roles, and the page is opened with it in the fragment, as ``backbone demo``'s link does."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI
from selenium.webdriver.remote.webdriver import WebDriver

from backbone.identity.principal import Role
from tests.api_access import shared_issuer
from tests.browser import wait_until

TOWER_ROLES = (Role.OPERATIONS, Role.PLANNER)


def tower_token() -> str:
    """A token of the tests' development issuer for someone who reads the tower and plans."""
    return shared_issuer().issue("olivia.operations", [str(role) for role in TOWER_ROLES])


class Served:
    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base
        self.token = token if token is not None else tower_token()

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @property
    def signed_in(self) -> str:
        """The fragment that signs the page in (the development issuer's way)."""
        return f"#access_token={self.token}" if self.token else ""

    def get(self, path: str, **query: str) -> Any:
        url = f"{self.base}{path}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(url, headers=self.headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI) -> Iterator[Served]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def panels_settled(driver: WebDriver) -> bool:
    states = driver.execute_script(
        "return [...document.querySelectorAll('main [data-chart]')].map((e) => e.dataset.state)"
    )
    return (
        bool(states)
        and "loading" not in states
        and driver.execute_script("return Number(document.body.dataset.refreshes || 0) > 0")
    )


def open_page(driver: WebDriver, served: Served, query: str = "") -> None:
    """The dashboard, signed in, without live polling (the simulation is over), once every panel has
    drawn."""
    driver.get("about:blank")  # a URL that differs in its fragment only would not load the page again
    driver.get(f"{served.base}/tower?refresh=0{query}{served.signed_in}")
    wait_until(driver, lambda: panels_settled(driver))


def text(driver: WebDriver, selector: str) -> str:
    """The text of the one element ``selector`` finds."""
    found: list[str] = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)", selector
    )
    assert len(found) == 1, f"{selector}: {found}"
    return found[0]
