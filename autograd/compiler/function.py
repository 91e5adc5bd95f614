"""The compiled function: traced once per input structure, then generated code at each call.

A call looks up the code generated for its arguments' structure (:func:`tracing.flatten`),
runs it, and writes the gradients; a guard that fails (the data took another branch than
when traced) or a new structure traces again. Whatever the generated code cannot do
exactly as the engine, the engine does: anomaly mode, ``create_graph``, recording off,
and any error inside the code (the engine's own :class:`DomainError` then reaches the
user). Each new piece of code is checked against the engine's result of the call that
traced it, and on inputs nudged from it (:mod:`.nudged`; a rolled loop there on three of
its samples), before it is ever used. A call
may come from any thread: the engine's pass of a trace and the gradients it is checked
against are read under the pass lock, as generated code writes them. A graph of more than
``max_nodes`` nodes is left to the engine.
"""

from __future__ import annotations

import functools
import linecache
import threading
import time
import warnings
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import repeat
from operator import attrgetter
from typing import Any

import numpy as np

from autograd.backward import PASS_LOCK, collector_paused
from autograd.compiler import codegen, ir, nudged, tracing
from autograd.compiler.captured import Captured
from autograd.compiler.identifiers import escaped
from autograd.compiler.rolling import Sampled
from autograd.compiler.symbolic import Kind, kind_of
from autograd.data import MATH_ERRORS
from autograd.graph import topological_order
from autograd.modes import current, enable_grad
from autograd.value import Value, _observer

_get_data = attrgetter("_data")
_get_grad = attrgetter("grad")
_GRAD = repeat("grad")
_FLOAT = {float}

MAX_VARIANTS = 8
"""Generated codes kept per input structure (one per combination of guard outcomes)."""

MAX_NODES = 100_000
"""The largest traced graph compiled unless ``max_nodes`` says otherwise: generating and
compiling code takes about 5 KB of memory and 0.2 ms per node (100,000 nodes: 0.55 GB,
20 s), while the engine runs any size."""


class Retrace(Exception):
    """A guard of the generated code failed: the data took another branch than when traced."""


class _EngineOnly(Exception):
    pass


@dataclass
class Variant:
    """One generated function, for one input structure and one set of guard outcomes."""

    fn: Callable[..., Any]
    source: str
    filename: str
    loaded: tuple[Value, ...]
    written: tuple[Value, ...]
    input_kinds: tuple[Kind, ...]
    arg_grad_slots: tuple[int, ...]
    aux: Any
    batched: bool
    surroundings: Any
    """What the function reached beyond its arguments when traced (:mod:`.captured`)."""
    floats_only: bool = field(init=False)

    def __post_init__(self) -> None:
        self.floats_only = all(k is None for k in self.input_kinds)

    def run(self, flat: tracing.Flat) -> Any:
        inputs = tuple(map(_get_data, self.loaded))
        if self.floats_only:
            if not set(map(type, inputs)) <= _FLOAT:
                raise Retrace
        elif tuple(map(kind_of, inputs)) != self.input_kinds:
            raise Retrace
        errors = _FORWARD_ERRORS() if self.batched else nullcontext()
        with PASS_LOCK, errors:
            before = tuple(map(_get_grad, self.written))
            out, aux, grads, arg_grads = self.fn(inputs, before, flat.data)
            deque(map(setattr, self.written, _GRAD, grads), maxlen=0)  # v.grad = g, in C
            if arg_grads:
                by_slot = dict(zip(flat.value_slots, flat.values))
                try:
                    pass_to_arguments(
                        [(by_slot[slot], g) for slot, g in zip(self.arg_grad_slots, arg_grads)]
                    )
                except BaseException:  # as a failed backward(): no half-written gradient
                    for v, g in zip(self.written, before):
                        v.grad = g
                    raise
        return out, self.aux(aux)


def pass_to_arguments(pairs: list[tuple[Value, Any]]) -> None:
    """Give each Value argument its gradient as ``backward()`` would: a leaf accumulates it;
    a node an op made (``a * b`` passed as ``x``) gets it as its ``.grad`` and carries it on
    into the graph under it (interior gradients reset, leaves accumulate), in one pass for
    all such arguments, from the root ``Σ gᵢ·xᵢ`` (its partials are the gᵢ, exactly)."""
    interior = [(v, g) for v, g in pairs if not v.is_leaf]
    if interior:
        with enable_grad():
            root = interior[0][0] * interior[0][1]
            for v, g in interior[1:]:
                root = root + v * g
        root.backward()
    for v, g in pairs:
        if v.is_leaf:
            v.grad = v.grad + g


