"""The chain rule at ``dot`` nodes holding a batch: an optimisation of
:func:`autograd.backward._chain_rule` for batched layers, with the same rule.

A batched layer is n ``dot`` nodes over one list of inputs (one Value per feature, each
holding every sample), with numbers for weights. Taken edge by edge, its backward pass
would cost a numpy call per weight and per input of every node. Here the nodes reading the
same inputs are kept (:class:`KeptLayers`) until one of their inputs or weights that is no
leaf has its turn in the pass (or the pass ends), and then get their weights' batch sums
and their inputs' shares as two matrix products.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import ops

if TYPE_CHECKING:
    from autograd.value import Value

Add = Callable[[Sequence["Value"], Iterable[Any]], None]
"""``add(parents, contributions)``: the ``+=`` of the chain rule for each parent and its
contribution (``reduce_to`` included); each contribution a new array or a number."""


class KeptLayers:
    """The batched layers' ``dot`` nodes seen so far in a pass, by list of inputs.

    :meth:`keep` records a node's weights and gradient ``g``. When one of the inputs or
    weights that is not a leaf is reached in the pass (its gradient is needed only then),
    :meth:`hand_over` gives them, for the k nodes kept on those inputs, their gradients as
    two matrix products (and :meth:`hand_over_all` to the leaves, at the end): with ``G``
    the k gradients and ``X`` the inputs as rows, ``∂/∂X = Wᵀ·G`` (row i: ``Σⱼ wⱼᵢ·gⱼ``)
    and ``∂/∂W = G·Xᵀ`` (row j, node j's weights: ``Σₛ gⱼ·xᵢ``).
    """

    def __init__(self, add: Add) -> None:
        self.add = add
        self.kept: dict[tuple[int, ...], _Layer] = {}
        self.waiting: dict[int, list[tuple[int, ...]]] = {}
        """For each input or weight that is not a leaf (by id), the layers kept that it is in."""

    def keep(self, weights: Sequence[Value], inputs: Sequence[Value], g: np.ndarray) -> None:
        key = tuple(map(id, inputs))
        layer = self.kept.get(key)
        if layer is None:
            layer = self.kept[key] = _Layer(inputs)
            self._wait(inputs, key)
        layer.weights.append(weights)
        layer.gs.append(g)
        self._wait(weights, key)

    def _wait(self, nodes: Sequence[Value], key: tuple[int, ...]) -> None:
        for node in nodes:
            if node._op is not None:  # a leaf's gradient is read only after the pass
                self.waiting.setdefault(id(node), []).append(key)

    def hand_over(self, node_id: int) -> None:
        """Add the gradients of every layer kept that the node ``node_id`` is in."""
        for key in self.waiting.pop(node_id, ()):
            layer = self.kept.pop(key, None)
            if layer is not None:
                self._give(layer)

    def hand_over_all(self) -> None:
        """Add the gradients of every layer still kept (its inputs and weights: leaves)."""
        for layer in self.kept.values():
            self._give(layer)
        self.kept.clear()

    def _give(self, layer: _Layer) -> None:
        G = np.array(layer.gs)
        W = np.array([[w._data for w in ws] for ws in layer.weights], dtype=np.float64)
        self.add(layer.inputs, np.dot(W.T, G))
        X = np.array([x._data for x in layer.inputs])
        for weights, sums in zip(layer.weights, np.dot(G, X.T).tolist()):
            self.add(weights, sums)


class _Layer:
    """The ``dot`` nodes kept on one list of inputs: their weights and gradients."""

    __slots__ = ("gs", "inputs", "weights")

    def __init__(self, inputs: Sequence[Value]) -> None:
        self.inputs = inputs
        self.weights: list[Sequence[Value]] = []
        self.gs: list[np.ndarray] = []


def chain_rule_at_dot(node: Value, g: np.ndarray, add: Add, layers: KeptLayers | None) -> None:
    """The chain rule at a ``dot`` node holding a batch: ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1.

    A parameter (one number) that meets a batch gets its batch sum ``Σₛ g·xᵢ`` without the
    array of products that :func:`autograd.backward.reduce_to` would sum. A layer's node
    (:func:`ops.is_layer`) is kept in ``layers``; without (anomaly mode, which checks each
    addition) its weights get ``np.vdot(g, xᵢ)`` and its inputs ``w ⊗ g`` at once.
    """
    parents = node._a
    n = len(parents) >> 1
    weights, inputs = parents[:n], parents[n : 2 * n]
    ws, xs = [w._data for w in weights], [x._data for x in inputs]
    if not (ops.is_layer(ws, xs) and xs[0].shape == g.shape):
        add(weights, [_times(w, g, x) for w, x in zip(weights, xs)])
        add(inputs, [_times(x, g, w) for x, w in zip(inputs, ws)])
    elif layers is not None:
        layers.keep(weights, inputs, g)
    else:
        add(weights, [float(np.vdot(g, x)) for x in xs])
        add(inputs, np.multiply.outer(ws, g))
    if len(parents) & 1:
        add(parents[-1:], [_times(parents[-1], g, 1.0)])


def _times(parent: Value, g: np.ndarray, partial: Any) -> Any:
    """``g · partial``, already summed over the batch when ``parent`` holds one number."""
    if parent._data.__class__ is float:
        if partial.__class__ is np.ndarray and partial.shape == g.shape:
            return float(np.vdot(g, partial))
        if partial.__class__ is float:
            return float(g.sum()) * partial
    return g * partial
