"""Figure 9.2: two interleaved spirals after random, untrained ReLU layers; then trained layers.

The chapter's Figure 9.2 shows the spirals (nn.data.spirals), the data after one
hidden layer of random weights and ReLU, and after a second such layer. Here
both layers have 32 units, weights N(0, 2/fan_in) and biases uniform in
[-0.5, 0.5], nothing trained (an nn.MLP loaded with nn.MLP.from_arrays). Each
panel shows the points projected to their first two principal components and,
in its title, how linearly separable the classes are there: the accuracy of a
linear read-out (ridge, fitted on every other point, scored on the rest). A
second figure, labelled as trained, shows an MLP 2 → 16 → 2 → 1 (tanh) after
training with binary cross-entropy and Adam: its last hidden layer has two
units, so it is drawn as it is, and a line separates the classes there.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

import nn
import viz
from demos import _cli
from viz.plots.representations import layer_outputs

NAME = "representations"
RANDOM_WIDTH = 32
BIAS_RANGE = 0.5
PROBE_ALPHA = 1e-3


def random_relu_network(seed: int, width: int = RANDOM_WIDTH, depth: int = 2) -> nn.MLP:
    """``depth`` untrained ReLU layers of ``width`` (then a 1-unit read-out, not drawn).

    Weights N(0, 2/fan_in) (He's scale for ReLU), biases U(-0.5, 0.5): random biases put
    each unit's kink at a different place, so the units cut the plane in many directions.
    """
    rng = np.random.default_rng(seed)
    widths = [2] + [width] * depth + [1]
    weights = [rng.normal(0.0, np.sqrt(2.0 / a), (b, a)) for a, b in pairwise(widths)]
    biases = [rng.uniform(-BIAS_RANGE, BIAS_RANGE, b) for b in widths[1:]]
    return nn.MLP.from_arrays(weights, biases, activation="relu")


def linear_separability(h: np.ndarray, y: np.ndarray) -> float:
    """Held-out accuracy of a linear read-out of ``h``: ridge with intercept on the even
    points, sign accuracy on the odd ones (labels 0/1 become ±1)."""
    target = 2.0 * y - 1.0
    fit, score = np.arange(len(h)) % 2 == 0, np.arange(len(h)) % 2 == 1
    A, b = nn.ridge(h[fit], target[fit], PROBE_ALPHA, intercept=True)
    return float(np.mean(np.sign(h[score] @ A + b) == target[score]))


def run(
    out: str | Path = "out/representations",
    seed: int = 0,
    quick: bool = False,
    quiet: bool = False,
) -> dict[str, Any]:
    """Draw the spirals after random ReLU layers, then after a trained tanh network's layers."""
    report = _cli.Report(NAME, out, quiet)
    n, epochs = (100, 150) if quick else (400, 1500)
    X, y = nn.data.spirals(n, noise=0.03, turns=1.25, seed=seed)

    random_net = random_relu_network(seed)
    stages = layer_outputs(random_net, X)[:-1]  # input, layer 1, layer 2
    probes = [linear_separability(h, y) for h in stages]
    report.say(f"two spirals ({n} points); 2 random ReLU layers of {RANDOM_WIDTH} units, untrained")
    report.say(
        "  linear read-out accuracy (held-out half): "
        + ", ".join(f"{name} {p:.3f}" for name, p in zip(("input", "layer 1", "layer 2"), probes))
    )
    titles = [
        f"input space\nlinear read-out {probes[0]:.2f}",
        *(
            f"layer {k}: random weights + ReLU\n({RANDOM_WIDTH} units) linear read-out {p:.2f}"
            for k, p in enumerate(probes[1:], 1)
        ),
    ]
    fig = viz.plot_representations(
        random_net, X, y, titles=titles,
        title="Figure 9.2: the spirals after random, untrained ReLU layers",
    )  # fmt: skip
    report.figure(fig, "representations.png", "Figure 9.2: after random ReLU layers")

    model = nn.MLP(2, [16, 2, 1], activation="tanh", seed=seed)
    report.say(f"  trained for comparison: MLP 2-16-2-1 (tanh), Adam lr 0.02, {epochs} epochs")
    history = nn.fit(
        model, "binary_cross_entropy", (X, y), epochs=epochs,
        optimizer=nn.Adam(model, lr=0.02), seed=seed, progress=False,
    )  # fmt: skip
    accuracy = float(np.mean((model.predict(X) > 0) == (y > 0)))
    trained = [linear_separability(h, y) for h in layer_outputs(model, X)[:-1]]
    report.say(
        f"  final loss {history.train_loss[-1]:.4f}, training accuracy {accuracy:.3f};"
        f" linear read-out after its 2-unit layer {trained[-1]:.3f}"
    )
    fig = viz.plot_representations(
        model, X, y,
        title=f"trained tanh layers, not random ones: MLP 2-16-2-1 after {epochs} epochs of Adam",
    )  # fmt: skip
    report.figure(fig, "representations_trained.png", "the layers of a trained tanh network")
    fig = viz.plot_decision_boundary(model.predict, X, y, history=history)
    report.figure(fig, "spirals_boundary.png", "decision boundary and loss curve")
    settings = {"points": n, "random_width": RANDOM_WIDTH, "bias_range": BIAS_RANGE,
                "probe_alpha": PROBE_ALPHA, "trained_epochs": epochs}  # fmt: skip
    return report.finish(
        {
            "random_probe_input": probes[0],
            "random_probe_layer1": probes[1],
            "random_probe_layer2": probes[2],
            "trained_probe_last_hidden": trained[-1],
            "final_loss": history.train_loss[-1],
            "train_accuracy": accuracy,
        },
        seed=seed,
        settings=settings,
    )


main = _cli.standard_main(NAME, __doc__, run)


if __name__ == "__main__":
    raise SystemExit(main())