def _FORWARD_ERRORS() -> Any:
    """The engine's floating-point rules for batches: an undefined result raises."""
    return np.errstate(divide="raise", over="raise", invalid="raise", under="ignore")


class Compiled:
    """A function compiled by :func:`autograd.compile` (see there); call it like the function.

    ``source`` is the code last run, ``traces`` how many times the function was traced
    and ``retraces`` how many of those were because a guard failed or the input structure
    changed (every trace after the first).
    """

    def __init__(
        self, f: Callable[..., Any], *, has_aux: bool = False, static_argnums: Any = (),
        max_nodes: int = MAX_NODES,
    ) -> None:  # fmt: skip
        if not callable(f):
            raise TypeError(f"autograd.compile needs a function, got {type(f).__name__}")
        if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
            raise ValueError(f"max_nodes must be a positive whole number, got {max_nodes!r}")
        self.max_nodes = max_nodes
        functools.update_wrapper(self, f)
        self.f = f
        self.has_aux = has_aux
        nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
        if not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in nums):
            raise TypeError(f"static_argnums must be non-negative ints, got {static_argnums!r}")
        self.static = frozenset(nums)
        self.traces = 0
        self.timings: dict[str, float] = {}
        """Seconds the last trace took, by phase: ``trace`` (running the function with the
        engine), ``generate`` (the code), ``compile`` (Python's compiler), ``engine
        backward`` (that call's gradients) and ``check`` (the new code against them)."""
        self._variants: dict[Any, tuple[Variant, ...]] = {}
        self._engine_only: dict[Any, str] = {}
        self._last: Variant | None = None
        self._lock = threading.Lock()
        self._captured = Captured(f)

    @property
    def retraces(self) -> int:
        """Traces after the first: a guard failed or a new input structure came."""
        return max(0, self.traces - 1)

    @property
    def source(self) -> str | None:
        """The generated Python source last run (None before the first call)."""
        return self._last.source if self._last is not None else None

    @property
    def fallback_reason(self) -> str | None:
        """Why the engine runs instead of generated code for some input, if it does."""
        return next(iter(self._engine_only.values()), None)

    def __repr__(self) -> str:
        name = getattr(self.f, "__qualname__", repr(self.f))
        return f"<compiled {name}: {self.traces} trace(s)>"

    def __get__(self, obj: Any, objtype: Any = None) -> Any:
        """Used as a method decorator: bind like a function."""
        return self if obj is None else functools.partial(self, obj)

    def __call__(self, *args: Any, create_graph: bool = False, **kwargs: Any) -> Any:
        if _observer.get() is not None:  # inside another function's trace: be part of it
            return self.f(*args, **kwargs)
        modes = current()
        if create_graph or modes.anomaly or not modes.grad_enabled:
            return self._finish(
                *engine_call(self.f, args, kwargs, self.has_aux, create_graph, self.static)
            )
        flat = tracing.flatten(args, kwargs, self.static)
        if flat.key in self._engine_only:
            return self._finish(
                *engine_call(self.f, args, kwargs, self.has_aux, static=self.static)
            )
        surroundings = self._captured.state()
        for variant in self._variants.get(flat.key, ()):
            if variant.surroundings != surroundings:  # a Value it reaches may be another
                continue
            try:
                out, aux = variant.run(flat)
            except Retrace:
                continue
            except MATH_ERRORS:  # the engine says what went wrong, with its DomainError
                return self._finish(
                    *engine_call(self.f, args, kwargs, self.has_aux, static=self.static)
                )
            self._last = variant
            return self._finish(out, aux)
        return self._finish(*self._trace(args, kwargs, flat))

    def generate(self, *args: Any, **kwargs: Any) -> str:
        """Trace ``f(*args)`` and return the generated source, leaving every ``.grad`` as it was."""
        flat = tracing.flatten(args, kwargs, self.static)
        self._trace(args, kwargs, flat, dry=True)
        if self._last is None:
            reason = self._engine_only.get(flat.key, "it returned no Value")
            raise ValueError(f"no code was generated for {_name(self.f)}: {reason}")
        return self._last.source

    def _engine(self, args: Any, kwargs: Any, create_graph: bool = False) -> Any:
        call = engine_call(self.f, args, kwargs, self.has_aux, create_graph, self.static)
        return self._finish(*call)

    def _finish(self, out: Any, aux: Any) -> Any:
        return (out, aux) if self.has_aux else out

    # ---- tracing -------------------------------------------------------------------------

    def _trace(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], flat: tracing.Flat, dry: bool = False
    ) -> Any:
        """Run the function with the engine (this call's result) and generate its code.

        ``dry``: only generate, then put every gradient back as it was."""
        with collector_paused():  # the trace makes many objects and no cycles
            # (all freed with the helper's frame, before the collector runs again: else
            # its next run would scan the trace's nodes, young, one last time)
            return self._trace_paused(args, kwargs, flat, dry)

    def _trace_paused(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], flat: tracing.Flat, dry: bool
    ) -> Any:
        """:meth:`_trace`'s work, with the collector paused."""
        start = time.perf_counter()
        before = self._captured.state()
        trace = tracing.run(self.f, args, kwargs, self.static)
        surroundings: Any = self._captured.state()
        timings = {"trace": time.perf_counter() - start}
        with self._lock:
            self.traces += 1
        out, aux = split_result(trace.result, self.has_aux)
        if not isinstance(out, Value):
            return out, data_of_structure(aux)
        if surroundings != before:  # it changed them (made a parameter): not kept
            surroundings = _CHANGED_WHILE_TRACED
        try:
            return self._compile_trace(trace, out, aux, flat, dry, timings, surroundings)
        finally:
            self.timings = timings  # whole: another thread may be reading the last one

    def _compile_trace(
        self, trace: tracing.Trace, out: Value, aux: Any, flat: tracing.Flat, dry: bool,
        timings: dict[str, float], surroundings: Any,
    ) -> Any:  # fmt: skip
        aux_values = _values_in(aux)
        value_slots = set(flat.value_slots)
        graph: ir.Graph | None = None
        clock = time.perf_counter()
        reached = topological_order(out)
        try:
            if len(reached) > self.max_nodes:
                raise _EngineOnly(self._too_big(len(reached)))
            graph = ir.build(trace, out, aux_values, value_slots, reached)
        except ir.Unsupported as exc:
            reason = f"the engine runs {_name(self.f)} because {exc}"
            if not trace.clock_moved:
                self._engine_only[flat.key] = reason
        except _EngineOnly as exc:
            self._engine_only[flat.key] = str(exc)
            warnings.warn(str(exc), RuntimeWarning, stacklevel=4)
        try:
            timings["generate"] = time.perf_counter() - clock
            inputs = [n for n in graph.inputs if n.wants_grad] if graph else []
            clock = time.perf_counter()
            with PASS_LOCK:  # no other thread's gradients land between these reads
                saved = [(v, v.grad) for v in reached if v.is_leaf] if dry else []
                before = [n.value.grad for n in inputs]
                out.backward()  # the engine's pass: this call's gradients
                expected = [n.value.grad for n in inputs]
                expected_args = [n.value.grad for n in graph.args if n.wants_grad] if graph else []
                if graph is not None:
                    for node in graph.nodes:
                        if node.needs_grad:
                            grad = node.value.grad
                            node.grad_kind = None if grad.__class__ is float else kind_of(grad)
                if not dry:
                    self._return_arg_grads(trace, flat, reached)
                for v, g in saved:
                    v.grad = g
            timings["engine backward"] = time.perf_counter() - clock
            result = (out._data, data_of_structure(aux))
            if graph is None or (surroundings is _CHANGED_WHILE_TRACED and not dry):
                return result  # (code for changed surroundings would never run: none is made)
            try:
                variant, sampled = self._generate(graph, trace, flat, aux, timings, surroundings)
                clock = time.perf_counter()
                self._check(variant, graph, flat, before, expected + expected_args, sampled)
                timings["check"] = time.perf_counter() - clock
            except _EngineOnly as exc:
                if not trace.record.guards:  # else it may hold for this branch only
                    self._engine_only[flat.key] = str(exc)
                warnings.warn(str(exc), RuntimeWarning, stacklevel=3)
                return result
            with self._lock:  # a new tuple: calls in other threads go on reading the old one
                variants = self._variants.get(flat.key, ())
                self._variants[flat.key] = (variant, *variants)[:MAX_VARIANTS]
            self._last = variant
            return result
        finally:  # no cycle left for the collector: the graph goes when dropped
            if graph is not None:
                graph.release()

    def _too_big(self, size: int) -> str:
        return (
            f"the engine runs {_name(self.f)} because its graph has {size:,} nodes, more than "
            f"autograd.compile's limit of {self.max_nodes:,} (generating and compiling code "
            "takes about 5 KB of memory and 0.2 ms per node); to compile it anyway, pass a "
            "higher max_nodes= to autograd.compile, or compile a smaller piece of the work"
        )

    def _return_arg_grads(
        self, trace: tracing.Trace, flat: tracing.Flat, order: list[Value]
    ) -> None:
        """Give each Value argument the gradient of the leaf that stood for it in the trace."""
        if not flat.values:
            return
        reached = set(order)
        by_slot = dict(zip(flat.value_slots, flat.values))
        pass_to_arguments(
            [
                (by_slot[slot], leaf.grad)
                for slot, leaf in enumerate(trace.leaves)
                if slot in by_slot and leaf in reached
            ]
        )

    def _generate(
        self, graph: ir.Graph, trace: tracing.Trace, flat: tracing.Flat, aux: Any,
        timings: dict[str, float], surroundings: Any,
    ) -> tuple[Variant, list[Sampled]]:  # fmt: skip
        """The new code, and its rolled loops as the check on nudged inputs cuts them."""
        from autograd.compiler import layout

        name = _identifier_hint(self.f)
        clock = time.perf_counter()
        try:
            emitter = codegen.Emitter(graph, name)
            summary = layout.generate(emitter)
            source = emitter.source(_docstring(self.f, graph, summary))
        except Exception as exc:  # a bug of ours: the engine keeps the user going
            raise _EngineOnly(
                f"autograd.compile could not generate code for {_name(self.f)} "
                f"({type(exc).__name__}: {exc}); the engine runs it instead"
            ) from exc
        timings["generate"] += time.perf_counter() - clock
        clock = time.perf_counter()
        filename = f"<autograd.compile {escaped(_name(self.f))} #{next(_COUNTER)}>"
        namespace = dict(emitter.names.globals)
        namespace["_Retrace"] = Retrace
        namespace["__name__"] = f"autograd.compiled.{emitter.function_name}"
        try:  # defines the function; a failure is a bug of ours, as above
            exec(compile(source, filename, "exec"), namespace)
        except Exception as exc:
            raise _EngineOnly(
                f"autograd.compile generated code for {_name(self.f)} that Python could not "
                f"compile ({type(exc).__name__}: {exc}); the engine runs it instead"
            ) from exc
        fn = namespace[emitter.function_name]
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        variant = Variant(
            fn=fn,
            source=source,
            filename=filename,
            loaded=tuple(n.value for n in graph.inputs),
            written=tuple(n.value for n in graph.inputs if n.wants_grad),
            input_kinds=tuple(n.kind for n in graph.inputs),
            arg_grad_slots=tuple(n.slot for n in graph.args if n.wants_grad),
            aux=_rebuilder(aux),
            batched=graph.batched,
            surroundings=surroundings,
        )
        weakref.finalize(variant, linecache.cache.pop, filename, None)
        timings["compile"] = time.perf_counter() - clock
        return variant, emitter.sampled

    def _check(
        self, variant: Variant, graph: ir.Graph, flat: tracing.Flat, before: list[Any],
        expected: list[Any], sampled: Sequence[Sampled] = (),
    ) -> None:  # fmt: skip
        """Run the new code on the traced call and on nudged inputs (:mod:`.nudged`, the
        ``sampled`` loops cut to a few samples), and compare with the engine's numbers
        (``before``: the inputs' gradients before the engine's pass, ``expected``: theirs
        and the Value arguments' after it, all read under the pass lock)."""
        inputs = tuple(n.data for n in graph.inputs)
        try:
            errors = _FORWARD_ERRORS() if variant.batched else nullcontext()
            with errors:
                out, aux, grads, arg_grads = variant.fn(inputs, tuple(before), flat.data)
        except Exception as exc:
            raise _EngineOnly(
                f"the code generated for {_name(self.f)} failed on the call that traced it "
                f"({type(exc).__name__}: {exc}); the engine runs it instead"
            ) from exc
        pairs = [(out, graph.out.data), *zip([*grads, *arg_grads], expected)]
        pairs += [(a, n.data) for a, n in zip(aux, graph.aux)]
        differs = difference(pairs)
        if differs is None:
            differs = difference(nudged.pairs(variant.fn, graph, flat.data, sampled))
            differs = differs and f"{differs} on nudged inputs"
        if differs:
            raise _EngineOnly(
                f"the code generated for {_name(self.f)} computed {differs}; the engine runs "
                "it instead (please report this)"
            )


