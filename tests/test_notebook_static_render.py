"""Stored notebooks as a renderer that runs no script shows them, read back in Chromium.

Every stored notebook is exported to HTML two ways and opened in headless Chromium:

* ``nbconvert``: ``HTMLExporter(sanitize_html=True)`` (nbconvert 7). Its ``clean_html``
  filter (bleach) keeps a short list of tags (``div``, ``span``, ``pre``, ``code``,
  ``table``, ``tr``, ``td``, ``a``, ``b``, ``i``, ``em``, ``strong``, lists,
  ``blockquote``) with only ``class`` and ``id``, and *escapes* every other tag: ``img``,
  ``p``, ``button``, ``script`` and ``style`` show as literal text. No HTML output can
  show a picture there, so the stepper is an expected failure under it; PNG outputs
  (a widget's last figure) pass through untouched.
* ``github``: GitHub's notebook viewer, modelled with nh3 (ammonia): every ``text/html``
  output loses ``<script>`` and ``<style>`` with their contents, every ``style`` (and
  ``hidden``, ``class``, ``data-*``) attribute, and unknown tags such as ``button``,
  ``select`` and ``svg`` (their text stays); ``img`` keeps ``src`` (``data:`` allowed),
  ``alt``, ``width`` and ``height``. Widget views and their state are dropped, as GitHub
  renders no widgets.

On each page, for every stepper output: its picture loaded (``naturalWidth > 0``), the
words "run the cell to step through" show, and nothing else does (no controls, no graph
labels, no table, no ``?``); for every widget output: its cell shows a loaded figure.
Nowhere on any page is ``interactive(children`` or ``VBox(children``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from viz.interactive.page import STILL_TEXT

nbformat = pytest.importorskip(
    "nbformat", reason="the notebook extra is not installed: pip install -e .[notebook]"
)
nbconvert = pytest.importorskip(
    "nbconvert", reason="the notebook extra is not installed: pip install -e .[notebook]"
)
nh3 = pytest.importorskip(
    "nh3", reason="the notebook extra is not installed: pip install -e .[notebook]"
)

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
REPRS = ("interactive(children", "VBox(children")
"""What a front end shows for a widget it cannot draw: never wanted on a page."""
LIVE_TEXT = ("first", "prev", "play", "next", "speed", "Wengert", "keys:", "?")
"""Text only the live stepper shows: its buttons, table, help and unknown-value marks."""
RENDERERS = ("nbconvert", "github")

VISIBLE_TEXT = "return arguments[0].innerText;"
IMAGES = """
return Array.prototype.map.call(arguments[0].querySelectorAll('img'), function (img) {
  return [img.complete, img.naturalWidth, img.getBoundingClientRect().width];
});
"""


def github_view(book: Any) -> Any:
    """``book`` with its outputs as GitHub's viewer sanitises them (see the module docstring)."""
    book = copy.deepcopy(book)
    book.metadata.pop("widgets", None)
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in (WIDGET_VIEW, "application/javascript"):
                data.pop(mime, None)
            if "text/html" in data:
                data["text/html"] = nh3.clean(
                    "".join(data["text/html"]),
                    attributes={"img": {"src", "alt", "width", "height"}},
                    url_schemes=nh3.ALLOWED_URL_SCHEMES | {"data"},
                )
    return book


def render(path: Path, renderer: str, folder: Path) -> Path:
    """``path`` as an HTML page the way ``renderer`` shows it; the page's path."""
    book = nbformat.read(path, as_version=4)
    if renderer == "nbconvert":
        page, _ = nbconvert.HTMLExporter(sanitize_html=True).from_notebook_node(book)
    else:
        page, _ = nbconvert.HTMLExporter().from_notebook_node(github_view(book))
    out = folder / f"{path.stem}.{renderer}.html"
    out.write_text(page, encoding="utf-8")
    return out


