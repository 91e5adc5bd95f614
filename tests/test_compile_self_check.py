"""The self-check of new generated code on nudged inputs, with rolled loops cut to a few
samples (:mod:`autograd.compiler.nudged`): the cut code and the cut replay agree with each
other and with nothing else, and a mistake hidden by equal numbers is still caught; and
a first call leaves no cycle behind for the collector."""

from __future__ import annotations

import gc
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest

import autograd as ag
from autograd import Value
from autograd.compiler import identifiers, nudged
from autograd.compiler.function import difference

SAMPLES = 12


def per_sample_loss(w: Value, b: Value, xs: list[float], d: dict[str, float]) -> Value:
    """A sum over samples (rolled into a loop) reading two arguments Python would read as
    one name (``µ``, micro sign, and ``μ``, Greek mu) without the compiler's normalising."""
    terms = [(w * x * d["\u00b5"] - w * x * d["\u03bc"] + w * x + b).relu() for x in xs]
    return ag.sum(terms) * (1.0 / len(terms))


def samples() -> list[float]:
    return np.random.default_rng(0).normal(size=SAMPLES).tolist()


def spied_check(step: Any, *args: Any) -> tuple[Any, ...]:
    """Run the first call and return what the check on nudged inputs was given."""
    with patch.object(nudged, "pairs", wraps=nudged.pairs) as spy:
        step(*args)
    assert spy.call_count == 1
    return spy.call_args.args


def compiled_with_names_confused(f: Any) -> Any:
    """``f`` compiled without normalising names (``µ`` and ``μ`` one variable), first
    called with both at 1.0: the check on nudged inputs must see it, and the engine run."""
    raw = patch.object(identifiers, "identifier", lambda name: name.replace(".", "_"))
    with raw, pytest.warns(RuntimeWarning, match="on nudged inputs.*the engine runs it instead"):
        step = ag.compile(f)
        step({"\u00b5": 1.0, "\u03bc": 1.0})
    assert step.source is None
    return step


def test_a_rolled_loop_is_checked_on_three_of_its_samples() -> None:
    w, b = Value(0.7, label="w"), Value(0.1, label="b")
    xs, d = samples(), {"\u00b5": 1.0, "\u03bc": 1.0}
    step = ag.compile(lambda: per_sample_loss(w, b, xs, d))
    fn, graph, data, loops = spied_check(step)
    assert "for " in (step.source or "") and len(loops) == 1
    cut = nudged.Cut.of(loops)
    (kept,) = cut.terms.values()
    assert len(kept) == 3 and len(cut.dropped) == (SAMPLES - 3) * len(loops[0].terms[0])
    found = nudged.pairs(fn, graph, data, loops)
    assert found and difference(found) is None
    # the cut code against the whole replay (and the whole code against the cut replay)
    inputs = tuple(n.data for n in graph.inputs)
    zeros = (0.0,) * len(inputs)
    whole_out, _ = nudged.replay(graph, inputs, data)
    cut_out, _ = nudged.replay(graph, inputs, data, cut)
    assert cut.code(fn)(inputs, zeros, data)[0] == pytest.approx(cut_out.data, rel=1e-12)
    assert fn(inputs, zeros, data)[0] == pytest.approx(whole_out.data, rel=1e-12)
    assert cut_out.data != pytest.approx(whole_out.data, rel=1e-6)


def test_two_names_confused_inside_a_cut_loop_are_caught_on_nudged_inputs() -> None:
    """Both arguments hold 1.0 when traced: the first check cannot see the confusion;
    the loop checked on three samples of nudged inputs does, and the engine runs."""
    w, b = Value(0.7, label="w"), Value(0.1, label="b")
    xs = samples()
    step = compiled_with_names_confused(lambda d: per_sample_loss(w, b, xs, d))
    d = {"\u00b5": -5.0, "\u03bc": 1.0}
    w.grad = 0.0
    got = step(d)
    w_ref, b_ref = Value(0.7), Value(0.1)
    want = per_sample_loss(w_ref, b_ref, xs, d)
    want.backward()
    assert got == pytest.approx(want.data, rel=1e-12)
    assert w.grad == pytest.approx(w_ref.grad, rel=1e-12)


def test_a_first_call_leaves_no_cycle_for_the_collector() -> None:
    """The IR's nodes point at one another (a parent lists its consumers): they are
    released by hand, else every first call would end with a collection of them all."""
    w, b = Value(0.7, label="w"), Value(0.1, label="b")
    xs, d = samples() * 20, {"\u00b5": 1.0, "\u03bc": 2.0}  # 240 samples: ~2,000 nodes
    step = ag.compile(lambda: per_sample_loss(w, b, xs, d))
    gc.collect()
    gc.disable()
    try:
        step()
        assert "for " in (step.source or "")
        assert gc.collect() < 200
    finally:
        gc.enable()


def guarded_loss(w: Value, b: Value, xs: list[float], d: dict[str, float]) -> Value:
    """The same sum, then a branch on its value: three samples' sum takes the other one."""
    total = per_sample_loss(w, b, xs, d) * float(len(xs))
    return total * 2.0 if total > 0.6 * THRESHOLD_SUM else total * 3.0


THRESHOLD_SUM = sum(max(0.7 * x + 0.1, 0.0) for x in samples())
"""The traced sum (µ = μ): a cut to three samples falls well below 0.6 of it."""


def test_a_guard_the_cut_fails_is_checked_on_every_sample() -> None:
    w, b = Value(0.7, label="w"), Value(0.1, label="b")
    xs, d = samples(), {"\u00b5": 1.0, "\u03bc": 1.0}
    step = ag.compile(lambda: guarded_loss(w, b, xs, d))
    with patch.object(nudged, "replay", wraps=nudged.replay) as replays:
        fn, graph, data, loops = spied_check(step)
    assert "for " in (step.source or "") and "_Retrace" in (step.source or "")
    cut, whole = (call.args[3] for call in replays.call_args_list)
    assert cut.data and not whole.data  # the cut failed the guard: then the whole loop
    assert difference(nudged.pairs(fn, graph, data, loops)) is None


def test_a_confusion_behind_a_guard_the_cut_fails_is_still_caught() -> None:
    w, b = Value(0.7, label="w"), Value(0.1, label="b")
    xs = samples()
    compiled_with_names_confused(lambda d: guarded_loss(w, b, xs, d))
