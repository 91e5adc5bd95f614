"""Stepping through backprop in the REPL: explanations, progress, Wengert list, forward replay."""

import math
import re

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Backprop, Forward, Value

NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]\d+)?(?![\w.])")
"""A number as text: 3, -0.25, 1.235e-07 (not the digits inside names such as v3 or L0.n1.w2)."""


def design_example():
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return x, y, z, q, f


def g4(x: float) -> str:
    return format(x, ".4g")


def significant_digits(token: str) -> int:
    mantissa = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa) or 1


def grad_column(table: Backprop | str) -> dict[str, str]:
    text = table if isinstance(table, str) else table.table()
    header, dashes, *body = text.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", dashes)]
    cols = [header[a:b].strip() for a, b in spans]
    rows = [{c: line[a:b].strip() for c, (a, b) in zip(cols, spans)} for line in body]
    return {r["name"]: r["grad"] for r in rows if r["name"]}


def test_first_step_explains_the_chain_rule_with_numbers():
    *_, f = design_example()
    bp = Backprop(f)
    text = str(bp.step())
    assert "f = q * z = 3 * (-4) = -12   (f.grad = 1)" in text
    assert "∂f/∂q = z = -4  →  q.grad += 1 × (-4) = -4" in text
    assert "∂f/∂z = q = 3  →  z.grad += 1 × 3 = 3" in text


def test_steps_update_gradients_live_and_finish():
    x, y, z, q, f = design_example()
    bp = Backprop(f)
    assert bp.root is f and bp.direction == "backward"
    assert bp.current is f and bp.position == 0 and not bp.finished
    assert "0/2 steps done" in repr(bp) and "next: f = q * z" in repr(bp)
    bp.step()
    assert (q.grad, z.grad, x.grad) == (-4.0, 3.0, 0.0)
    assert bp.current is q and bp.processed == [f]
    step = bp.step()
    assert "∂q/∂x = 1  →  x.grad += (-4) × 1 = -4" in str(step)
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
    assert table[4].split() == ["3", "q", "+", "x,", "y", "3", "-4"]


def test_table_right_aligns_numbers():
    *_, f = design_example()
    Backprop(f).run()
    lines = ag.wengert_table(f).splitlines()
    ends = {len(line) for line in lines[2:]}
    assert len(ends) == 1  # the grad column is the last: every row ends at the same place
    data_end = lines[0].index("data") + len("data")
    assert all(line[data_end - 1] != " " for line in lines[2:])  # data ends under "data"


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
    assert "∂v1/∂a = 2" in text


def test_negative_numbers_are_parenthesised_inside_expressions():
    t = Value(-0.8634, label="t")
    text = str(Backprop(t**2).step())
    assert f"v1 = t ** 2 = (-0.8634) ** 2 = {g4((-0.8634) ** 2)}" in text
    assert "(-0.8634) ** 2 = 0.7455" in text  # not -0.7455, as -0.8634 ** 2 would read
    u = Value(1.5, label="u")
    deep = (((u * -2.0) ** 3 + u) / -4.0 - u).exp()
    unparenthesised = re.compile(r"(?<!\()-\d")
    for step in Backprop(deep).run():
        header, *terms = str(step).splitlines()
        _name, by_name, by_value, _result = header.split("   (")[0].split(" = ")
        assert not unparenthesised.search(by_name + by_value), header
        for line in terms:
            update = line.split("→  ")[1].split(" = ")
            products = update[-2].split("+= ")[-1]  # upstream × partial, or before + product
            assert not unparenthesised.search(products), line


def test_an_add_of_a_negative_constant_reads_as_a_subtraction():
    a = Value(0.5, label="a")
    t = (a * 2.0).tanh()
    for out in (t - 1.0, t + -1.0):
        step = Backprop(out).step()
        assert str(step).startswith(
            f"step 1/3  v3 = v2 - 1 = {g4(math.tanh(1.0))} - 1 = {g4(math.tanh(1.0) - 1)}"
        )
    assert "v1 = a + 1 = 0.5 + 1" in str(Backprop(a + 1.0).step())


def test_precision_changes_every_number():
    x, y = Value(1 / 3, label="x"), Value(-2 / 7, label="y")
    out = (x * y).tanh() / 0.7 + 1 / 9
    for p in (2, 6, 9):
        bp = Backprop(out, precision=p)
        text = "\n".join([repr(bp), *map(str, bp.run()), bp.table()])
        numbers = NUMBER.findall(text.replace("step ", "step #"))
        numbers = [n for n in numbers if "/" not in n]
        assert numbers and all(significant_digits(n) <= p for n in numbers)
        for node in ag.topological_order(out):
            assert format(node.data, f".{p}g") in text  # every value, at p digits
        fw = Forward(out, precision=p)
        assert format(out.data, f".{p}g") in "\n".join(map(str, fw.run()))
        assert format(x.data, f".{p}g") in ag.wengert_table(out, precision=p)
    with pytest.raises(ValueError, match="precision"):
        Backprop(out, precision=0)


def test_a_neuron_with_eight_inputs_folds_its_dot_step_under_100_columns():
    neuron = nn.Neuron(8, activation="tanh", seed=0)
    out = neuron([-0.123456 * (i + 1) for i in range(8)])
    bp = Backprop(out)
    texts = [str(s) for s in bp.run()]
    dot_step = texts[1]
    assert len(dot_step.splitlines()) > 2 + 17  # folded: the expression takes several lines
    for text in [*texts, bp.table()]:
        for line in text.splitlines():
            assert len(line) < 100, line
    for i in range(1, 9):  # w_i pairs with x_i
        assert f"w{i} * x{i}" in dot_step
        assert f"∂v1/∂w{i} = x{i} = {g4(-0.123456 * i)}" in dot_step


