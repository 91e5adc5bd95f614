"""Stepping through backprop in the REPL: explanations, progress, Wengert list, forward replay."""

import numpy as np
import pytest

import autograd as ag
from autograd import Backprop, Forward, Value


def design_example():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return x, y, z, q, f


def test_first_step_explains_the_chain_rule_with_numbers():
    *_, f = design_example()
    bp = Backprop(f)
    text = str(bp.step())
    assert "f = q * z = 3.0 * -4.0 = -12.0" in text
    assert "∂f/∂q = z = -4.0  →  q.grad += 1.0 × -4.0 = -4.0" in text
    assert "∂f/∂z = q = 3.0  →  z.grad += 1.0 × 3.0 = 3.0" in text


def test_steps_update_gradients_live_and_finish():
    x, y, z, q, f = design_example()
    bp = Backprop(f)
    assert bp.current is f and bp.position == 0 and not bp.finished
    assert "0/2 steps done" in repr(bp) and "next: f = q * z" in repr(bp)
    bp.step()
    assert (q.grad, z.grad, x.grad) == (-4.0, 3.0, 0.0)
    assert bp.current is q and bp.processed == [f]
    step = bp.step()
    assert "∂q/∂x = 1  →  x.grad += -4.0 × 1.0 = -4.0" in str(step)
    assert (x.grad, y.grad) == (-4.0, -4.0)
    assert bp.finished and bp.current is None and "finished" in repr(bp)
    with pytest.raises(RuntimeError, match="finished"):
        bp.step()


def test_iteration_yields_every_step_and_table_lists_the_graph():
    *_, f = design_example()
    bp = Backprop(f)
    steps = list(bp)
    assert [s.node.label for s in steps] == ["f", "q"]
    table = bp.table().splitlines()
    assert table[0].split() == ["#", "name", "op", "inputs", "data", "grad"]
    assert [row.split()[1] for row in table[2:]] == ["x", "y", "q", "z", "f"]
    assert table[4].split() == ["3", "q", "+", "x,", "y", "3.0", "-4.0"]


def test_step_terms_carry_the_numbers():
    *_, f = design_example()
    step = Backprop(f).step()
    term = step.terms[0]
    assert (term.formula, term.partial, term.upstream, term.contribution) == ("z", -4.0, 1.0, -4.0)


def test_unlabelled_nodes_get_names_and_constants_show_their_value():
    a = Value(0.5, label="a")
    out = (a * 2.0).tanh()
    text = "\n".join(str(s) for s in Backprop(out).run())
    assert "v2 = tanh(v1)" in text
    assert "∂v1/∂a = 2.0" in text


def test_stepping_in_batched_mode_matches_backward():
    w = Value(0.4, label="w")
    x = Value(np.array([1.0, -2.0, 0.5]), label="x")
    loss = (w * x).tanh().batch_mean()
    loss.backward()
    expected = w.grad
    w.zero_grad()
    Backprop(loss).run()
    assert w.grad == pytest.approx(expected, rel=1e-15)


def test_forward_replay_shows_each_node_in_order():
    *_, f = design_example()
    fw = Forward(f)
    lines = [str(s) for s in fw]
    assert lines[0].endswith("x = -2.0   (input)")
    assert "q = x + y = -2.0 + 5.0 = 3.0" in lines[2]
    assert "f = q * z = 3.0 * -4.0 = -12.0" in lines[-1]
    assert fw.finished and "5/5" in repr(fw)


def test_backprop_needs_a_value():
    with pytest.raises(TypeError, match="needs a Value"):
        Backprop(3.0)  # type: ignore[arg-type]


def test_wengert_table_function():
    *_, f = design_example()
    assert ag.wengert_table(f).splitlines()[-1].split()[:3] == ["5", "f", "*"]
