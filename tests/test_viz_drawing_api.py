"""Every ``graphviz.Digraph`` method works on what ``viz.draw`` returns, with or without ``dot``.

``Drawing.save(path)`` once shadowed ``Digraph.save``, so ``render`` and ``view`` raised
``TypeError``; and ``pipe`` needed the system ``dot``. Each test runs with the system
Graphviz (when installed) and with ``dot`` taken off ``PATH`` (the bundled renderer).
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

import viz
from autograd import Value

SVG = "{http://www.w3.org/2000/svg}"
SETUPS = ["system", "no dot"] if shutil.which("dot") else ["no dot"]


@pytest.fixture(params=SETUPS)
def setup(request: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """``"system"``, or ``"no dot"``: PATH holds an empty folder, so ``dot`` is not found."""
    if request.param == "no dot":
        empty = tmp_path / "empty-path"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
        assert shutil.which("dot") is None
    return str(request.param)


def drawing() -> viz.Drawing:
    x = Value(-2.0, label="x")
    f = x * 3.0
    f.label = "f"
    f.backward()
    return viz.draw(f)


def texts(svg: bytes | str) -> str:
    root = ET.fromstring(svg)
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_render_writes_the_dot_source_and_the_picture(setup: str, tmp_path: Path) -> None:
    out = drawing().render(tmp_path / "x", format="png")
    assert Path(out) == tmp_path / "x.png"
    assert Path(out).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "x").read_text(encoding="utf-8").startswith("digraph")


def test_render_to_an_outfile_and_clean_up(setup: str, tmp_path: Path) -> None:
    out = drawing().render(outfile=tmp_path / "y.svg", cleanup=True)
    assert "-6" in texts(Path(out).read_bytes())
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["y.svg"]


def test_pipe_gives_bytes_or_text(setup: str) -> None:
    d = drawing()
    assert "-6" in texts(d.pipe(format="svg"))
    assert "-6" in texts(d.pipe(format="svg", encoding="utf-8"))
    assert d.pipe(format="pdf")[:5] == b"%PDF-"
    assert d.pipe(format="png")[:4] == b"\x89PNG"
    assert json.loads(d.pipe(format="json", encoding="utf-8"))["directed"]  # dot's -Tjson


def test_view_renders_and_opens_a_viewer(
    setup: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def viewer(path: str, *, quiet: bool) -> None:
        opened.append(path)

    d = drawing()
    monkeypatch.setattr(type(d), "_view_linux", staticmethod(viewer), raising=False)
    monkeypatch.setattr("graphviz.backend.viewing.PLATFORM", "linux")
    out = d.view(tmp_path / "v")
    assert opened == [out] and Path(out).read_bytes()[:5] == b"%PDF-"


def test_save_writes_pictures_and_dot_source(setup: str, tmp_path: Path) -> None:
    d = drawing()
    assert d.save(tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert "-6" in texts(d.save(tmp_path / "a.svg").read_bytes())
    assert d.save(tmp_path / "a.gv").read_text(encoding="utf-8") == d.source
    assert d.save(directory=tmp_path).read_text(encoding="utf-8") == d.source  # Digraph.save
    assert d.save(tmp_path / "pic", format="png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="format must be one of svg, png, pdf, got 'gif'"):
        d.save(tmp_path / "b.gif", format="gif")


def test_the_repr_says_how_to_see_it() -> None:
    shown = repr(drawing())
    assert ".save('graph.svg')" in shown and ".view()" in shown
