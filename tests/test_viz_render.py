"""viz.render: both backends, valid SVG/PNG/PDF files, any label, notebook display."""

from __future__ import annotations

import json
import re
import shutil
import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.requirements import BACKENDS

import autograd
import viz
from autograd import Value
from autograd.explain import visible

SVG = "{http://www.w3.org/2000/svg}"


def expression() -> Value:
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.label = "f"
    f.backward()
    return f


def svg_texts(svg: str | bytes) -> list[str]:
    """The texts as a reader sees them (the invisible word joiners of viz.labels dropped)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()).replace("\u2060", "") for t in root.iter(f"{SVG}text")]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("style", ["values", "edges", "layers"])
def test_svg_and_png_files_are_valid(backend: str, style: str, tmp_path: Path) -> None:
    f = expression()
    svg_path = viz.render(f, tmp_path / "graph.svg", backend=backend, style=style)  # type: ignore[arg-type]
    texts = svg_texts(svg_path.read_bytes())
    assert any("-12" in t for t in texts)
    png_path = viz.render(viz.draw(f, style), tmp_path / "graph", format="png", backend=backend)  # type: ignore[arg-type]
    assert png_path.suffix == ".png"
    width, height = png_size(png_path.read_bytes())
    assert 50 < width < 3000 and 20 < height < 2000


@pytest.mark.parametrize("backend", BACKENDS)
def test_pdf_and_dot_formats(backend: str, tmp_path: Path) -> None:
    f = expression()
    pdf = viz.render(f, tmp_path / "g.pdf", backend=backend)  # type: ignore[arg-type]
    assert pdf.read_bytes().startswith(b"%PDF")
    dot = viz.render(f, tmp_path / "g.dot", backend=backend)  # type: ignore[arg-type]
    assert dot.read_text(encoding="utf-8") == viz.draw(f).source
    with pytest.raises(ValueError, match="format"):
        viz.render(f, tmp_path / "g.jpeg")


LABEL_TEXT = st.text(
    alphabet=st.sampled_from(list("ab xyz\"'\\{}|<>[]&;=:∂Lü\n\t→é∑-.,\u2060\u202e\u200b"))
    | st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc")),
    max_size=20,
)


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=15, deadline=None)
@given(labels=st.lists(LABEL_TEXT, min_size=3, max_size=3))
def test_any_label_renders(backend: str, labels: list[str]) -> None:
    a, b = Value(1.5, label=labels[0]), Value(-2.0, label=labels[1])
    c = a * b
    c.label = labels[2]
    c.backward()
    for style in ("values", "edges"):
        texts = " ".join(svg_texts(viz.to_svg(c, backend=backend, style=style)))  # type: ignore[arg-type]
        for label in labels:  # as every view shows it: invisible characters escaped
            for word in visible(label).split():
                assert word in texts, (style, label, word)


def test_tricky_labels_render_literally() -> None:
    tricky = ['say "hi"', "{a|b}", "<b>bold</b>", "back\\slash\\", "\\n not a newline", "x₁→∂L",
              "&amp; &#65; &#1; &#;", "]", "\\N is no node name", "two\\\\slashes"]  # fmt: skip
    values = [Value(float(i), label=t) for i, t in enumerate(tricky)]
    total = values[0]
    for v in values[1:]:
        total = total + v
    total.label = "two\nlines"
    for style in ("values", "edges", "layers"):
        texts = svg_texts(viz.to_svg(total, backend="pure", style=style))
        joined = "\n".join(texts)
        for t in tricky:
            assert t in joined, (style, t)
        assert "two" in texts and "lines" in texts  # a real line break


def test_backend_choice_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "pure" in viz.available_backends()
    name, exe = viz.find_renderer("pure")
    assert name == "pure" and Path(exe).name.startswith("graphviz-pure")
    with pytest.raises(ValueError, match="backend"):
        viz.find_renderer("magic")  # type: ignore[arg-type]
    monkeypatch.setattr(shutil, "which", lambda _: None)
    with pytest.raises(viz.RenderError, match="system Graphviz"):
        viz.find_renderer("system")
    assert viz.find_renderer("auto")[0] == "pure"  # found next to sys.executable
    monkeypatch.setattr(sys.modules["viz.render"], "_pure_executable", lambda: None)
    with pytest.raises(viz.RenderError, match=r"'dot'.*graphviz-pure"):
        viz.find_renderer("auto")
    with pytest.raises(viz.RenderError):
        viz.to_svg(expression())


@pytest.mark.parametrize(
    "graph", [3, None, [1, 2], object()], ids=["int", "None", "list", "object"]
)
def test_render_refuses_what_is_not_a_drawing(graph: Any, tmp_path: Path) -> None:
    with pytest.raises(TypeError) as exc:
        viz.render(graph, tmp_path / "g.svg", backend="pure")
    message = str(exc.value)
    assert message.startswith("render: graph must be a Value, a drawing")
    assert "DOT text (str)" in message
    assert f"got {type(graph).__name__} " in message
    assert not any(tmp_path.iterdir())


def test_render_takes_a_graphviz_source_and_dot_text(tmp_path: Path) -> None:
    import graphviz

    dot = "digraph { a -> b }"
    svg = viz.render(graphviz.Source(dot), tmp_path / "source.svg", backend="pure")
    assert svg_texts(svg.read_bytes()) == svg_texts(
        viz.render(dot, tmp_path / "text.svg", backend="pure").read_bytes()
    )


def test_renderer_failure_is_reported() -> None:
    with pytest.raises(viz.RenderError, match="failed"):
        viz.pipe("digraph { a -> }", "svg", backend="pure")


def test_drawing_displays_inline_as_svg() -> None:
    drawing = viz.draw(expression(), "edges")
    assert isinstance(drawing, viz.Drawing)
    svg = drawing._repr_svg_()
    assert svg_texts(svg)
    bundle = drawing._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml"} and "<svg" in bundle["image/svg+xml"]
    assert png_size(drawing.to_png(backend="pure"))[0] > 50
    drawing.attr(bgcolor="lightyellow")  # still an ordinary graphviz.Digraph
    assert "bgcolor=lightyellow" in drawing.source


def ipython_formatters() -> dict[str, dict[Any, Any]]:
    """Register viz with a stand-in IPython shell; return what each MIME type got."""
    registered: dict[str, dict[Any, Any]] = {"image/svg+xml": {}, "text/html": {}}
    formatters = {
        mime: SimpleNamespace(for_type=lambda cls, fn, m=mime: registered[m].__setitem__(cls, fn))
        for mime in registered
    }
    shell = SimpleNamespace(display_formatter=SimpleNamespace(formatters=formatters))
    assert viz.register_ipython(shell)
    return registered


def test_ipython_formatter_for_value() -> None:
    show = ipython_formatters()["image/svg+xml"][Value]
    assert re.search(r"<svg", show(expression()))
    big = Value(0.0)
    for _ in range(3000):
        big = big + 1.0
    assert show(big) is None  # too large: IPython falls back to repr


def test_a_network_output_displays_in_the_layers_view() -> None:
    import nn

    show = ipython_formatters()["image/svg+xml"][Value]
    out = nn.MLP(2, [8, 8, 1], seed=0)([0.5, -1.0])
    svg = show(out)
    every_node = viz.draw(out).to_svg()
    assert svg is not None and len(svg_texts(svg)) < len(svg_texts(every_node)) / 3
    # Figure 9.3 runs left to right: wide, and readable on a 16:9 slide (tests/test_viz_layers.py)
    assert float(re.search(r'<svg width="([\d.]+)pt"', svg)[1]) < 2000  # type: ignore[index]
    assert float(re.search(r'height="([\d.]+)pt"', svg)[1]) < 1000  # type: ignore[index]


def test_a_backprop_displays_as_its_stepper_page() -> None:
    show = ipython_formatters()["text/html"][autograd.Backprop]
    bp = autograd.Backprop(expression())
    bp.step()
    page = show(bp)
    assert page is not None and "cr-data" in page and 'class="cr-static"' in page
    live = re.search(r'class="cr-live-markup">(.*?)</script>', page, re.S)  # built by its script
    assert live is not None and "<svg" in json.loads(live[1])


def test_an_animation_is_its_path_and_displays_inline(tmp_path: Path) -> None:
    animation = viz.animate_backprop(expression(), tmp_path / "bp.gif", backend="pure")
    assert isinstance(animation, Path) and animation == tmp_path / "bp.gif"
    page = animation._repr_html_()
    assert page is not None and page.startswith('<img src="data:image/gif;base64,R0lGOD')


def test_render_is_a_leaf_module() -> None:
    """viz.render knows DOT text only: it imports nothing of viz's drawing code (no cycle)."""
    import ast

    source = Path(viz.__file__).with_name("render.py").read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    ours = {m for m in imported if m.split(".")[0] in ("viz", "autograd", "nn")}
    assert ours == {"viz.errors", "viz.files"}  # two leaves: its error and the output path rule


def svg_size(svg: str | bytes) -> tuple[float, float]:
    root = ET.fromstring(svg)
    return float(root.get("width", "0").removesuffix("pt")), float(
        root.get("height", "0").removesuffix("pt")
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_png_is_twice_the_drawing_size_by_default(backend: str, tmp_path: Path) -> None:
    drawing = viz.draw(expression(), "edges")
    width, height = svg_size(drawing.to_svg(backend))  # type: ignore[arg-type]
    for scale, path in ((2.0, None), (1.0, tmp_path / "one.png"), (3.0, tmp_path / "three.png")):
        if path is None:
            data = drawing.to_png(backend)  # type: ignore[arg-type]
        else:
            data = viz.render(drawing, path, backend=backend, scale=scale).read_bytes()  # type: ignore[arg-type]
        w, h = png_size(data)
        assert abs(w - scale * width) <= 2 * scale + 1 and abs(h - scale * height) <= 2 * scale + 1
    with pytest.raises(ValueError, match="scale"):
        drawing.to_png(scale=0)
