"""viz.draw: DOT structure of the three styles, determinism, options, size limit."""

from __future__ import annotations

import re
import time

import pytest

import autograd
import viz
from autograd import Value


def chain() -> tuple[Value, Value]:
    """Figure 9.3's chain x -> f1 -> f2 -> f3 -> L."""
    x = Value(0.5, label="x")
    f1 = x * 3.0
    f1.label = "f1"
    f2 = f1.tanh()
    f2.label = "f2"
    f3 = f2.exp()
    f3.label = "f3"
    loss = f3 * f3
    loss.label = "L"
    return x, loss


def expression() -> tuple[Value, Value, Value, Value]:
    x, y, z = Value(-2.0, label="x"), Value(5.0, label="y"), Value(-4.0, label="z")
    q = x + y
    q.label = "q"
    f = q * z
    f.label = "f"
    return x, y, z, f


def edges_of(source: str) -> list[tuple[str, str, str]]:
    return re.findall(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", source, flags=re.M)


def test_values_style_has_a_record_per_value_and_a_node_per_op() -> None:
    _x, _y, _z, f = expression()
    f.backward()
    src = viz.draw(f).source
    assert src.count("shape=record") == 5
    assert 'n0 [label="{x|data\\ -2|grad\\ -4}"' in src
    assert src.count("_op [label=") == 2
    assert ("n4_op", "n4") in [(a, b) for a, b, _ in edges_of(src)]
    assert "rankdir=LR" in src


def test_values_style_top_to_bottom_uses_vertical_records() -> None:
    *_, f = expression()
    src = viz.draw(f, rankdir="TB").source
    assert "rankdir=TB" in src
    assert 'label="x|data\\ -2"' in src  # no braces: fields side by side in TB


def test_edges_style_labels_each_edge_with_forward_and_backward() -> None:
    _, loss = chain()
    loss.backward()
    src = viz.draw(loss, "edges").source
    edges = edges_of(src)
    # x -> *3 (the constant is kept on the op), * -> tanh, tanh -> exp, exp -> * (twice), * -> L
    assert len([e for e in edges if e[0] != "legend_forward"]) == 6
    assert 'label="*3"' in src
    for _, _, attrs in edges:
        assert "label=" in attrs and "taillabel=" in attrs
        assert "#1f5fbf" in attrs and "#c0392b" in attrs
    assert re.search(r"n4 -> output \[label=\"L = 6\.112\".*taillabel=1\]", src)
    assert "output [label=L" in src
    assert "forward value" in src and "∂L/∂value" in src  # legend
    assert "shape=box" in src and "shape=plaintext" in src


def test_edges_style_keeps_each_gradient_by_its_own_arrow() -> None:
    """x and y both enter +: their gradients sit just under each arrow, arrows spread apart."""
    *_, f = expression()
    f.backward()
    src = viz.draw(f, "edges").source
    assert "nodesep=0.6" in src.splitlines()[1]
    for _, _, attrs in edges_of(src):
        assert "labelangle=-15 labeldistance=3.5" in attrs
    layered = viz.draw(f, "layers").source  # wide boxes: the gradient further round
    assert "labelangle=-35 labeldistance=3.2" in layered and "nodesep=0.3" in layered


def test_edges_style_before_backward_shows_forward_values_only() -> None:
    _, loss = chain()
    src = viz.draw(loss, "edges").source
    assert "taillabel" not in src
    assert 'label="f1 = 1.5"' in src
    assert "∂L" not in src


def test_local_derivatives_come_from_the_op_table() -> None:
    _x, _y, _z, f = expression()
    f.backward()
    src = viz.draw(f, show_partials=True).source
    assert "∂f/∂q = z = -4" in src
    assert "∂f/∂z = q = 3" in src
    assert "∂q/∂x = 1" in src
    edges_src = viz.draw(f, "edges", show_partials=True).source
    assert "∂f/∂q = z = -4" in edges_src


def test_drawing_is_deterministic_and_ids_free() -> None:
    sources = []
    for _ in range(2):
        *_, f = expression()
        f.backward()
        sources.append(viz.draw(f, "edges").source)
    assert sources[0] == sources[1]
    *_, f = expression()
    assert not re.search(r"\d{8,}", viz.draw(f).source)  # no id()-like numbers


def test_a_value_used_twice_gives_two_edges() -> None:
    a = Value(3.0, label="a")
    b = a * a
    src = viz.draw(b).source
    assert src.count("n0 -> n1_op") == 2


def test_highlight_node_and_path() -> None:
    x, _y, z, f = expression()
    route = viz.path(x, f)
    assert [v.label for v in route] == ["x", "q", "f"]
    src = viz.draw(f, "edges", highlight=route).source
    assert len(re.findall(r"n0 -> n2 .*penwidth=3", src)) == 1
    assert len(re.findall(r"n2 -> n4 .*penwidth=3", src)) == 1
    assert "n1 -> n2 [" in src and not re.search(r"n1 -> n2 .*penwidth=3", src)
    single = viz.draw(f, highlight=z).source
    assert re.search(r"n3 \[.*fillcolor=\"#f5b041\"", single)
    with pytest.raises(ValueError, match="no path"):
        viz.path(f, x)
    with pytest.raises(ValueError, match="not in this graph"):
        viz.draw(f, highlight=Value(1.0))


def test_number_format() -> None:
    a = Value(1.0 / 3.0, label="a")
    b = a * 2.0
    assert "data 0.6667" in viz.draw(b).source.replace("\\ ", " ")
    assert "data 0.67" in viz.draw(b, number_format=".2f").source.replace("\\ ", " ")
    assert "data <0.667>" in viz.draw(b, number_format=lambda v: f"<{v:.3f}>").source.replace(
        "\\", ""
    ).replace("  ", " ")


def test_batched_values_are_summarised() -> None:
    import numpy as np

    x = Value(np.linspace(-1, 1, 50), label="x")
    y = x.tanh().batch_sum()
    y.backward()
    src = viz.draw(y, "edges").source
    assert "[50 values, mean " in src


def test_layers_style_clusters_or_collapses_groups() -> None:
    xs = [Value(float(i), label=f"x{i}") for i in range(2)]
    with autograd.node_group("layers.0"):
        w = [[Value(0.1 * (i + j), label=f"w{i}{j}") for j in range(2)] for i in range(3)]
        h = [autograd.dot(row, xs).tanh() for row in w]
    with autograd.node_group("layers.1"):
        v = [Value(0.2 * i) for i in range(3)]
        out = autograd.dot(v, h).sigmoid()
    loss = (out - 1.0) ** 2
    loss.backward()
    clustered = viz.draw(loss, "layers", collapse=False).source
    assert "subgraph cluster_0" in clustered and "subgraph cluster_1" in clustered
    assert 'label="layers.0"' in clustered and 'label="layers.1"' in clustered
    collapsed = viz.draw(loss, "layers").source
    boxes = re.findall(r"^\s*(g\d+) \[label=\"([^\"]*)\"", collapsed, flags=re.M)
    names = [label.split("\\n")[0] for _, label in boxes]
    assert names[:3] == ["inputs", "layers.0", "layers.1"]
    assert "6 parameters" in boxes[1][1]
    edges = {(a, b): attrs for a, b, attrs in edges_of(collapsed)}
    inputs, l0, l1 = (boxes[i][0] for i in range(3))
    assert (inputs, l0) in edges and (l0, l1) in edges
    assert 'label="0, 1"' in edges[(inputs, l0)]  # two values cross: listed
    assert re.search(r"label=\"\d+(\.\d+)?, \d", edges[(l0, l1)])  # three tanh outputs
    assert "taillabel" in edges[(l0, l1)]


def test_layers_collapse_many_values_shows_count_and_norm() -> None:
    xs = [Value(1.0) for _ in range(10)]
    with autograd.node_group("layers.0"):
        hs = [(x * 2.0).relu() for x in xs]
    with autograd.node_group("layers.1"):
        out = autograd.sum(hs)
    src = viz.draw(out, "layers").source
    assert "10 values, ‖·‖ = 6.325" in src


def test_layers_counts_labelled_leaves_as_parameters_and_others_as_constants() -> None:
    x = Value(1.5, label="x")
    with autograd.node_group("layer"):
        w, b = Value(0.5, label="w.0"), Value(0.1, label="b")
        out = ((w * x + b) * Value(2.0) + 3.0).tanh()  # Value(2.0): an unlabelled leaf
    box = re.search(r'label="layer\\n([^"]*)"', viz.draw(out, "layers").source)
    assert box is not None
    assert box.group(1) == "5 ops, 2 parameters, 1 constant"  # 3.0 is kept on its op
    with autograd.node_group("scale"):
        one = x * Value(2.0)
    assert "1 op, 1 constant" in viz.draw(one, "layers").source
    with autograd.node_group("scale"):
        kept = x * 2.0
    assert 'label="scale\\n1 op"' in viz.draw(kept, "layers").source


def test_layers_step_marks_the_box_being_processed_and_finished_boxes() -> None:
    x = Value(1.0, label="x")
    with autograd.node_group("a"):
        h = (x * 2.0).tanh()
    with autograd.node_group("b"):
        out = (h * 3.0).exp()
    bp = autograd.Backprop(out)
    sources = []
    while True:
        sources.append(viz.draw(out, "layers", step=bp).source)
        if bp.current is None:
            break
        bp.step()
    assert len(sources) == 5 and len(set(sources)) == 5  # 4 steps, every frame differs
    first = sources[0].replace("\\n", "|")
    assert re.search(r'label="b\|2 ops\|now: exp, step 1 of 2".*#f8c471', first)
    assert re.search(r'label="a\|2 ops\|waiting: 2 steps"', first)
    middle = sources[2].replace("\\n", "|")
    assert re.search(r'label="b\|[^"]*done: 2 of 2 steps".*#e8f6ef', middle)
    assert "now: tanh, step 1 of 2" in middle
    assert "#f8c471" not in sources[-1]


def test_group_depth_merges_nested_groups() -> None:
    a = Value(1.0)
    with autograd.node_group("layers"), autograd.node_group("0"):
        with autograd.node_group("n0"):
            b = a * 2.0
        with autograd.node_group("n1"):
            c = b + 1.0
    assert c.group == "layers.0.n1"
    src = viz.draw(c, "layers", group_depth=2).source
    assert src.count("layers.0\\n") == 1


def test_step_marks_done_current_and_unknown_grads() -> None:
    _x, _y, _z, f = expression()
    bp = autograd.Backprop(f)
    bp.step()  # f processed; q is next
    src = viz.draw_step(bp).source.replace("\\ ", " ")
    assert "{x|data -2|grad ?}" in src
    assert "{z|data -4|grad 3}" in src
    assert "{q|data 3|grad -4}" in src
    assert re.search(r"n2 \[.*fillcolor=\"#f8c471\"", src)  # q, being processed
    assert re.search(r"n4 \[.*fillcolor=\"#e8f6ef\"", src)  # f, done
    bp.run()
    done = viz.draw(f, step=bp).source
    assert "?" not in done.split('label="? =')[0]


def test_step_partial_sums_are_marked() -> None:
    a = Value(2.0, label="a")
    b = a * 3.0
    b.label = "b"
    c = b.tanh() + b
    bp = autograd.Backprop(c)
    bp.step()  # c passes gradient to tanh-node and to b directly
    src = viz.draw(c, step=bp).source.replace("\\ ", " ")
    assert "{b|data 6|grad 1 + …}" in src


def test_forward_step_hides_values_not_computed_yet() -> None:
    *_, f = expression()
    fw = autograd.Forward(f)
    for _ in range(3):
        fw.step()
    src = viz.draw_step(fw).source.replace("\\ ", " ")
    # forward order: x, y, q, z, f
    assert "{z|data ?}" in src and "{f|data ?}" in src
    assert "{x|data -2}" in src and "{q|data 3}" in src
    assert "grad" not in src


def test_errors_for_bad_arguments() -> None:
    *_, f = expression()
    with pytest.raises(ValueError, match="style"):
        viz.draw(f, style="fancy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir"):
        viz.draw(f, rankdir="XY")
    with pytest.raises(TypeError, match="Value"):
        viz.draw(3.0)  # type: ignore[arg-type]


def test_large_graph_is_refused_quickly_with_a_hint() -> None:
    v = Value(0.0)
    for _ in range(200_000):
        v = v + 1.0
    start = time.perf_counter()
    with pytest.raises(viz.GraphTooLargeError, match="style='layers'"):
        viz.draw(v)
    with pytest.raises(viz.GraphTooLargeError):
        viz.render(v, "/nonexistent/never.svg")
    assert time.perf_counter() - start < 1.0
    assert isinstance(viz.GraphTooLargeError("x"), ValueError)


def test_graph_just_under_the_limit_draws() -> None:
    v = Value(0.0)
    for _ in range(999):
        v = v * Value(1.0)
    assert len(autograd.topological_order(v)) == 1999
    assert viz.draw(v).source.count("shape=record") == 1999


def test_partials_on_edges_include_kept_constants() -> None:
    x = Value(0.5, label="x")
    out = ((x * 3.0).tanh() / 2.0).exp()
    out.backward()
    src = viz.draw(out, "edges", show_partials=True).source
    assert "∂v1/∂x = 3" in src  # ∂(x·3)/∂x: the constant from the op table's formula
    assert "∂v3/∂v2 = 1/2" in src


def test_partials_name_the_quantities_they_refer_to() -> None:
    x = Value(0.5, label="x")
    out = (x * 3.0).tanh()
    out.backward()
    with_partials = viz.draw(out, "edges", show_partials=True).source
    assert "v1 = 1.5" in with_partials and "∂v2/∂v1" in with_partials
    assert "v1 = " not in viz.draw(out, "edges").source  # plain drawings stay plain