def difference(pairs: list[tuple[Any, Any]]) -> str | None:
    """The first pair ``(code's, engine's)`` that is not :func:`close`, described, or None.

    Single numbers are compared together, on the scale of the largest (a gradient of
    1e-17 where the engine's is -1e-17, next to one of 1, is rounding)."""
    numbers = [(a, b) for a, b in pairs if type(a) is float and type(b) is float]
    others = [(a, b) for a, b in pairs if not (type(a) is float and type(b) is float)]
    if numbers:
        others.append((np.array([a for a, _ in numbers]), np.array([b for _, b in numbers])))
    return next(
        (f"{g!r} where the engine computed {w!r}" for g, w in others if not close(g, w)), None
    )


def close(a: Any, b: Any, rel: float = 1e-7) -> bool:
    """Equal up to rounding: a safety net against bugs, not a precision test."""
    a_arr, b_arr = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a_arr.shape != b_arr.shape:
        return False
    scale = float(np.max(np.abs(b_arr[np.isfinite(b_arr)]), initial=0.0))
    return bool(np.allclose(a_arr, b_arr, rtol=rel, atol=rel * scale + 1e-300, equal_nan=True))


_COUNTER = iter(range(1, 1 << 62))
_CHANGED_WHILE_TRACED = object()
"""The surroundings of a trace that changed them: equal to no later state, so the next
call traces again (a parameter made on the first call is then an input)."""


