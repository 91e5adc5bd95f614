"""Differential fuzzing: random programs compiled and called several times, against the engine.

Each program is a random expression over the whole op table (:func:`autograd.testing.expressions`)
whose inputs come in every way a step gets them: float and batch arguments, Value arguments
(leaves, nodes an op made, the same Value passed twice), parameters the function closes over,
a static argument; around it, at random, a guard (hit at equality: a later call repeats
the traced data), ``detach()`` of a parameter, of an interior node and of a new constant,
a rolled sum with one varying constant per term, an auxiliary output in a namedtuple, and
a captured list of parameters that grows between calls. Every call is compared with
``f(*args).backward()`` run by the engine on fresh Values: the output, the auxiliary
values and the gradient of every leaf (and of every node passed as an argument). The
compiled function may never fall back to the engine. 40 programs by default;
``HYPOTHESIS_PROFILE=thorough`` runs 1,000 (CI does, with a fixed seed: `.ci/run`).
"""

import collections
import math
import os
import warnings
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import Value
from autograd.compiler import function
from autograd.testing import Expression, expressions

PROGRAMS = 1000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40
CALLS = 4
Aux = collections.namedtuple("Aux", "inner first")
SOURCES = ("float", "value", "node", "param", "twice")
FEATURES = ("guard", "detach", "rolled", "static", "aux", "closure")


@dataclass(frozen=True)
class Program:
    expr: Expression
    sources: tuple[str, ...]
    """Where each input of ``expr`` comes from (``twice``: the previous Value argument again)."""
    features: frozenset[str]
    calls: tuple[tuple[Any, ...], ...]
    """Per call, the data of each input (a float, or an array for a batch)."""
    statics: tuple[float, ...]
    targets: tuple[float, ...]
    batch: int | None

    @property
    def static_position(self) -> int:
        return sum(1 for s in self.sources if s != "param")


@st.composite
def programs(draw: st.DrawFn) -> Program:
    batch = draw(st.sampled_from([None, None, 3]))
    expr = draw(expressions(max_inputs=3, max_nodes=5, batch=batch))
    n = len(expr.inputs)
    sources = [draw(st.sampled_from(SOURCES)) for _ in range(n)]
    sources = [
        "value" if s == "twice" and (i == 0 or sources[i - 1] not in ("value", "node")) else s
        for i, s in enumerate(sources)
    ]
    if batch is not None:  # a batch is an argument: an array, or a Value holding one
        sources = [
            s if not isinstance(x, np.ndarray) or s not in ("param", "node") else "float"
            for s, x in zip(sources, expr.inputs)
        ]
    features = frozenset(f for f in FEATURES if draw(st.booleans()))
    if batch is not None:
        features -= {"guard"}  # a batch has no single truth value
    point = st.floats(-2.0, 2.0, allow_nan=False)
    calls = [expr.inputs]
    for _ in range(CALLS - 1):
        if draw(st.booleans()):  # the traced data again: a guard at equality
            calls.append(expr.inputs)
            continue
        size = draw(st.sampled_from([batch, batch + 1])) if batch else 0  # a new batch size
        calls.append(
            tuple(
                np.array([draw(point) for _ in range(size)])
                if isinstance(x, np.ndarray)
                else draw(point)
                for x in expr.inputs
            )
        )
    statics = tuple(draw(st.sampled_from([0.0, -0.0, 2.0, 2, -1.5])) for _ in range(CALLS))
    targets = tuple(draw(point) for _ in range(draw(st.integers(8, 10))))
    return Program(expr, tuple(sources), features, tuple(calls), statics, targets, batch)


def make(program: Program, params: list[Value], extra: list[Value]):
    """The program as a function of its arguments, closing over ``params`` and ``extra``."""
    features = program.features

    def f(*args):
        inputs, it, ps = [], iter(args), iter(params)
        for source in program.sources:
            inputs.append(next(ps) if source == "param" else next(it))
        r = program.expr(*inputs)
        if "guard" in features:
            r = r * 2.0 if inputs[0] >= program.calls[0][0] else r.tanh()  # true at equality
            if r > 0.5:
                r = r + 1.0
        if "detach" in features:
            first = inputs[0]
            r = r * first.detach() + (r * r).detach() + Value(0.5).detach() * r
        if "rolled" in features:
            r = r + ag.sum([1.0 - y * r for y in program.targets])
        if "static" in features:  # a signed zero too: copysign tells them apart
            s = args[program.static_position]
            r = r * math.copysign(1.0, s) + s
        if "closure" in features:
            for w in extra:
                r = r + w * inputs[0]
        if "aux" in features:
            return r, Aux(r * 3.0, [inputs[0], 1.5])
        return r

    return f


