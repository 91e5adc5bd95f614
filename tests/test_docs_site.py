"""The docs site, built with MkDocs (warnings are errors) and opened page by page in Chromium.

Every page is served from 127.0.0.1 and checked: no console error, no request outside the
site, no broken internal link, no image that failed to load. On a course page, the stored
stepper answers a key press. Without MkDocs (the ``docs`` extra) or a browser the tests skip;
with ``CHAINRULE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import importlib
import importlib.util
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import pytest
from support.requirements import unavailable

from viz.interactive import browser

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built by the same command as ``python3 tasks.py docs``, into a temporary folder."""
    if not (ROOT / "mkdocs.yml").exists():
        pytest.skip("the docs site is built from a source checkout (no mkdocs.yml here)")
    needed = ("mkdocs", "mkdocs_jupyter", "mkdocstrings")
    missing = [m for m in needed if not importlib.util.find_spec(m)]
    if missing:
        unavailable("BROWSER", f"no {', '.join(missing)}: pip install 'chainrule[docs]'")
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site served on a free port of 127.0.0.1; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def pages(site: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to it (``course/07_xor/index.html``)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if "assets" not in p.relative_to(site).parts
    )


LINKS = """
return {
  links: Array.prototype.map.call(document.querySelectorAll('a[href]'),
                                  function (a) { return a.href; }),
  broken: Array.prototype.filter.call(document.images, function (img) {
            return !img.complete || img.naturalWidth === 0; })
          .map(function (img) { return img.src; }),
};
"""


def target_exists(site: Path, base: str, url: str) -> bool:
    """Whether a link of the site points at a file the site has (directories: their index)."""
    path = unquote(urlparse(url).path).lstrip("/")
    target = site / path
    return target.is_file() or (target / "index.html").is_file()


def test_the_site_has_the_course_gallery_reference_and_stepper(site: Path) -> None:
    built = pages(site)
    books = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [f"course/{b}/index.html" for b in books] == [
        p for p in built if p.startswith("course/") and p != "course/index.html"
    ]
    for page in ("index.html", "gallery/index.html", "readme/index.html",
                 "reference/autograd/index.html", "stepper/backprop.html"):  # fmt: skip
        assert page in built


@pytest.mark.parametrize("package", ["autograd", "nn", "viz"])
def test_the_reference_documents_every_public_name(site: Path, package: str) -> None:
    module = importlib.import_module(package)
    page = (site / f"reference/{package}/index.html").read_text("utf-8")
    documented = set(re.findall(rf'id="{package}(?:\.\w+)*\.(\w+)"', page))  # or in a module
    undocumented = [name for name in module.__all__ if name not in documented]
    assert undocumented == []


def test_every_page_opens_without_errors_requests_or_broken_links(
    site: Path, served: str, driver: Any
) -> None:
    problems: list[str] = []
    for page in pages(site):
        browser.errors(driver), browser.requests(driver)  # forget the previous page
        driver.get(urljoin(served, page))
        found = driver.execute_script(LINKS)
        problems += [f"{page}: console error {e}" for e in browser.errors(driver)]
        problems += [
            f"{page}: request outside the site {u}"
            for u in browser.requests(driver)
            if not u.startswith(served) and not u.startswith("data:")
        ]
        problems += [f"{page}: image did not load {src}" for src in found["broken"]]
        problems += [
            f"{page}: broken link {link}"
            for link in found["links"]
            if link.startswith(served) and not target_exists(site, served, link)
        ]
    assert problems == []


def test_a_stepper_on_a_course_page_answers_a_key(site: Path, served: str, driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver.get(urljoin(served, "course/03_engine_and_stepping/"))
    stepper = driver.find_element("css selector", ".chainrule-stepper")
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", stepper
    )
    before = int(stepper.get_attribute("data-step"))
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    assert int(stepper.get_attribute("data-step")) == before + 1
    button = driver.find_element("css selector", ".chainrule-stepper .cr-next")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()
    assert int(stepper.get_attribute("data-step")) == before + 2


def test_math_is_mathml_drawn_by_the_browser(site: Path, served: str, driver: Any) -> None:
    browser.requests(driver)
    driver.get(urljoin(served, "course/07_xor/"))
    formulas = driver.find_elements("css selector", ".jp-RenderedMarkdown math")
    assert len(formulas) >= 5
    sizes = [driver.execute_script("return arguments[0].getBoundingClientRect().width;", f)
             for f in formulas[:5]]  # fmt: skip
    assert all(width > 0 for width in sizes)  # laid out as math, not left as $…$ text
    assert "$" not in driver.find_element("css selector", ".jp-RenderedMarkdown").text
    assert not any("mathjax" in u.lower() for u in browser.requests(driver))
