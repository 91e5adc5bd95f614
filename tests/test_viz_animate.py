"""viz.animate_backprop / animate_forward: a GIF and numbered SVG frames."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

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


@pytest.mark.parametrize("animate", [viz.animate_backprop, viz.animate_forward])
@pytest.mark.parametrize("name", ["bp.xyz", "bp.svg", "bp.gif.bak"])
def test_an_unknown_file_type_is_refused_before_any_frame(
    animate: Any, name: str, tmp_path: Path
) -> None:
    f = expression()
    target = tmp_path / "anim" / name
    with pytest.raises(ValueError) as exc:
        animate(f, target, frames_dir=tmp_path / "frames", backend="pure")
    message = str(exc.value)
    assert message.startswith(f"{animate.__name__}: path must end in .gif or .png")
    assert repr(str(target)) in message
    assert not any(tmp_path.iterdir())  # no folder, no frame, no GIF
    assert f.parents[0].parents[0].grad == 0.0  # the backward pass did not run


def test_an_animated_png(tmp_path: Path) -> None:
    png = viz.animate_backprop(expression(), tmp_path / "bp.png", backend="pure")
    assert png == tmp_path / "bp.png"
    with Image.open(png) as im:
        assert im.format == "PNG" and im.n_frames == 3


@pytest.mark.parametrize("animate", [viz.animate_backprop, viz.animate_forward])
def test_root_must_be_a_value(animate: Any, tmp_path: Path) -> None:
    with pytest.raises(
        TypeError, match=rf"^{animate.__name__}: root must be an autograd.Value, got int"
    ):
        animate(3, tmp_path / "x.gif")
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("stepper", [object(), None, expression()], ids=["object", "None", "Value"])
def test_draw_step_takes_a_backprop_or_forward_stepper(stepper: Any) -> None:
    with pytest.raises(TypeError) as exc:
        viz.draw_step(stepper)
    message = str(exc.value)
    assert message.startswith("draw_step: stepper must be an autograd.Backprop or autograd.Forward")
    assert f"got {type(stepper).__name__} " in message


def test_frames_are_sharp_and_captioned_with_each_step(tmp_path: Path) -> None:
    f = expression()
    gif = viz.animate_backprop(f, tmp_path / "bp.gif", style="edges", backend="pure")
    frames = sorted((tmp_path / "bp_frames").glob("frame_*.svg"))
    widths = []
    for frame in frames:
        root = ET.parse(frame).getroot()
        widths.append(float(root.get("width", "0").removesuffix("pt")))
    with Image.open(gif) as im:
        assert im.width >= 2 * max(widths) - 2  # 2x: 144 dpi
    texts = [
        " ".join("".join(t.itertext()).split())
        for t in ET.parse(frames[1]).getroot().iter("{http://www.w3.org/2000/svg}text")
    ]
    assert "step 1/2 f = v1 * z = 3 * (-4) = -12 (f.grad = 1)" in texts
    assert any("v1.grad += 1 × (-4) = -4" in t for t in texts)
    assert "just processed" in texts and "next" in texts
    first = [
        "".join(t.itertext())
        for t in ET.parse(frames[0]).getroot().iter("{http://www.w3.org/2000/svg}text")
    ]
    assert any(t.startswith("Backprop of f: 0/2 steps done") for t in first)
    small = viz.animate_backprop(expression(), tmp_path / "small.gif", backend="pure", scale=1)
    with Image.open(small) as im, Image.open(gif) as big:
        assert im.width < big.width
    with pytest.raises(ValueError, match="animate_backprop: scale"):
        viz.animate_backprop(expression(), tmp_path / "x.gif", scale=100)
