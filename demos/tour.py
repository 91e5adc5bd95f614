"""The guided tour: f = (x + y)·z step by step, its graph (Figure 9.3), then the XOR network.

1. Build f = (x + y)·z at x = -2, y = 5, z = -4 and print its Wengert list.
2. Step through the backward pass one node at a time (autograd.Backprop),
   printing each chain-rule product.
3. Draw the graph in the edges style: forward value above each arrow, the
   gradient ∂f/∂(that value) below it; written as SVG and PNG, and as
   backprop.html, a page to step through both passes in a browser (viz.stepper).
4. Train the XOR network (see demos.xor) and write its decision boundary and
   loss curve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import viz
from autograd import Backprop, Value, wengert_table
from demos import _cli, xor

NAME = "tour"


def build() -> tuple[Value, dict[str, Value]]:
    """``f = (x + y) * z`` with every node labelled; returns ``(f, {name: node})``."""
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return f, {"x": x, "y": y, "z": z, "q": q, "f": f}


def run(
    out: str | Path = "out/tour", seed: int = 0, quick: bool = False, quiet: bool = False
) -> dict[str, Any]:
    """Run the four parts of the tour; return the gradients and the XOR results."""
    report = _cli.Report(NAME, out, quiet)
    say = report.say
    f, nodes = build()
    say("1. The expression f = (x + y) * z at x = -2, y = 5, z = -4, with q = x + y.")
    say("   Its Wengert list (one line per node, in the order the forward pass made them):")
    say()
    say(wengert_table(f))
    say()
    say("2. The backward pass, one node at a time (autograd.Backprop). Each step takes the")
    say("   node's gradient and multiplies it by the local derivative of each input:")
    say()
    stepper = Backprop(f)
    say(f"   seed: f.grad = ∂f/∂f = {f.grad:g}")
    for step in stepper:
        say(str(step))
        drawing = viz.draw_step(stepper, "edges")
        report.wrote(
            drawing.save(report.path(f"graph_step{step.index}.svg")),
            f"the graph after step {step.index}",
        )
    grads = {name: float(node.grad) for name, node in nodes.items()}
    say()
    say("   Afterwards (the same numbers f.backward() gives):")
    say("   " + ", ".join(f"∂f/∂{n} = {grads[n]:g}" for n in ("x", "y", "z")))
    say()
    say(wengert_table(f))
    say()
    say("3. The graph in the edges style (Figure 9.3): value above each arrow, gradient below.")
    drawing = viz.draw(f, "edges")
    report.wrote(drawing.save(report.path("graph.svg")), "the graph as SVG")
    report.wrote(drawing.save(report.path("graph.png")), "the graph as PNG")
    page = viz.stepper(f, title="f = (x + y) · z, forward and back")
    report.wrote(page.save(report.path("backprop.html")), "the passes to step through yourself")
    say("   Open backprop.html in any browser (from disk; no server, no network): press → to")
    say("   fill in the values edge by edge, then the gradients; ← steps back, Home and End jump,")
    say("   space plays; hover a node or an arrow for its local derivative.")
    say()
    epochs = 100 if quick else xor.DEFAULTS["epochs"]
    hidden, activation, lr = xor.DEFAULTS["hidden"], xor.DEFAULTS["activation"], xor.DEFAULTS["lr"]
    say(
        f"4. XOR: 120 points, label x₀·x₁ > 0; MLP 2 → {hidden} ({activation}) → 1,"
        f" Adam lr {lr:g}, {epochs} epochs (nn.fit, batched)."
    )
    model, X, y, history = xor.train(hidden, activation, lr, epochs, seed)
    accuracy = float(np.mean((model.predict(X) > 0) == (y > 0)))
    say(
        f"   loss {history.train_loss[0]:.4f} → {history.train_loss[-1]:.4f},"
        f" accuracy {accuracy:.3f}"
    )
    fig = viz.plot_decision_boundary(model.predict, X, y, history=history)
    report.figure(fig, "xor.png", "XOR decision boundary and loss curve")
    say()
    say("Next: python -m demos lists every demo of the two chapters.")
    return report.finish(
        {
            "f": float(f.data),
            "grad_x": grads["x"],
            "grad_y": grads["y"],
            "grad_z": grads["z"],
            "xor_loss": history.train_loss[-1],
            "xor_accuracy": accuracy,
        }
    )


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