def arguments(program: Program, call: int, params: list[Value]):
    """The call's arguments and every leaf (and argument node) whose gradient is compared."""
    args: list[Any] = []
    watched: list[Value] = list(params)
    last: Value | None = None
    for source, x in zip(program.sources, program.calls[call]):
        if source == "param":
            continue
        if source == "float":
            args.append(x)
            continue
        if source == "twice" and last is not None:
            args.append(last)
            continue
        if source == "node":
            a, b = Value(x), Value(1.5)
            last = a * b - b  # a node an op made, holding x·1.5 - 1.5
            watched += [a, b, last]
        else:
            last = Value(x)
            watched.append(last)
        args.append(last)
    if "static" in program.features:
        args.append(program.statics[call])
    return args, watched


def engine(program: Program, call: int, params: list[Value], extra: list[Value]):
    """``f(*args).backward()`` on fresh Values: output, aux data, and watched gradients."""
    args, watched = arguments(program, call, params)
    static = program.static_position if "static" in program.features else None
    lifted = [
        Value(a) if isinstance(a, (float, np.ndarray)) and i != static else a
        for i, a in enumerate(args)
    ]
    try:
        result = make(program, params, extra)(*lifted)
        out, aux = result if "aux" in program.features else (result, None)
        out.backward()
    except Exception as exc:
        return type(exc)
    aux_data = None if aux is None else Aux(aux.inner.data, [aux.first[0].data, 1.5])
    return out.data, aux_data, [v.grad for v in watched]


def close(a, b) -> bool:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = float(np.max(np.abs(b), initial=1.0))
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12 * scale))


def run(program: Program) -> None:
    data = [x for x, s in zip(program.expr.inputs, program.sources) if s == "param"]
    params = [Value(x, label=f"p{i}") for i, x in enumerate(data)]
    reference = [Value(x, label=f"p{i}") for i, x in enumerate(data)]
    extra, extra_reference = [Value(0.25)], [Value(0.25)]
    static = (program.static_position,) if "static" in program.features else ()
    compiled = ag.compile(
        make(program, params, extra), has_aux="aux" in program.features, static_argnums=static
    )
    for call in range(CALLS):
        if "closure" in program.features and call == 2:  # a Value appended after tracing
            extra.append(Value(-0.75))
            extra_reference.append(Value(-0.75))
        for p in [*params, *reference, *extra, *extra_reference]:
            p.grad = 0.0
        want = engine(program, call, reference, extra_reference)
        args, watched = arguments(program, call, params)
        if isinstance(want, type):
            try:
                compiled(*args)
            except want:
                continue
            raise AssertionError(f"call {call}: the engine raised {want.__name__}, compiled not")
        result = compiled(*args)
        out, aux = result if "aux" in program.features else (result, None)
        want_out, want_aux, want_grads = want
        assert close(out, want_out), (call, out, want_out, compiled.source)
        if aux is not None:
            assert type(aux) is Aux and close(aux.inner, want_aux.inner)
            assert close(aux.first[0], want_aux.first[0]) and aux.first[1] == 1.5
        for k, (v, g) in enumerate(zip(watched, want_grads)):
            assert close(v.grad, g), (call, k, v, g, compiled.source)


@settings(max_examples=PROGRAMS, deadline=None, suppress_health_check=list(HealthCheck))
@given(programs())
def test_compiled_programs_agree_with_the_engine(program):
    def no_engine(*args, **kwargs):
        raise AssertionError("the compiled function fell back to the engine")

    with warnings.catch_warnings(), patch.object(function, "engine_call", no_engine):
        warnings.simplefilter("error", RuntimeWarning)
        run(program)
