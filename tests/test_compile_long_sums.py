"""n-ary sums and dots of many terms compile, without recursing once per term.

A sum of n terms is, symbolically, a chain ``a + b + c + …`` n deep. Rendering it term by
term recursively, or handing it to Python's compiler in one piece, fails past about a
thousand terms (RecursionError), and the engine then ran the function instead. Here a
sum or dot of 1,024 parameters runs as generated code with the engine's numbers bit for
bit, and templates of 10,000 operands render and check, far past Python's own limit;
under ``HYPOTHESIS_PROFILE=thorough`` (seconds of work each) templates of 100,000 operands,
and sums of 100,000 parameters and of 100,000 per-sample terms, compiled and run.
"""

from __future__ import annotations

import os
import random
import warnings

import numpy as np
import pytest

import autograd as ag
from autograd import Value, ops
from autograd.compiler.identifiers import Namer
from autograd.compiler.symbolic import LONG_NARY, Namespace, Templates

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
LONG = 100_000 if THOROUGH else 10_000


@pytest.fixture(autouse=True)
def no_fallback_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def _parameters(n: int, name: str, seed: int) -> list[Value]:
    rng = random.Random(seed)
    return [Value(rng.uniform(-1.0, 1.0), label=f"{name}{i}") for i in range(n)]


def _engine(f, leaves: list[Value]) -> tuple[float, list[float]]:
    """``f`` run by the engine on fresh copies of ``leaves``: output and gradients."""
    fresh = [Value(v.data) for v in leaves]
    out = f(fresh)
    out.backward()
    return out.data, [v.grad for v in fresh]


@pytest.mark.parametrize("op", ["sum", "dot"])
def test_a_sum_or_dot_of_1024_parameters_runs_as_code_with_the_engines_numbers(op):
    n = 1024
    ws, xs = _parameters(n, "w", 1), _parameters(n, "x", 2)
    leaves = ws + xs

    def f(values):
        w, x = values[:n], values[n:]
        return ag.sum(x) * 2.0 if op == "sum" else ag.dot(w, x, w[0])

    step = ag.compile(lambda: f(leaves))
    rng = random.Random(3)
    for _ in range(3):
        for v in leaves:
            v.data, v.grad = rng.uniform(-2.0, 2.0), 0.0
        out = step()
        want, grads = _engine(f, leaves)
        assert out == want
        assert [v.grad for v in leaves] == grads
    assert step.traces == 1 and step.fallback_reason is None
    assert f"{op}_of_many(" in (step.source or "")  # one call, not a line of 1,024 terms


def test_a_batched_dot_of_1024_features_becomes_a_matrix_product():
    """The cats-and-dogs linear network: one Value per feature holding the batch."""
    n, batch = 1024, 16
    rng = np.random.default_rng(0)
    ws = _parameters(n, "w", 4)
    b = Value(0.1, label="b")
    X = rng.uniform(-1.0, 1.0, size=(n, batch))
    y = rng.uniform(-1.0, 1.0, size=batch)

    def loss(params):
        z = ag.dot(params[:n], [Value(row) for row in X], params[n])
        return ((z - Value(y)) ** 2).batch_mean()

    step = ag.compile(lambda: loss([*ws, b]))
    out = step()
    want, grads = _engine(loss, [*ws, b])
    assert out == pytest.approx(want, rel=1e-12)
    assert [v.grad for v in (*ws, b)] == pytest.approx(grads, rel=1e-12, abs=1e-15)
    assert "fused into matrix products" in (step.source or "")


@pytest.mark.parametrize("op", [ops.SUM, ops.DOT])
def test_a_template_of_many_operands_renders_and_checks_without_recursion(op):
    n = LONG
    rng = np.random.default_rng(1)
    sample = [float(v) for v in rng.uniform(-1.0, 1.0, size=n)]
    out = op.forward(*sample)
    templates = Templates(Namespace(Namer().claim))
    template = templates.get(op, [None] * n, None, sample, out, lambda: op.partials(*sample, out))
    assert template.symbolic_forward and template.symbolic_partials  # checked, and kept
    half = n // 2
    first = "{0} + {1} + {2}" if op is ops.SUM else f"{{0}} * {{{half}}} + {{1}} * {{{half + 1}}}"
    last = f" + {{{n - 1}}}" if op is ops.SUM else f" + {{{half - 1}}} * {{{n - 1}}}"
    assert template.forward.startswith(first) and template.forward.endswith(last)
    assert len(template.forward_pieces) == (n if op is ops.SUM else half)
    assert len(template.partials) == n


def test_a_wrong_long_template_is_caught_by_the_piecewise_check():
    """The check of a long chain runs, a chunk at a time: a sum that is not the engine's
    (here, a sample that disagrees with the traced output) is replaced by a call."""
    n = 5 * LONG_NARY
    sample = [1.0] * n
    templates = Templates(Namespace(Namer().claim))
    template = templates.get(ops.SUM, [None] * n, None, sample, n + 1.0, lambda: (1.0,) * n)
    assert not template.symbolic_forward and "(" in template.forward


@pytest.mark.skipif(not THOROUGH, reason="seconds of work: HYPOTHESIS_PROFILE=thorough runs it")
def test_a_sum_of_100000_parameters_runs_as_code():
    n = 100_000
    xs = _parameters(n, "x", 5)
    step = ag.compile(lambda: ag.sum(xs) * 3.0, max_nodes=2 * n)
    out = step()
    want, grads = _engine(lambda values: ag.sum(values) * 3.0, xs)
    assert out == want and [v.grad for v in xs] == grads
    assert step.fallback_reason is None


@pytest.mark.skipif(not THOROUGH, reason="seconds of work: HYPOTHESIS_PROFILE=thorough runs it")
def test_a_sum_of_100000_sample_terms_rolls_into_a_loop():
    n = 100_000
    data = [random.Random(6).uniform(-1.0, 1.0) * (i % 7) for i in range(n)]
    w = Value(0.3, label="w")
    step = ag.compile(lambda: ag.sum([(w * x - 0.5).relu() for x in data]), max_nodes=4 * n)
    out = step()
    fresh = Value(0.3)
    ref = ag.sum([(fresh * x - 0.5).relu() for x in data])
    ref.backward()
    assert out == ref.data and w.grad == fresh.grad
    assert "for c" in (step.source or "") and step.fallback_reason is None