def _name(f: Any) -> str:
    return getattr(f, "__qualname__", None) or getattr(f, "__name__", None) or repr(f)


def _identifier_hint(f: Any) -> str:
    name = getattr(f, "__name__", "") or ""
    return name if name.isidentifier() else "lambda"


def _docstring(f: Any, graph: ir.Graph, summary: str) -> str:
    n_ops = sum(1 for n in graph.nodes if n.role == ir.OP)
    return (
        f"{_name(f)}, compiled by autograd.compile: forward and backward of {n_ops} op "
        f"node(s){summary}."
    )


# ---- results with auxiliary outputs ------------------------------------------------------------


def split_result(result: Any, has_aux: bool) -> tuple[Any, Any]:
    if not has_aux:
        return result, None
    if not isinstance(result, tuple) or len(result) != 2:
        raise TypeError(
            "a function compiled with has_aux=True must return (output, auxiliary), got "
            f"{type(result).__name__}"
        )
    return result


def _values_in(x: Any) -> list[Value]:
    found: list[Value] = []
    map_values(found.append, x)
    return found


def map_values(fn: Callable[[Any], Any], x: Any, kind: type = Value) -> Any:
    """``x`` with every Value (every ``kind``) in it replaced by ``fn(value)``, through
    lists, tuples (named ones too) and dicts."""
    if isinstance(x, kind):
        return fn(x)
    if isinstance(x, (list, tuple)):
        items = [map_values(fn, i, kind) for i in x]
        if isinstance(x, tuple) and hasattr(x, "_fields"):  # a namedtuple takes fields
            return type(x)(*items)
        return type(x)(items)
    if isinstance(x, dict):
        return {k: map_values(fn, v, kind) for k, v in x.items()}
    return x


