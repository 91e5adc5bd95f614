"""Reverse mode: the chain rule over a whole graph.

:func:`backward` writes ``.grad`` on the graph's nodes (``Value.backward``) and
holds :data:`PASS_LOCK`, so concurrent passes over shared nodes are exact (no lost
accumulation; two passes give the sum of both). :func:`gradients` returns
∂outputs/∂inputs and touches no ``.grad`` at all: it sums into a map of its own,
so transforms built on it can run in several threads at once. Both run
:func:`_chain_rule`, the rule at each node written once in :func:`_chain_rule_at` (compare
:meth:`autograd.Backprop._handle`, which takes the same step one node at a time, with
an explanation).
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from math import isfinite
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd import modes
from autograd.batch_dot import Add, KeptLayers, chain_rule_at_dot
from autograd.data import MATH_ERRORS, as_data, data_of
from autograd.errors import AutogradError, DomainError
from autograd.graph import PASS_LOCK, order_and_leaves, topological_order
from autograd.messages import check_finite
from autograd.ops import ADD, BINARY, DOT, MUL, RELU, UNARY, WITH_CONSTANT
from autograd.versions import CLOCK

if TYPE_CHECKING:
    from collections.abc import Iterator

    from autograd.value import Value


_get_data = attrgetter("_data")
_get_op = attrgetter("_op")  # truthy for an interior node, None for a leaf
_get_grad = attrgetter("grad")


def backward(root: Value, gradient: Any = None, create_graph: bool = False) -> None:
    """Set ``node.grad = ∂root/∂node`` (times ``gradient``) for every node ``root`` depends on.

    For each node in reverse topological order and each parent ``p``:
    ``p.grad += node.grad · ∂node/∂p``, the partial taken from the op table.
    Interior gradients start from 0 on every call; leaves accumulate. A root
    holding a batch is seeded with ones (the gradient of its batch sum); a
    contribution that reaches a single number from a batch is summed in
    :func:`reduce_to`, the one place that happens.
    """
    with PASS_LOCK, collector_paused():
        order, leaves = _prepare(root, create_graph, gradient)
        before = list(map(_get_grad, leaves))
        try:
            _run(order, create_graph)
        except BaseException:  # a failed pass leaves no half-added gradient behind
            for leaf, grad in zip(leaves, before):
                leaf.grad = grad
            raise


def gradients(
    outputs: Value | Sequence[Value],
    inputs: Value | Sequence[Value],
    grad_outputs: Any = None,
    create_graph: bool = False,
) -> Any:
    """∂(Σ outputs · grad_outputs)/∂input for each input, without writing any ``.grad``.

    Like ``torch.autograd.grad``. ``inputs`` may be leaves or interior nodes (the
    gradient at an interior node counts every path from the outputs through it).
    An input the outputs do not depend on gets 0. With ``create_graph=True`` the
    gradients are Values, so they can be differentiated again. Returns one
    gradient for a single input, else a tuple.
    """
    single = not isinstance(inputs, (list, tuple))
    outs = _nodes(outputs, "outputs")
    ins = _nodes(inputs, "inputs")
    several = isinstance(outputs, (list, tuple))
    if grad_outputs is None:
        seeds = [None] * len(outs)
    elif isinstance(grad_outputs, (list, tuple)) or (
        several and isinstance(grad_outputs, np.ndarray) and grad_outputs.ndim >= 1
    ):
        seeds = list(grad_outputs)  # one per output (an array: one per row)
    else:
        seeds = [grad_outputs]
    if len(seeds) != len(outs):
        raise ValueError(
            f"gradients got {len(outs)} output(s) but {len(seeds)} grad_outputs: give one seed"
            " per output (a list, a tuple or an array with one row per output)"
        )
    for out in outs:
        _check_recorded(out)
    order = topological_order(*outs, *ins)
    _check_current(outs[0], order)
    grads: dict[Value, Any] = {}
    for out, seed in zip(outs, seeds):
        start = _seed(out, seed, create_graph)
        grads[out] = grads[out] + start if out in grads else start
    with collector_paused():
        _run(order, create_graph, grads)
    found = tuple(grads[node] if node in grads else zero_like(node) for node in ins)
    return found[0] if single else found


def prepare(root: Value, create_graph: bool = False, gradient: Any = None) -> list[Value]:
    """Start a backward pass: check the graph, reset interior gradients, seed ``root.grad``.

    Returns the topological order (parents first). Shared by :func:`backward`
    and the stepper, so both start from the same state.
    """
    return _prepare(root, create_graph, gradient)[0]


def _prepare(root: Value, create_graph: bool, gradient: Any) -> tuple[list[Value], list[Value]]:
    _check_recorded(root)
    order, leaves = order_and_leaves(root)
    oldest = CLOCK.now
    for node in order:  # one pass: reset interior gradients and find their oldest stamp
        if node._op is not None:
            node.grad = 0.0
            if node._version < oldest:
                oldest = node._version
    _check_current(root, order, oldest)
    seed = _seed(root, gradient, create_graph)
    root.grad = seed if root._op is not None else root.grad + seed
    return order, leaves


def local_partials(node: Value, symbolic: bool = False) -> tuple[Any, ...]:
    """``∂node/∂parent`` for each parent, from the op table, at the recorded data.

    With ``symbolic=True`` the partials are evaluated on the Values themselves,
    so they are graph nodes too (double backward).
    """
    op = node._op
    if op is None:
        raise ValueError("a leaf has no local partials: no op produced it")
    parents = node.parents
    inputs: list[Any] = list(parents) if symbolic else list(map(_get_data, parents))
    if op.kind is WITH_CONSTANT:
        inputs.append(node._b)  # the constant operand kept on the node
    return tuple(op.partials(*inputs, node if symbolic else node._data))


def reduce_to(data: Any, contribution: Any) -> Any:
    """Sum a batch-shaped gradient contribution when it flows into a single number.

    A parameter (float data) used on a batch of samples gets one contribution
    per sample; its gradient is their sum. This is the only place that sum is
    taken, for :func:`backward` and the stepper alike.
    """
    symbolic = hasattr(contribution, "_op")
    c = data_of(contribution)
    if isinstance(data, np.ndarray):
        if isinstance(c, np.ndarray) and c.shape != data.shape:  # a broadcast batch of 1
            total = contribution.batch_sum() if symbolic else c.sum()
            return total * np.ones(data.shape)
        return contribution
    if isinstance(c, np.ndarray):
        return contribution.batch_sum() if symbolic else float(c.sum())
    return contribution


# ---- inside a pass -------------------------------------------------------------------------


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector: a backward pass (or a trace) makes many objects and no
    cycles, and full collections would re-scan the whole graph again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _nodes(xs: Any, what: str) -> list[Value]:
    nodes = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    for i, x in enumerate(nodes):
        if not hasattr(x, "_op"):
            raise TypeError(f"gradients: {what}[{i}] must be a Value, got {type(x).__name__}")
    if not nodes:
        raise ValueError(f"gradients needs at least one of {what}")
    return nodes


def _seed(root: Value, gradient: Any, create_graph: bool) -> Any:
    """The upstream gradient ∂L/∂root: 1 (ones for a batch) unless ``gradient`` is given."""
    if gradient is None:
        one = np.ones_like(root._data) if isinstance(root._data, np.ndarray) else 1.0
    else:
        one = as_data(data_of(gradient), "gradient")
        if np.shape(one) != np.shape(root._data):
            raise ValueError(
                f"gradient has shape {np.shape(one)} but the output has shape "
                f"{np.shape(root._data)}: they must match"
            )
    if create_graph:
        return gradient if hasattr(gradient, "_op") else type(root)(one)
    return one


def _check_recorded(root: Value) -> None:
    if not root.requires_grad:
        raise AutogradError(
            f"backward of {_name(root)}: it was computed with gradient recording off "
            "(inside no_grad), so there is no graph to differentiate; compute it outside "
            "no_grad (or inside enable_grad)"
        )


def _check_current(root: Value, order: list[Value], oldest: int | None = None) -> None:
    """Raise if a node's data changed after a node computed from it was made.

    Fast when nothing changed since the oldest interior node was made (the
    training loop: update, then build a new graph): one pass over the stamps, or
    none when the caller found ``oldest`` in a pass of its own. Otherwise each
    edge is checked.
    """
    if oldest is None:
        oldest = CLOCK.now
        for node in order:  # a plain loop: faster than min(map(attrgetter...), filter(...))
            if node._op is not None and node._version < oldest:
                oldest = node._version
    if oldest == CLOCK.now:  # read again: an assignment during the loop is not missed
        return
    for node in filter(_get_op, order):
        if node._version < 0:  # its own data was assigned after an op computed it
            raise AutogradError(
                f"backward of {_name(root)}: the data of {_name(node)} was assigned after "
                f"{node.op!r} computed it, so its local derivatives would use a number the "
                "forward pass never produced; rebuild the graph instead"
            )
        for parent in node.parents:
            if abs(parent._version) > node._version:
                raise AutogradError(
                    f"backward of {_name(root)}: the data of {_name(parent)} was changed "
                    f"after {_name(node)} was computed from it, so the graph's numbers are "
                    "stale; rebuild the graph from the new data (as a training loop does "
                    "each step) before calling backward()"
                )


def _name(v: Value) -> str:
    return repr(v.label) if v.label else f"a node (op {v.op or 'leaf'!r}, data {v._data!r})"


def _run(order: list[Value], create_graph: bool, grads: dict[Value, Any] | None = None) -> None:
    """Run :func:`_chain_rule`: recording on for ``create_graph``, else with numpy's
    floating-point errors raised (for batches, an undefined derivative raises)."""
    if create_graph:
        with modes.enable_grad():
            _chain_rule(order, True, grads)
    else:
        with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
            _chain_rule(order, False, grads)


def zero_like(x: Any) -> Any:
    """A zero gradient shaped like ``x`` (a Value, a number or a batch): 0.0 or zeros."""
    data = data_of(x)
    return np.zeros_like(data) if isinstance(data, np.ndarray) else 0.0


def _chain_rule(order: list[Value], create_graph: bool, grads: dict[Value, Any] | None) -> None:
    """The chain rule over a graph, from the root back to the leaves.

    For each node (children before parents), :func:`_chain_rule_at`. With a ``grads`` map the
    gradients are summed there instead of in ``.grad`` (:func:`gradients`). A plain
    :func:`backward` pass (no map, no ``create_graph``, no anomaly checks) runs
    :func:`_float_chain_rule` instead, the same rule with the float nodes' partials
    written out (an optimisation). A batched layer's ``dot`` nodes wait in a
    :class:`~autograd.batch_dot.KeptLayers` for two matrix products (an optimisation too),
    handed over when one of their inputs or weights has its turn, the leaves' at the end.
    """
    anomaly = modes.current().anomaly
    if grads is None and not create_graph and not anomaly:
        _float_chain_rule(order)
        return
    add = _adder(create_graph, grads)
    layers = None if anomaly or create_graph else KeptLayers(add)  # (anomaly checks each +=)
    node = order[-1]
    try:
        for node in reversed(order):
            if node._op is None:
                continue
            if layers is not None and id(node) in layers.waiting:
                layers.hand_over(id(node))  # its gradient is complete only with theirs
            if grads is None:
                g = node.grad
            elif node in grads:
                g = grads[node]
            else:  # the outputs do not depend on it
                continue
            _chain_rule_at(node, g, add, create_graph, layers)
            if anomaly:
                for parent in node.parents:
                    check_finite(
                        parent, "backward", parent.grad if grads is None else grads[parent]
                    )
        if layers is not None:
            layers.hand_over_all()  # to the leaves
    except AutogradError:
        raise
    except MATH_ERRORS as exc:
        raise undefined_derivative(node, exc) from None


def _chain_rule_at(
    node: Value, g: Any, add: Add, create_graph: bool = False, layers: KeptLayers | None = None
) -> None:
    """The chain rule at one node whose gradient is ``g``: for each parent ``p``::

        p.grad += reduce_to(p.data, g · ∂node/∂p)

    with the partial from the op table (:func:`local_partials`: Values under
    ``create_graph``, so the result can be differentiated again); ``add`` does the ``+=``
    (:func:`_adder`). A ``dot`` node holding a batch takes
    :func:`autograd.batch_dot.chain_rule_at_dot` (an optimisation, the same rule).
    """
    if node._op is DOT and g.__class__ is np.ndarray and not create_graph:
        chain_rule_at_dot(node, g, add, layers)
    else:
        add(node.parents, [g * partial for partial in local_partials(node, create_graph)])


def _adder(create_graph: bool, grads: dict[Value, Any] | None) -> Add:
    """Where a pass sums its contributions: into the ``grads`` map (:func:`gradients`), into
    ``.grad`` as Values (``create_graph``), or into ``.grad`` as numbers (:func:`_add`)."""
    if grads is not None:

        def add_to_map(parents: Sequence[Value], contributions: Iterable[Any]) -> None:
            for parent, contribution in zip(parents, contributions):
                contribution = reduce_to(parent._data, contribution)
                total = grads.get(parent)
                grads[parent] = contribution if total is None else total + contribution

        return add_to_map
    if create_graph:

        def add_value(parents: Sequence[Value], contributions: Iterable[Any]) -> None:
            for parent, contribution in zip(parents, contributions):
                parent.grad = parent.grad + reduce_to(parent._data, contribution)

        return add_value
    return functools.partial(_add, made=set())


def _add(parents: Sequence[Value], contributions: Iterable[Any], made: set[int]) -> None:
    """``parent.grad += reduce_to(parent.data, contribution)``, for a pass over numbers.

    Each contribution is a new array (or a number) that nothing else holds. The first one a
    node gets in the pass is kept (onto a gradient of 0) or added into a new array, so a
    gradient array that the user or another node holds is never written to; later ones are
    added in place into that array, which the pass made (``made``: ids of such nodes).
    """
    for parent, contribution in zip(parents, contributions):
        if contribution.__class__ is float:  # a number (a parameter's batch sum, say)
            parent.grad = parent.grad + contribution
            continue
        data = parent._data
        if contribution.__class__ is np.ndarray and (
            data.__class__ is not np.ndarray or contribution.shape != data.shape
        ):
            contribution = reduce_to(data, contribution)
        key = id(parent)
        if key in made:
            parent.grad += contribution
            continue
        grad = parent.grad
        if grad.__class__ is float and grad == 0.0 and contribution.__class__ is np.ndarray:
            parent.grad = contribution
        else:
            parent.grad = grad + contribution
        if parent.grad.__class__ is np.ndarray:
            made.add(key)


def _float_chain_rule(order: list[Value]) -> None:
    """:func:`_chain_rule` for :func:`backward`, an optimisation: the same numbers, faster.

    A node holding one number needs no tuple of parents and no :func:`reduce_to`: its
    parents are read from their slots and its partials from the op table, per kind of
    op, in this loop (a call per node costs a fifth of a long chain's backward pass).
    The commonest partials are written out: 1 for ``x + c``, c for ``x · c``, step(x)
    for relu (each product with g the one the table's partial gives), and for a ``dot``
    node its operands (∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1), read in place. A ``dot`` node
    whose gradient is 0 (behind a dead ReLU, or a sample whose hinge is flat: 40% of
    them in micrograd's demo step) is skipped when its value is finite: then every
    operand is finite, so each contribution 0·xᵢ would be exactly 0. Any other node (a
    batch) takes :func:`_chain_rule_at`, its batched layers kept as in :func:`_chain_rule`.
    """
    add = _adder(False, None)
    layers = KeptLayers(add)
    waiting = layers.waiting
    node = order[-1]
    try:
        for node in reversed(order):
            op = node._op
            if op is None:
                continue
            if waiting and id(node) in waiting:
                layers.hand_over(id(node))  # its gradient is complete only with theirs
            g = node.grad
            if node._data.__class__ is not float:
                _chain_rule_at(node, g, add, layers=layers)
                continue
            kind = op.kind
            if op is RELU:  # ∂relu(x)/∂x = step(x), written out (g · 1 = g exactly)
                a = node._a
                a.grad += g if a._data > 0 else g * 0.0
            elif kind is UNARY:
                a = node._a
                if a._data.__class__ is float:
                    a.grad += g * op.partials(a._data, node._data)[0]
                else:  # a batch reduced to one number (batch_sum, batch_mean): into an array
                    _chain_rule_at(node, g, add, layers=layers)
            elif kind is WITH_CONSTANT:  # the base op's partials, the constant in its place
                a, base = node._a, op.base
                assert base is not None  # set on every WITH_CONSTANT op (ops.with_constant)
                if base is ADD:  # ∂(x + c)/∂x = 1, written out (g · 1 = g exactly)
                    a.grad += g
                elif base is MUL:  # ∂(x · c)/∂x = c, written out
                    a.grad += g * node._b
                elif op.position:
                    a.grad += g * base.partials(a._data, node._b, node._data)[0]
                else:
                    a.grad += g * base.partials(node._b, a._data, node._data)[1]
            elif kind is BINARY:
                a, b = node._a, node._b
                da, db = op.partials(a._data, b._data, node._data)
                a.grad += g * da
                b.grad += g * db
            elif op is DOT:
                if g == 0.0 and isfinite(node._data):  # 0·xᵢ = 0 exactly (see above)
                    continue
                parents = node._a
                n = len(parents) >> 1
                weights, inputs = parents[:n], parents[n : 2 * n]
                for w, x in zip(weights, inputs):  # in the parents' order, as the general rule:
                    w.grad += g * x._data  # a Value used twice gets its shares summed alike
                for w, x in zip(weights, inputs):
                    x.grad += g * w._data
                if len(parents) & 1:
                    parents[-1].grad += g
            else:
                parents = node._a
                partials = op.partials(*map(_get_data, parents), node._data)
                for parent, partial in zip(parents, partials):
                    parent.grad += g * partial
        layers.hand_over_all()  # to the leaves
    except AutogradError:
        raise
    except MATH_ERRORS as exc:
        raise undefined_derivative(node, exc) from None


def undefined_derivative(node: Value, exc: BaseException) -> DomainError:
    """The error for a local derivative that cannot be evaluated at ``node``'s inputs."""
    operands = ", ".join(repr(p._data) for p in node.parents)
    return DomainError(
        f"backward through {node.op}({operands}): the local derivative is undefined "
        f"there ({exc or type(exc).__name__}); {node.op} is differentiable for "
        f"{node._op.domain if node._op else 'its domain'}"
    )
