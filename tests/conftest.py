"""Shared test settings: hypothesis profiles (``HYPOTHESIS_PROFILE=thorough`` for more examples),
and the headless browser the page tests share (``driver``, ``open_page``)."""

import importlib
import os
import sysconfig
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from hypothesis import HealthCheck, settings
from support.requirements import unavailable

from viz.interactive import browser

matplotlib.use("Agg")

# default: the same examples on every run and machine (derandomized), so that a red CI is a
# change in the code, not a new draw; thorough: ten times as many, freshly random, to explore.
settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# ---- the installed wheel (.ci/run's wheel job) -------------------------------------------------
# With CHAINRULE_INSTALLED_TEST=1 the suite runs from a copy of tests/ against the wheel
# installed in a fresh venv: every package must come from site-packages, never from a source
# tree, and tests marked ``source_tree`` (they read the repository's own source files) skip.
INSTALLED = os.environ.get("CHAINRULE_INSTALLED_TEST") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "source_tree: reads the repository's source files; skipped against the wheel"
    )
    if INSTALLED:
        site = Path(sysconfig.get_paths()["purelib"]).resolve()
        for name in ("autograd", "nn", "viz", "demos", "benchmarks"):
            where = Path(importlib.import_module(name).__file__ or "").resolve()
            if site not in where.parents:
                raise pytest.UsageError(
                    f"CHAINRULE_INSTALLED_TEST=1 but {name} was imported from {where},"
                    f" not from the installed wheel in {site}"
                )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if INSTALLED:
        skip = pytest.mark.skip(reason="reads the source tree; this run tests the installed wheel")
        for item in items:
            if item.get_closest_marker("source_tree"):
                item.add_marker(skip)


# ---- the browser (headless Chromium through Selenium) ------------------------------------------
@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    """One headless Chromium for every page test of the run. Without Chromium, chromedriver or
    selenium the tests skip and say how to install them; CHAINRULE_REQUIRE_BROWSER=1 (as
    ``.ci/run`` sets) makes that a failure."""
    problem = browser.missing()
    if problem:
        unavailable("BROWSER", f"the browser tests cannot run: {problem}")
    d = browser.start()
    try:
        yield d
    finally:
        d.quit()


@pytest.fixture
def open_page(driver: Any, tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """Open a page (a stepper, saved here first, or a saved file) and wait until its steppers
    are ready; afterwards: no console error, nothing fetched but the file and data: URIs."""
    browser.errors(driver), browser.requests(driver)  # forget earlier pages

    def opener(page: Any, name: str = "page.html") -> Path:
        path = page if isinstance(page, Path) else page.save(tmp_path / name)
        browser.open_page(driver, path)
        return Path(path)

    yield opener
    assert browser.errors(driver) == []
    assert [u for u in browser.requests(driver) if not u.startswith(("file://", "data:"))] == []


@pytest.fixture
def tiled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stepper pages made as a large graph's are, whatever the graph's size: the drawing in
    tiles of 100 points, drawn as they come near the screen; the table in blocks of 5 rows."""
    from viz.interactive import page, tiles

    monkeypatch.setattr(page, "TILED_ABOVE", 0)
    monkeypatch.setattr(page, "ROWS_PER_BLOCK", 5)
    monkeypatch.setattr(tiles, "TILE", 100.0)