def test_stepping_starts_every_gradient_from_zero_unless_accumulating():
    x, y, z, _q, f = design_example()
    Backprop(f).run()  # the README's sequence: step through once ...
    bp = Backprop(f)  # ... then again
    bp.step()
    assert (z.grad, x.grad) == (3.0, 0.0)  # not 6 and -4: this pass alone
    bp.run()
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)
    twin = design_example()
    twin[-1].backward()
    twin[-1].backward()
    Backprop(f, accumulate=True).run()  # adds to the leaves, as backward() does
    assert (x.grad, y.grad, z.grad) == (twin[0].grad, twin[1].grad, twin[2].grad)
    step = Backprop(f, accumulate=True).step()
    assert "z.grad = 6 + 1 × 3 = 6 + 3 = 9" in str(step)


def test_gradients_not_computed_yet_are_question_marks_never_zero():
    a = Value(2.0, label="a")
    b = a * 3.0
    b.label = "b"
    c = b.tanh() + b
    c.label = "c"
    assert set(grad_column(ag.wengert_table(c)).values()) == {"?"}  # no pass has run yet
    bp = Backprop(c)
    assert grad_column(bp) == {"a": "?", "b": "?", "v1": "?", "c": "1"}
    assert [bp.grad_status(n) for n in (a, b, c)] == ["unknown", "unknown", "known"]
    bp.step()  # c passes 1 to v1 = tanh(b) and to b directly
    assert bp.grad_status(b) == "partial" and not bp.grad_known(b)
    assert grad_column(bp)["b"] == "1 + …"
    assert grad_column(bp)["v1"] == "1" and bp.grad_known(c.parents[0])
    bp.run()
    assert all(bp.grad_known(n) for n in ag.topological_order(c))
    assert "?" not in bp.table()
    assert grad_column(ag.wengert_table(c))["a"] == g4(a.grad)
    with pytest.raises(ValueError, match="not a node"):
        bp.grad_status(Value(1.0))


def test_stepping_in_batched_mode_matches_backward():
    w = Value(0.4, label="w")
    x = Value(np.array([1.0, -2.0, 0.5]), label="x")
    loss = (w * x).tanh().batch_mean()
    loss.backward()
    expected = w.grad
    w.zero_grad()
    steps = Backprop(loss).run()
    assert w.grad == pytest.approx(expected, rel=1e-15)
    assert "[3 values, mean" in "\n".join(map(str, steps))


def test_forward_replay_shows_each_node_in_order():
    x, _y, z, q, f = design_example()
    fw = Forward(f)
    assert fw.root is f and fw.direction == "forward"
    lines = [str(fw.step()) for _ in range(3)]
    assert lines[0].endswith("x = -2   (input)")
    assert "q = x + y = (-2) + 5 = 3" in lines[2]
    assert (fw.data_known(q), fw.data_known(z), fw.data_known(x)) == (True, False, True)
    rows = fw.table().splitlines()
    assert rows[0].split() == ["#", "name", "op", "inputs", "data"]  # a forward pass: no grads
    assert [r.split()[-1] for r in rows[2:]] == ["-2", "5", "3", "?", "?"]
    lines += [str(s) for s in fw]
    assert "f = q * z = 3 * (-4) = -12" in lines[-1]
    assert fw.finished and "5/5" in repr(fw)


def test_reprs_are_one_short_line():
    model = nn.MLP(8, [8, 8, 1], seed=0)
    out = model([0.1 * i for i in range(8)])
    bp = Backprop(out)
    fw = Forward(out)
    objects = [bp, fw, bp.step(), fw.step(), fw.step()]
    objects += [bp.step().terms[0], bp]
    bp.run()
    objects += [bp, fw]
    a, b = Value(-1 / 3, label="a" * 60), Value(2 / 3, label="b" * 60)
    c = a * b
    c.label = "c" * 60
    long = Backprop(c, precision=17)
    objects += [long, long.step(), Forward(c, precision=17), Forward(c).run()[-1]]
    for obj in objects:
        text = repr(obj)
        assert "\n" not in text and len(text) < 120, text


def test_backprop_needs_a_value():
    with pytest.raises(TypeError, match="needs a Value"):
        Backprop(3.0)  # type: ignore[arg-type]


def test_wengert_table_function():
    *_, f = design_example()
    assert ag.wengert_table(f).splitlines()[-1].split()[:3] == ["5", "f", "*"]


def test_the_table_is_text_with_cells_and_an_html_view() -> None:
    x, y = Value(-2.0, label="x"), Value(5.0, label="y")
    f = (x + y) * 0.5
    f.label = "f"
    bp = Backprop(f)
    bp.step()
    table = bp.table()
    assert (
        table.splitlines()[0].split()
        == table.header
        == ["#", "name", "op", "inputs", "data", "grad"]
    )
    assert [row[1] for row in table.rows] == ["x", "y", "v1", "f"]
    assert table.rows[2][3] == "x, y" and table.rows[3][3] == "v1, 0.5"
    assert [row[5] for row in table.rows] == ["?", "?", "0.5", "1"]
    page = table._repr_html_()
    assert page.count("<tr>") == 5 and "<td style='text-align:left'>v1, 0.5</td>" in page
