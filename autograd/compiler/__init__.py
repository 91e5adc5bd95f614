"""``autograd.compile``: trace a function once, then run generated Python code for it.

>>> import autograd as ag
>>> x, y, z = ag.Value(-2.0, label="x"), ag.Value(5.0, label="y"), ag.Value(-4.0, label="z")
>>> step = ag.compile(lambda: (x + y) * z)
>>> step()
-12.0
>>> x.grad, y.grad, z.grad
(-4.0, -4.0, 3.0)

The first call runs the function with the engine (the *trace*) and generates Python
source for its forward and backward passes from the op table; later calls with inputs
of the same structure run that code, which does what ``backward()`` would for the
leaves: it returns the output's data and adds the gradients to the ``.grad`` of every
leaf the output depends on (the nodes the function makes are the trace's, not the
code's). ``step.source`` is the code: one line per forward op and one per chain-rule
product, each with the op's formula as a comment. See :func:`compile`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from autograd.compiler.function import MAX_NODES, Compiled, Retrace

__all__ = ["MAX_NODES", "Compiled", "Retrace", "compile", "source_of"]


@overload
def compile(
    f: Callable[..., Any], *, has_aux: bool = ..., static_argnums: Any = ..., max_nodes: int = ...
) -> Compiled: ...
@overload
def compile(
    f: None = ..., *, has_aux: bool = ..., static_argnums: Any = ..., max_nodes: int = ...
) -> Callable[[Callable[..., Any]], Compiled]: ...


def compile(
    f: Callable[..., Any] | None = None, *, has_aux: bool = False, static_argnums: Any = (),
    max_nodes: int = MAX_NODES,
) -> Any:  # fmt: skip
    """Compile ``f``, a function of Values (or numbers and arrays) returning a Value.

    Use it as ``step = autograd.compile(f)`` or as a decorator, ``@autograd.compile``.
    Calling ``step(*args)`` returns the output's data and sets ``.grad`` on every leaf the
    output depends on (parameters, Value arguments), as ``f(*args).backward()`` would
    (leaves accumulate: zero them between training steps). With ``has_aux=True``, ``f``
    returns ``(output, aux)`` and the call ``(data, aux)``, every Value in ``aux``
    replaced by its data.

    What the compiled code reads at every call: Values passed as arguments, floats and
    1-D arrays passed as arguments (the function sees them as leaf Values, as jax's jit
    sees tracers), and the Values that existed before the call (the parameters it closes
    over). Everything else the function computes from plain Python data (a list of samples
    it closes over, an int argument, a 2-D array argument) is a constant of the compiled
    code; int, str and 2-D array arguments are part of the input structure, compared at
    every call. ``static_argnums`` makes positional arguments static whatever they are
    (a 1-D array of targets a loss needs as numpy, say): they are passed as they are and
    compared by content (numbers bit for bit, so ``-0.0`` is not ``0.0``; arrays, lists,
    tuples, dicts and sets item by item; other objects by their own ``==``; an unhashable
    object that is none of these raises TypeError).

    Never silently stale: comparisons, ``bool()``, ``float()`` and ``.item()`` of Values
    inside ``f`` are recorded and checked by the compiled code, which traces again when
    one comes out otherwise (``step.retraces`` counts it), as it does for a new input
    structure, and when a Value it reaches through its closure or globals may be another
    (:mod:`autograd.compiler.captured`). A Value argument an op made passes its gradient
    on into the graph under it. An op whose result is unused is not computed, and a
    number argument gets no gradient: an error only they would raise is not raised.
    ``detect_anomaly``, ``no_grad`` and ``step(..., create_graph=True)`` run the engine,
    and so does a call whose generated code raises (log of a negative), so the error you
    get is the engine's :class:`~autograd.DomainError`. Reading ``.data``
    inside ``f`` is not recorded: a number read that way is a constant of the code. A
    compiled function called while another one is traced is simply part of that trace
    (it returns ``f``'s Value there), as nested ``jax.jit`` is inlined.

    A graph of more than ``max_nodes`` nodes (default :data:`MAX_NODES`, 100,000) is left
    to the engine, with a warning: its code would take about 5 KB of memory and 0.2 ms to
    generate and compile per node.
    """
    options = {"has_aux": has_aux, "static_argnums": static_argnums, "max_nodes": max_nodes}
    if f is None:
        return lambda g: Compiled(g, **options)
    return Compiled(f, **options)


def source_of(f: Callable[..., Any], *args: Any, **kwargs: Any) -> str:
    """The Python source ``autograd.compile`` generates for ``f(*args)``, without side effects.

    Traces ``f`` once and leaves every ``.grad`` as it was. For the tour's ``f = (x + y)·z``:
    ``print(autograd.compiler.source_of(lambda: (x + y) * z))``.
    """
    compiled = Compiled(f)
    return compiled.generate(*args, **kwargs)
