"""One name per node: ``autograd.names`` and every text view (stepper, Wengert table) agree."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd as ag
import nn
from autograd import Backprop, Forward, Value
from demos.tour import build


def table_rows(text: str) -> list[dict[str, str]]:
    """The rows of a Wengert table as {column: cell}; a wrapped inputs cell is joined back.

    Columns are found from the dashes under the header, not from the implementation.
    """
    header, dashes, *body = text.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", dashes)]
    columns = [header[a:b].strip() for a, b in spans]
    rows: list[dict[str, str]] = []
    for line in body:
        cells = [line[a:b].strip() for a, b in spans]
        if not cells[0]:  # a continuation of the inputs cell
            rows[-1]["inputs"] += " " + cells[columns.index("inputs")]
            continue
        rows.append(dict(zip(columns, cells)))
    return rows


def design_example() -> Value:
    return build()[0]


def issue_example() -> Value:
    """L = tanh(x*w) + 1, the graph the issue found named two ways."""
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    out = (x * w).tanh() + 1.0
    out.label = "L"
    return out


def duplicate_labels() -> Value:
    """Two nodes labelled b, one labelled v1 (a name the counter would otherwise make)."""
    a, b1, b2 = Value(1.0, label="a"), Value(2.0, label="b"), Value(3.0, label="b")
    u = a * b1
    u.label = "v1"
    return ((u + b2) * a).exp() + (u * b2).sin()


def mlp_loss() -> tuple[nn.MLP, Value]:
    model = nn.MLP(3, [4, 2, 1], activation="tanh", seed=0)
    out = model([0.5, -1.0, 2.0])
    assert isinstance(out, Value)
    return model, (out - 1.0) ** 2


GRAPHS = {
    "design": design_example,
    "issue": issue_example,
    "duplicates": duplicate_labels,
    "mlp": lambda: mlp_loss()[1],
}


@pytest.mark.parametrize("build", GRAPHS.values(), ids=list(GRAPHS))
def test_stepper_text_table_and_names_agree_on_every_node(build) -> None:
    root = build()
    expected = ag.names(root)
    order = ag.topological_order(root)
    bp = Backprop(root)
    assert bp.names == expected
    # the table names every node in forward order, each with a name of its own
    rows = table_rows(bp.table())
    assert [r["name"] for r in rows] == [expected[n] for n in order]
    assert len({r["name"] for r in rows}) == len(rows)
    for row, node in zip(rows, order):
        inputs = [expected[o] if isinstance(o, Value) else format(o, ".4g") for o in node.operands]
        assert row["inputs"] == ", ".join(inputs)
    # each step names its node and every operand by the same names
    for step in bp:
        text = str(step)
        name = expected[step.node]
        assert text.startswith(f"step {step.index}/{step.total}  {name} = ")
        for parent in step.node.parents:
            assert f"∂{name}/∂{expected[parent]} = " in text
            assert f"  {expected[parent]}.grad " in text
    assert Forward(root).names == expected
    assert [r["name"] for r in table_rows(ag.wengert_table(root))] == [expected[n] for n in order]


def test_unlabelled_interior_nodes_are_numbered_without_gaps_and_skip_labels() -> None:
    root = duplicate_labels()
    names = ag.names(root)
    order = ag.topological_order(root)
    generated = [names[n] for n in order if not n.label and not n.is_leaf]
    assert "v1" not in generated  # a label took it
    numbers = [int(name[1:]) for name in generated]
    assert numbers == list(range(2, 2 + len(numbers)))  # v2, v3, … in forward order, no gaps
    text = "\n".join(str(s) for s in Backprop(root).run())
    interior = [names[n] for n in reversed(order) if not n.is_leaf]  # backward order
    assert re.findall(r"^step \d+/\d+  (\S+) =", text, re.M) == interior


def test_duplicate_labels_get_suffixes_that_no_label_took() -> None:
    a, a2, a_2 = Value(1.0, label="a"), Value(2.0, label="a"), Value(3.0, label="a_2")
    root = a * a2 + a_2
    names = ag.names(root)
    assert (names[a], names[a2], names[a_2]) == ("a", "a_3", "a_2")
    assert len(set(names.values())) == len(names)


def test_an_mlp_names_its_parameters_and_inputs() -> None:
    model, loss = mlp_loss()
    rows = {r["name"]: r for r in table_rows(Backprop(loss).table())}
    for i, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            for k, w in enumerate(neuron.w):
                assert rows[f"L{i}.n{j}.w{k + 1}"]["data"] == format(w.data, ".4g")
            assert f"L{i}.n{j}.b" in rows
    assert {"x1", "x2", "x3"} <= set(rows)
    assert not any(name.startswith(("w.", "b_")) for name in rows)


def test_constants_are_named_by_their_value_at_the_precision() -> None:
    c = Value(1 / 3)
    root = ag.sum([Value(2.0, label="x"), c])
    assert ag.names(root)[c] == "0.3333"
    assert ag.names(root, precision=2)[c] == "0.33"
    assert ag.format_number(np.array([1.0, 2.0, 4.0])) == "[3 values, mean 2.333]"
    with pytest.raises(ValueError, match="precision"):
        ag.names(root, precision=0)
