"""Real headless Chromium for the browser tests: Debian's ``chromium`` driven through its
``chromedriver`` by Selenium. A missing binary fails the test with what to install; it never skips."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.command import Command
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--window-size=1400,900",
]


def start_chromium(*, network_log: bool = False) -> WebDriver:
    """A fresh headless Chromium with its console log kept (read it with ``console_entries``) and, with
    ``network_log``, its DevTools events (read its requests with ``requested_urls``)."""
    for binary, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not binary.exists():
            pytest.fail(
                f"{binary} is missing: install Debian's {package} (infra/chromium/chromium.sh install)"
            )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    logs = {"browser": "ALL", "performance": "ALL"} if network_log else {"browser": "ALL"}
    options.set_capability("goog:loggingPrefs", logs)
    # The driver's path is given, so Selenium Manager never looks for (or downloads) one.
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


def console_entries(driver: WebDriver) -> list[dict[str, Any]]:
    """The console messages since the last call (reading them empties Chromium's buffer)."""
    entries: list[dict[str, Any]] = driver.execute(Command.GET_LOG, {"type": "browser"})["value"]
    return entries


def requested_urls(driver: WebDriver) -> list[str]:
    """The URL of every request the page made since the last call, from Chromium's DevTools network
    events in its performance log (reading them empties Chromium's buffer)."""
    entries = driver.execute(Command.GET_LOG, {"type": "performance"})["value"]
    events = (json.loads(entry["message"])["message"] for entry in entries)
    return [
        event["params"]["request"]["url"]
        for event in events
        if event["method"] == "Network.requestWillBeSent"
    ]


def wait_until(driver: WebDriver, condition: Callable[[], Any], timeout: float = 15) -> Any:
    """Poll ``condition`` until it is truthy (its value is returned) or fail after ``timeout`` seconds."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda _: condition())


def marks(driver: WebDriver, selector: str) -> list[dict[str, str]]:
    """The data-* attributes of what was drawn, read in one go (the page may redraw between two reads)."""
    found: list[dict[str, str]] = driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((e) => ({...e.dataset}))", selector
    )
    return found


def values(driver: WebDriver, selector: str) -> list[float]:
    return [float(mark["value"]) for mark in marks(driver, selector)]


def value(driver: WebDriver, selector: str) -> float:
    """The one number drawn by what ``selector`` finds (it must find exactly one)."""
    found = values(driver, selector)
    assert len(found) == 1, f"{selector}: {found}"
    return found[0]


def by_x(driver: WebDriver, selector: str, key: str = "x") -> dict[str, float]:
    """The numbers drawn, by another data-* attribute of the marks (their x category by default)."""
    return {mark[key]: float(mark["value"]) for mark in marks(driver, selector)}
