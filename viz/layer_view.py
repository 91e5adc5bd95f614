"""``viz.layer_view``: one network, three descriptions of its backward pass, side by side.

For each layer, from the loss back to the input:

* the layer formulas with their numbers (``Backprop(loss, by="layer")``);
* the scalar engine's gradients (``loss.backward()``), entry by entry, gathered
  into the same vectors and matrices;
* the lines of the matrix code ``autograd.compile`` generates for the batched
  step (``GZ2 = GH2 * (1.0 - H2 * H2)``, ``GH1 = W2.T @ GZ2``), and the
  parameter gradients that code computes when it runs.

and how far apart they are (``max |Δ|``): nothing but rounding.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

import autograd
from autograd import LayerBackprop, Value, data_of, topological_order
from autograd.explain import source_of


@dataclass(frozen=True)
class LayerAgreement:
    """One layer: its chain-rule lines, the compiled code's lines and the largest
    difference between the three descriptions' numbers."""

    key: str
    formulas: tuple[str, ...]
    code: tuple[str, ...]
    engine_vs_layers: float
    engine_vs_compiled: float | None


@dataclass(frozen=True)
class LayerView:
    """What :func:`layer_view` found; ``print`` it, or display it in Jupyter."""

    layers: tuple[LayerAgreement, ...]
    source: str

    @property
    def largest_difference(self) -> float:
        found = [x.engine_vs_layers for x in self.layers]
        found += [x.engine_vs_compiled for x in self.layers if x.engine_vs_compiled is not None]
        return max(found, default=0.0)

    def __str__(self) -> str:
        out = []
        for layer in self.layers:
            out.append(f"== {layer.key}")
            out.append("  the layer's chain rule (Backprop by layer):")
            out += [f"    {line}" for line in layer.formulas]
            if layer.code:
                out.append("  the compiled batched step (autograd.compile):")
                out += [f"    {line}" for line in layer.code]
            agree = f"  the scalar engine: max |Δ| = {layer.engine_vs_layers:.3g} from the layer's"
            if layer.engine_vs_compiled is not None:
                agree += f", {layer.engine_vs_compiled:.3g} from the compiled code's"
            out.append(agree)
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return f'<pre class="chainrule-layer-view">{html.escape(str(self))}</pre>'


def layer_view(f: Callable[..., Value], *args: Any) -> LayerView:
    """The backward pass of ``f(*args)`` (a loss built from ``nn`` layers or
    ``node_group``\\ s) told three ways, layer by layer, with their differences.

    ``f`` is called three times: eagerly (the scalar engine), traced by
    :func:`autograd.compile` (its generated source), and compiled (its gradients).
    Every ``.grad`` is put back afterwards.
    """
    if not callable(f):
        raise TypeError(f"layer_view needs a function that returns the loss, got {f!r:.60}")
    loss = f(*(_as_values(a) for a in args))
    if not isinstance(loss, Value):
        raise TypeError(f"layer_view: f must return an autograd.Value, got {type(loss).__name__}")
    nodes = topological_order(loss)
    saved = [node.grad for node in nodes]
    try:
        engine = _engine_gradients(loss, nodes)
        stepper = LayerBackprop(loss, output_name=loss.label or "L")
        steps = stepper.run()
        layered = {id(v): v.grad for v in nodes}
        for node in nodes:
            node.grad = 0.0
        source = source_of(f, *args)
        compiled = autograd.compile(f)
        compiled(*args)
        from_code = {id(v): v.grad for v in nodes if v.is_leaf}
    finally:
        for node, grad in zip(nodes, saved):
            node.grad = grad
    affine_number: dict[str, int] = {}
    for stage in stepper.graph.stages:
        if stage.affine is not None:
            affine_number[stage.key] = len(affine_number) + 1
    layers = []
    for step in steps:
        stage = step.stage
        members = [*stage.members, *(v for vector in stage.inputs for v in vector.nodes)]
        vs_layers = max(_gap(engine[id(v)], layered[id(v)]) for v in members)
        params = [v for v in stage.members if v.is_leaf and v.label]
        vs_code = max((_gap(engine[id(v)], from_code[id(v)]) for v in params), default=None)
        k = affine_number.get(stage.key)
        code = _code_lines(source, k) if k is not None else ()
        layers.append(LayerAgreement(stage.key, step.lines, code, vs_layers, vs_code))
    return LayerView(tuple(layers), source)


def _as_values(arg: Any) -> Any:
    """An argument as the compiled function sees it: floats and 1-D arrays (in lists and
    tuples too) become leaf Values."""
    if isinstance(arg, (list, tuple)):
        return type(arg)(_as_values(a) for a in arg)
    if isinstance(arg, float) or (isinstance(arg, np.ndarray) and arg.ndim == 1):
        return Value(arg)
    return arg


def _engine_gradients(loss: Value, nodes: list[Value]) -> dict[int, Any]:
    for node in nodes:
        node.grad = 0.0
    loss.backward()
    return {id(v): v.grad for v in nodes}


def _gap(a: Any, b: Any) -> float:
    return float(np.max(np.abs(np.asarray(data_of(a), float) - np.asarray(data_of(b), float))))


def _code_lines(source: str, k: int) -> tuple[str, ...]:
    """Layer ``k``'s backward lines of the generated code: ``GZk``, ``GWk``, ``GBk`` and
    ``GH(k-1) = Wk.T @ GZk``."""
    wanted = re.compile(rf"^\s*(GZ{k}|GW{k}|GB{k}|GH{k - 1}) = ")
    return tuple(line.strip() for line in source.splitlines() if wanted.match(line))
