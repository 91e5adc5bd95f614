"""Open the saved pages in headless Chromium (Selenium): for the browser tests and screenshots.

Needs Chromium and its driver (Debian: ``apt-get install chromium chromium-driver``)
and Selenium (``pip install 'chainrule[browser]'``). :func:`missing` says what is
not there. The browser runs offline: host names resolve nowhere, so a page that
tried to fetch anything would fail (and the request is still logged); 127.0.0.1 stays
reachable, for pages served by the tests themselves.

    python -m viz.interactive.browser page.html shot.png [--steps N] [--size 1280x800]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
DRIVERS = ("chromedriver",)
INSTALL = (
    "install Chromium and its driver (Debian/Ubuntu: sudo apt-get install chromium"
    " chromium-driver; or set CHROME_BIN and CHROMEDRIVER) and Selenium"
    " (pip install 'chainrule[browser]')"
)


def find_browser() -> str | None:
    """The Chromium executable: ``$CHROME_BIN``, else the first of :data:`BROWSERS` on PATH."""
    given = os.environ.get("CHROME_BIN")
    if given:
        return given if Path(given).is_file() else None
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def find_driver() -> str | None:
    """The chromedriver executable: ``$CHROMEDRIVER``, else ``chromedriver`` on PATH."""
    given = os.environ.get("CHROMEDRIVER")
    if given:
        return given if Path(given).is_file() else None
    return next((found for name in DRIVERS if (found := shutil.which(name))), None)


def missing() -> str | None:
    """What is missing to drive a browser (None when everything is there)."""
    lacking = []
    if importlib.util.find_spec("selenium") is None:
        lacking.append("the selenium package")
    if find_browser() is None:
        lacking.append("Chromium")
    if find_driver() is None:
        lacking.append("chromedriver")
    if not lacking:
        return None
    return f"no {', no '.join(lacking)}: {INSTALL}"


def start(width: int = 1280, height: int = 860) -> Any:
    """A headless Chromium driven by Selenium, logging console messages and network requests."""
    problem = missing()
    if problem:
        raise RuntimeError(problem)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = find_browser() or ""
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-extensions",
        "--no-first-run",
        "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # loopback for served pages
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(find_driver() or ""), options=options)


def open_page(driver: Any, path: str | os.PathLike[str], timeout: float = 10.0) -> float:
    """Load a saved page and wait until every stepper on it is ready; return seconds taken."""
    began = time.perf_counter()
    driver.get(Path(path).resolve().as_uri())
    deadline = began + timeout
    while time.perf_counter() < deadline:
        ready = driver.execute_script(
            "return Array.prototype.every.call("
            "document.querySelectorAll('.chainrule-stepper'),"
            " function (el) { return el.getAttribute('data-cr-ready') === '1'; });"
        )
        if ready:
            return time.perf_counter() - began
        time.sleep(0.02)
    raise TimeoutError(f"{path}: the page did not get ready within {timeout:g} s")


def requests(driver: Any) -> list[str]:
    """Every URL the browser asked for since the last call (from the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def errors(driver: Any) -> list[str]:
    """Console errors (and failed loads) since the last call."""
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def screenshot(
    page: str | os.PathLike[str],
    png: str | os.PathLike[str],
    steps: int = 0,
    size: tuple[int, int] = (1280, 800),
) -> Path:
    """Open ``page``, press → ``steps`` times, and save the window as ``png``."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = start(*size)
    try:
        open_page(driver, page)
        for _ in range(steps):
            ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
        out = Path(png)
        out.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(out))
        return out
    finally:
        driver.quit()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m viz.interactive.browser page.html shot.png [--steps N] [--size WxH]``."""
    parser = argparse.ArgumentParser(prog="python -m viz.interactive.browser",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--steps", type=int, default=0, help="press → this many times first")
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    width, _, height = args.size.partition("x")
    print(screenshot(args.page, args.png, args.steps, (int(width), int(height))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
