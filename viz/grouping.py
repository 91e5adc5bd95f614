"""Which boxes the ``layers`` style draws: node groups (``Value.group``) cut to a depth.

Group names are dotted paths (an ``nn.MLP`` stamps ``layers.0.neurons.3``).
:func:`default_depth` picks the depth a reader expects without being told: as
deep as the boxes still form stages that feed one another (the layers of a
network), not as deep as parallel parts (the neurons of one layer).
"""

from __future__ import annotations

from autograd import explain
from autograd.explain import cut
from viz.walk import GraphView

__all__ = ["cut", "default_depth", "natural"]


def natural(key: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``neurons.2`` before ``neurons.10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in key.split("."))


def default_depth(view: GraphView) -> int | None:
    """The depth at which groups become boxes (:func:`autograd.explain.default_depth`)."""
    return explain.default_depth(view.nodes)
