"""Labels with control characters, quotes, NUL or markup stay text in every view.

XML (so SVG and Graphviz's HTML-like labels) refuses most control characters: a ``\\x0b``
in a label once broke rendering on both renderers. Names show them as escapes
(``autograd.naming.visible``); drawings are rendered on every renderer here and read back.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import escape as html_escape
from pathlib import Path

import pytest

import autograd
import viz
from autograd import Value

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = {
    "newline": ("a\nb", ["a", "b"]),
    "quotes": ("say \"hi\" 'x'", ["say \"hi\" 'x'"]),
    "nul": ("a\x00b", ["a\\x00b"]),
    "script": ("</script><b>x", ["</script><b>x"]),
    "vtab": ("a\x0bb", ["a\\x0bb"]),
    "formfeed": ("a\x0cb", ["a\\x0cb"]),
    "return": ("a\rb", ["a\\rb"]),
    "escape": ("a\x1b[31mb", ["a\\x1b[31mb"]),
    "entity": ("a&#1;b", ["a&#1;b"]),
}
RENDERERS = viz.available_backends()


def graph(label: str) -> Value:
    """``label`` on an input and on the output (the root's label once broke drawing)."""
    x = Value(2.0, label=label)
    f = x * 3.0 + 1.0
    f.label = label + "!"
    f.backward()
    return f


def svg_text(svg: str | bytes) -> str:
    """All the texts of an SVG, joined (word joiners of viz.labels dropped)."""
    root = ET.fromstring(svg)
    texts = ["".join(t.itertext()).replace("\u2060", "") for t in root.iter(f"{SVG}text")]
    return "\n".join(texts)


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("style", ["values", "edges", "layers"])
@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_every_style_renders_a_hostile_label_as_visible_text(
    renderer: str, style: str, case: str
) -> None:
    label, shown = HOSTILE[case]
    drawn = svg_text(viz.draw(graph(label), style).to_svg(renderer))  # type: ignore[arg-type]
    for part in shown:
        assert part in drawn, (part, drawn)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", drawn)


def test_names_show_control_characters_as_escapes_and_stay_distinct() -> None:
    a, b, c = Value(1.0, label="a\x0b"), Value(2.0, label="a\\x0b"), Value(3.0, label="t\tn\n")
    f = a * b + c
    named = autograd.names(f)
    assert [named[a], named[b], named[c]] == ["a\\x0b", "a\\x0b_2", "t\tn\n"]
    assert autograd.naming.visible("\x00\x7f\x85\ud800\ufffe") == "\\x00\\x7f\\x85\\ud800\\ufffe"
    # format characters: a word joiner, a right-to-left override, a tag character
    assert autograd.naming.visible("a\u2060b\u202ec\U000e0041") == "a\\u2060b\\u202ec\\U000e0041"
    assert autograd.naming.visible("x₁ ü é → ∂L") == "x₁ ü é → ∂L"  # other letters and signs stay


def test_the_repl_step_shows_escapes() -> None:
    bp = autograd.Backprop(graph("a\x0cb"))
    text = "\n".join(str(step) for step in bp)
    assert "a\\x0cb" in text and "\x0c" not in text


@pytest.mark.parametrize("case", HOSTILE, ids=str)
def test_the_stepper_page_keeps_a_hostile_label_text(case: str, tmp_path: Path) -> None:
    label, shown = HOSTILE[case]
    page = viz.stepper(graph(label), title=label).save(tmp_path / "page.html")
    html = page.read_text(encoding="utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    opened = len(re.findall(r"(?m)^<script[\s>]", html))  # the page starts each on a line
    assert html.count("</script>") == opened  # no label closes a script early
    data = json.loads(html.split('class="cr-data">', 1)[1].split("</script>", 1)[0])
    names = [node["name"] for node in data["nodes"]]
    for part in shown:
        assert any(part in name for name in names), (part, names)


@pytest.mark.parametrize("case", ["nul", "vtab", "script"])
def test_a_worksheet_keeps_a_hostile_label_text(case: str, tmp_path: Path) -> None:
    label, shown = HOSTILE[case]
    html = viz.worksheet(graph(label), tmp_path / "ws.html", title=label).read_text("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", html)
    assert "</script><b>" not in html
    assert all(html_escape(part) in html for part in shown)