def data_of_structure(x: Any) -> Any:
    """The same structure with every Value replaced by its data."""
    return map_values(_get_data, x)


class _Slot:
    """Where an auxiliary Value was, in the shape :func:`_rebuilder` keeps."""


_SLOT = _Slot()


def _rebuilder(aux: Any) -> Callable[[Sequence[Any]], Any]:
    """A function putting the generated code's auxiliary values back into ``aux``'s shape
    (it keeps the shape only, not the trace's Values)."""
    shape = map_values(lambda _: _SLOT, aux)

    def rebuild(values: Sequence[Any]) -> Any:
        it = iter(values)
        return map_values(lambda _: next(it), shape, _Slot)

    return rebuild


# ---- the engine, for what the generated code does not do ---------------------------------------


def engine_call(
    f: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], has_aux: bool,
    create_graph: bool = False, static: frozenset[int] = frozenset(),
) -> tuple[Any, Any]:  # fmt: skip
    """The function run by the engine: numbers lifted as when tracing, Values as they are,
    then ``backward`` (unless recording is off)."""
    names = tracing.parameter_names(f, len(args))
    new_args, new_kwargs, _ = tracing.lift(args, kwargs, names, keep_values=True, static=static)
    result = f(*new_args, **new_kwargs)
    out, aux = split_result(result, has_aux)
    if isinstance(out, Value):
        if current().grad_enabled:
            out.backward(create_graph=create_graph)
        return out._data, data_of_structure(aux)
    return out, data_of_structure(aux)