def outputs_of(path: Path, wanted: str) -> list[str]:
    """The ids of the cells with a stored stepper (``wanted="stepper"``) or widget output."""
    book = nbformat.read(path, as_version=4)
    found = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html = "".join(data.get("text/html", ""))
            if (wanted == "stepper" and 'class="chainrule-stepper"' in html) or (
                wanted == "widget" and WIDGET_VIEW in data
            ):
                found.append(cell.id)
                break
    return found


def open_cells(driver: Any, page: Path, cell_ids: list[str]) -> list[Any]:
    """Open ``page``; the output area of each of ``cell_ids``, once its images have loaded."""
    driver.get(page.resolve().as_uri())
    areas = []
    for cell_id in cell_ids:
        found = driver.find_elements("css selector", f'[id="cell-id={cell_id}"] .jp-OutputArea')
        assert found, f"{page.name}: no output area for cell {cell_id}"
        areas.append(found[0])
    driver.execute_script(
        "return Promise.all(Array.prototype.map.call(document.images, function (img) {"
        " return img.decode().catch(function () {}); }));"
    )
    return areas


def loaded_pictures(driver: Any, area: Any) -> list[list[Any]]:
    return [i for i in driver.execute_script(IMAGES, area) if i[0] and i[1] > 0 and i[2] > 0]


def shown_outputs(
    driver: Any, folder: Path, renderer: str, wanted: str, notebook: str
) -> Iterator[tuple[str, str]]:
    """Each stored ``wanted`` output (``notebook`` must have one) as ``renderer`` shows it:
    its page's name and its visible text, once its picture is checked to have loaded."""
    books = [p for p in NOTEBOOKS if outputs_of(p, wanted)]
    assert any(p.stem == notebook for p in books), f"{notebook} stores no {wanted} output"
    for path in books:
        page = render(path, renderer, folder)
        for area in open_cells(driver, page, outputs_of(path, wanted)):
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", area)
            assert loaded_pictures(driver, area), f"{page.name}: a {wanted} shows no picture"
            yield page.name, driver.execute_script(VISIBLE_TEXT, area)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_no_widget_repr_anywhere(driver: Any, tmp_path: Path, path: Path, renderer: str) -> None:
    page = render(path, renderer, tmp_path)
    driver.get(page.resolve().as_uri())
    text = driver.execute_script("return document.body.innerText;")
    assert text.strip(), f"{page.name} shows nothing"
    for bad in REPRS:
        assert bad not in text, f"{page.name} shows {bad}…)"


def stepper_cases() -> list[Any]:
    marks = {
        "nbconvert": pytest.mark.xfail(
            strict=True,
            raises=AssertionError,
            reason="nbconvert's clean_html escapes <img>, <p> and <script> as text:"
            " no HTML output can show a picture under it",
        )
    }
    return [pytest.param(r, marks=marks.get(r, ()), id=r) for r in RENDERERS]


@pytest.mark.parametrize("renderer", stepper_cases())
def test_a_stored_stepper_shows_its_picture_and_one_line(
    driver: Any, tmp_path: Path, renderer: str
) -> None:
    for name, text in shown_outputs(
        driver, tmp_path, renderer, "stepper", "03_engine_and_stepping"
    ):
        shown = " ".join(text.split())
        assert "run the cell to step through" in shown
        # the prompt ("Out[6]:") and the picture's line, nothing of the live stepper
        assert shown.endswith(STILL_TEXT), f"{name} shows more: {shown[:300]!r}"
        assert not any(word in shown for word in LIVE_TEXT), shown[:300]


@pytest.mark.parametrize("renderer", RENDERERS)
def test_a_stored_widget_shows_its_last_figure(driver: Any, tmp_path: Path, renderer: str) -> None:
    for name, shown in shown_outputs(driver, tmp_path, renderer, "widget", "07_xor"):
        assert not any(bad in shown for bad in REPRS), f"{name}: {shown[:300]!r}"
