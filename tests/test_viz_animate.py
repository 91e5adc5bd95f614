"""viz.animate_backprop / animate_forward: a GIF and numbered SVG frames."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import viz
from autograd import Value


def expression() -> Value:
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    f = (x + y) * z
    f.label = "f"
    return f


def test_backprop_animation(tmp_path: Path) -> None:
    f = expression()
    gif = viz.animate_backprop(f, tmp_path / "bp.gif", style="edges", backend="pure")
    frames = sorted((tmp_path / "bp_frames").glob("frame_*.svg"))
    assert [p.name for p in frames] == ["frame_000.svg", "frame_001.svg", "frame_002.svg"]
    for frame in frames:
        ET.parse(frame)
    with Image.open(gif) as im:
        assert im.format == "GIF" and im.n_frames == 3
    assert f.parents[0].parents[0].grad == -4.0  # the pass ran: gradients are filled in
    first = frames[0].read_text(encoding="utf-8")
    assert ">?</text>" in first and ">?</text>" not in frames[-1].read_text(encoding="utf-8")


def test_forward_animation_and_custom_folder(tmp_path: Path) -> None:
    f = expression()
    gif = viz.animate_forward(f, tmp_path / "fw", frames_dir=tmp_path / "frames", backend="pure")
    assert gif.suffix == ".gif"
    assert len(list((tmp_path / "frames").glob("frame_*.svg"))) == 6  # 5 nodes + start
    with Image.open(gif) as im:
        assert im.n_frames == 6


def test_layers_animation_frames_all_differ(tmp_path: Path) -> None:
    import autograd

    x = Value(0.5, label="x")
    with autograd.node_group("layer"):  # every step but the last stays inside this box
        h = ((x * 2.0).tanh() * 3.0).sigmoid()
    out = h * h
    gif = viz.animate_backprop(out, tmp_path / "l.gif", style="layers", backend="pure")
    frames = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "l_frames").glob("*.svg"))]
    assert len(frames) == 6
    assert len(set(frames)) == len(frames)
    with Image.open(gif) as im:  # one shared palette, white stays white
        for k in range(im.n_frames):
            im.seek(k)
            assert im.convert("RGB").getpixel((0, 0)) == (255, 255, 255)


def test_too_many_frames_is_refused(tmp_path: Path) -> None:
    v = Value(1.0)
    for _ in range(500):
        v = v * 1.0
    with pytest.raises(ValueError, match="frames"):
        viz.animate_backprop(v, tmp_path / "x.gif")
