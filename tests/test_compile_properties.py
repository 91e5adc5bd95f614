"""Compiled code against the engine on random expressions over the whole op table.

Loss and every gradient equal to 1e-12 relative, for single numbers and for batches, on
the first (traced) call and on a replay. 150 examples each by default; the
``HYPOTHESIS_PROFILE=thorough`` run checks 1,000.
"""

import os
import warnings
from unittest.mock import patch

import numpy as np
from hypothesis import HealthCheck, given, settings

import autograd as ag
from autograd import Value
from autograd.compiler import codegen
from autograd.testing import expressions

EXAMPLES = 1000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 150


def _close(got, want):
    return np.allclose(got, want, rtol=1e-12, atol=1e-300, equal_nan=True)


def _check(expr):
    xs = [Value(x) for x in expr.inputs]
    out = expr(*xs)
    out.backward()
    ys = [Value(x) for x in expr.inputs]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no silent fall-back to the engine
        compiled = ag.compile(expr)
        for _ in range(2):  # traced, then generated code
            for y in ys:
                y.grad = 0.0
            assert _close(compiled(*ys), out.data)
            for x, y in zip(xs, ys):
                assert _close(y.grad, x.grad), (expr, compiled.source)
    assert compiled.traces == 1


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions())
def test_compiled_equals_engine_on_random_expressions(expr):
    _check(expr)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(batch=5))
def test_compiled_equals_engine_on_random_batched_expressions(expr):
    _check(expr)


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions(max_nodes=10))
def test_compiled_equals_engine_with_variables_reused(expr):
    """Big straight-line graphs reuse variables (codegen.Registers): forced on small ones."""
    with patch.object(codegen, "REGISTERS_ABOVE", 0):
        _check(expr)
