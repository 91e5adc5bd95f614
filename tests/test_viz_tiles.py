"""viz.interactive.tiles: a large drawing cut into tiles, and the page that carries them.

How the tiles look and behave in a browser is tested in test_browser_stepper.py (placed
where the single drawing put everything, nothing clipped, drawn as they come near).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

import pytest
from support.requirements import BACKENDS

import viz
from autograd import Value, topological_order
from autograd.exercises import random_expression
from viz.interactive import page, tiles
from viz.interactive.svg import graph_svg, parse


def chain(links: int) -> Value:
    v = Value(0.5, label="x")
    for k in range(links):
        v = (v * Value(0.9, label=f"w{k}")).tanh()
    v.backward()
    return v


INHERITED = ("font-family", "font-size", "text-anchor")


def drawn(svg: ET.Element, inherited: dict[str, str] | None = None) -> Counter[str]:
    """Every shape and text of a drawing, by what it is, where and how it looks (a text's
    font as it inherits it): to compare two drawings."""
    found: Counter[str] = Counter()
    own = {**(inherited or {}), **{k: v for k, v in svg.attrib.items() if k in INHERITED}}
    if svg.tag in ("text", "path", "polygon", "ellipse"):
        looks = {**(own if svg.tag == "text" else {}), **svg.attrib}
        looks.pop("data-title", None)
        found[f"{svg.tag} {sorted(looks.items())} {svg.text}"] += 1
    for child in svg:
        found += drawn(child, own)
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_shape_lands_in_exactly_one_tile(backend: str) -> None:
    root = chain(12)
    whole = graph_svg(root, backend=backend)  # type: ignore[arg-type]
    cut = tiles.cut(whole.svg, 120.0)
    assert len(cut.tiles) > 3  # the chain is far wider than 120 points
    pieces = [parse(t).svg for t in cut.tiles]  # each tile is well-formed SVG
    background = whole.svg.find("g")[0]  # type: ignore[index]
    want = drawn(whole.svg) - drawn(background)
    assert sum((drawn(p) for p in pieces), Counter()) == want
    for svg in cut.tiles:  # the texts' font is written once, on the tile's group
        assert svg.count("font-family") == (1 if "<text" in svg else 0)
    nodes = range(len(topological_order(root)))
    assert sorted(cut.tile_of) == list(nodes)
    for node, k in cut.tile_of.items():
        assert pieces[k].find(f".//g[@data-node='{node}']") is not None
    places = re.findall(r'<div class="cr-tile" data-tile="(\d+)"[^>]*>(.*?)</div>', cut.markup)
    assert [int(k) for k, _ in places] == list(range(len(cut.tiles)))  # a place for each tile
    for (_, inside), svg in zip(places, cut.tiles):  # holding only its SVG, as a JSON string
        found = re.fullmatch(
            r'<script type="application/json" class="cr-tile-svg">(.*)</script>', inside
        )
        assert found is not None and json.loads(found[1]) == svg


def test_the_drawings_size_and_background_carry_over() -> None:
    whole = graph_svg(chain(3))
    cut = tiles.cut(whole.svg)
    width, height = whole.size
    found = re.search(r'data-w="([\d.]+)" data-h="([\d.]+)"', cut.markup)
    assert found is not None
    assert float(found[1]) == pytest.approx(width, abs=0.1)
    assert float(found[2]) == pytest.approx(height, abs=0.1)
    assert "background:white" in cut.markup


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
    '<g class="graph" transform="scale(1 1) rotate(0) translate(4 46)">{}</g></svg>'
)


@pytest.mark.parametrize(
    ("svg", "problem"),
    [
        (SVG.format('<path d="m 0,0 l 10,10" />'), "absolute"),
        (SVG.format("<foreignObject />"), "foreignObject"),
        (SVG.format("<g />"), "draws nothing"),
        (SVG.replace(' viewBox="0 0 100 50"', "").format("<text x='1' y='2'>a</text>"), "viewBox"),
        (SVG.replace("rotate(0)", "rotate(90)").format("<text>a</text>"), "transform"),
        ('<svg width="1pt" viewBox="0 0 1 1"><text>a</text></svg>', "one <g>"),
    ],
    ids=["relative-path", "unknown-shape", "empty-group", "no-viewbox", "rotated", "no-group"],
)
def test_a_drawing_of_another_shape_is_refused_clearly(svg: str, problem: str) -> None:
    with pytest.raises(tiles.Untileable, match=problem):
        tiles.cut(parse(svg).svg)


@pytest.mark.parametrize("tile", [0.0, -5.0])
def test_a_tile_must_have_a_size(tile: float) -> None:
    with pytest.raises(ValueError, match="tile must be a positive number"):
        tiles.cut(graph_svg(chain(1)).svg, tile)


# ---- the page ---------------------------------------------------------------------------------


def blocks_of(text: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" class="cr-tiles-data">(.*?)</script>', text)
    assert match is not None
    return json.loads(match[1])  # type: ignore[no-any-return]


def test_a_large_page_is_tiles_and_blocks_a_small_one_a_drawing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = random_expression(4, seed=7, size=40)
    count = len(topological_order(root))
    small = viz.stepper(root).html()
    assert 'class="cr-tiles' not in small and 'class="cr-rows' not in small
    monkeypatch.setattr(page, "TILED_ABOVE", count - 1)
    monkeypatch.setattr(page, "ROWS_PER_BLOCK", 7)
    st = viz.stepper(root)
    text = st.html()
    data = blocks_of(text)
    assert len(data["tileOf"]) == count and min(data["tileOf"]) >= 0
    assert max(data["tileOf"]) < text.count('<div class="cr-tile"') == len(st.tiled.tiles)
    # the table: a header, then blocks of 7 rows with the header's column widths
    head = re.search(r'<table class="cr-table cr-table-head[^>]*>(<colgroup>.*?)<thead>', text)
    assert head is not None
    blocks = re.findall(
        r'<div class="cr-rows"[^>]*><table[^>]*>(<colgroup>.*?)<tbody>(.*?)</tbody>', text
    )
    assert [len(re.findall("<tr ", rows)) for _, rows in blocks] == [
        min(7, count - k) for k in range(0, count, 7)
    ]
    assert {columns for columns, _ in blocks} == {head[1]}
    rows = re.findall(r'<tr data-row="(\d+)">', text)
    assert rows == [str(i) for i in range(count)]


def test_labels_in_tiles_stay_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page, "TILED_ABOVE", 0)
    hostile = "</script><script>alert(1)</script>\"'&\n"
    root = Value(2.0, label=hostile) * Value(3.0, label="b")
    root.backward()
    text = viz.stepper(root).html()
    assert "<script>alert" not in text
    svgs = re.findall(r'<script type="application/json" class="cr-tile-svg">(.*?)</script>', text)
    labels = [t.text for svg in svgs for t in parse(json.loads(svg)).svg.iter("text")]
    assert any(label and "</script><script>alert(1)</script>" in label for label in labels)
