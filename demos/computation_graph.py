"""A three-layer network x → f1 → f2 → f3 → L drawn like Figure 9.3, its backward pass animated.

Each layer is an nn.Layer whose nodes carry its name as their group, so the
"layers" drawing makes it one box, named after the layer with its formula
(h1 = tanh(f1.W·x + f1.b)); each arrow between boxes carries the vector that
crosses it, its value above (h1 = [...]) and its gradient ∂L/∂h1 below, and each
box's parameters f1.W and f1.b come in from above with ∂L/∂f1.W and ∂L/∂f1.b.
The target t goes into the loss box L with no gradient. Beside it, the edges
drawing of the same network shows every scalar, the same numbers one by one.
The animation (viz.animate_backprop with by="layer") steps through the same
backward pass one layer a frame, top to bottom so that it stays narrow, each
frame held 2.5 s and captioned in large type with the vector chain rule
(∂L/∂z2 = ∂L/∂h2 ⊙ tanh′(z2), ∂L/∂f2.W = ∂L/∂z2 · h1ᵀ, ∂L/∂h1 = f2.Wᵀ · ∂L/∂z2):
a GIF plus one SVG per frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from autograd import Value, node_group
from demos import _cli

NAME = "computation_graph"
FRAME_MS = 2500
"""How long the GIF holds each layer step."""
CAPTION_SIZE = 16
"""The GIF's caption, in points: about 14 pt on screen when the README shows it 830 px wide."""


def build(seed: int = 0, width: int = 2) -> tuple[Value, list[nn.Layer]]:
    """``L = (f3(f2(f1(x))) - t)²`` for one sample x = (0.5, -1.0), target t = 1."""
    rng = np.random.default_rng(seed)
    f1 = nn.Layer(2, width, "tanh", seed=rng, name="f1")
    f2 = nn.Layer(width, width, "tanh", seed=rng, name="f2")
    f3 = nn.Layer(width, 1, "linear", seed=rng, name="f3")
    x = [Value(0.5, label="x1"), Value(-1.0, label="x2")]
    target = Value(1.0, label="t")  # made outside the group L: an input, not a parameter
    (out,) = f3(f2(f1(x)))
    with node_group("L"):
        loss = (out - target) ** 2
    loss.label = "L"
    return loss, [f1, f2, f3]


def run(
    out: str | Path = "out/computation_graph",
    seed: int = 0,
    quick: bool = False,
    quiet: bool = False,
) -> dict[str, Any]:
    """Draw the network's graph (layers and edges styles) and animate its backward pass."""
    report = _cli.Report(NAME, out, quiet)
    loss, layers = build(seed)
    report.say("x → f1 → f2 → f3 → L: three tanh/tanh/linear layers of width 2, squared error")
    report.say(f"  L = {loss.data:.6g}")
    animation_root, _ = build(seed)
    gif = viz.animate_backprop(
        animation_root,
        report.path("backprop.gif"),
        style="layers",
        by="layer",
        rankdir="TB",
        caption_size=CAPTION_SIZE,
        frames_dir=report.path("backprop_frames"),
        duration=FRAME_MS,
    )
    frames = sorted(report.path("backprop_frames").glob("frame_*.svg"))
    report.wrote(gif, f"the backward pass animated ({len(frames)} frames)")
    report.wrote(report.path("backprop_frames"), "one SVG per frame")
    loss.backward()
    layered = viz.draw(loss, "layers", group_depth=1)
    report.wrote(layered.save(report.path("layers.svg")), "Figure 9.3, layer view (SVG)")
    report.wrote(layered.save(report.path("layers.png")), "Figure 9.3, layer view (PNG)")
    split = viz.draw(loss, "layers", group_depth=1, show_preactivations=True)
    report.wrote(split.save(report.path("layers_z.png")), "the same with z = W·x + b split off")
    detail = viz.draw(loss, "edges")
    report.wrote(detail.save(report.path("edges.svg")), "every node, edges style (SVG)")
    report.wrote(detail.save(report.path("edges.png")), "every node, edges style (PNG)")
    grad_norms = {
        f"f{i + 1}": float(np.sqrt(sum(float(p.grad) ** 2 for p in layer.parameters())))
        for i, layer in enumerate(layers)
    }
    for name, norm in grad_norms.items():
        report.say(f"  ‖∂L/∂θ‖ in {name}: {norm:.6g}")
    norms = {f"grad_norm_{k}": v for k, v in grad_norms.items()}
    return report.finish({"loss": float(loss.data), "frames": len(frames), **norms})


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
