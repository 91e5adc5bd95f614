"""viz.draw: what each style shows, read back from the rendered SVG; names, precision,
stepping states, sum over paths, forward mode, determinism and the size limit.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from support.svg import all_texts, fills_of, read_svg, strokes_of, texts_of

import autograd
import viz
from autograd import Value

LAST, NEXT, DONE, HIGHLIGHT = "#f8c471", "#aed6f1", "#abebc6", "#f5b041"


def svg_of(drawing: viz.Drawing) -> str:
    return drawing.to_svg(backend="pure")


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


def words(text: str) -> str:
    """``text`` with its runs of spaces (kept as no-break spaces in the SVG) made single."""
    return " ".join(text.split())


def label_texts(svg: str) -> dict[str, list[str]]:
    """The texts of every edge label node (``e<parent>_<child>_<k>``), by name."""
    return {k: v for k, v in texts_of(svg).items() if re.fullmatch(r"e\d+_\d+_\d+|e_output", k)}


# ---- the three styles -------------------------------------------------------------------


def test_values_style_has_a_row_per_value_and_a_node_per_op() -> None:
    *_, f = expression()
    f.backward()
    texts = texts_of(svg_of(viz.draw(f)))
    assert texts["n0"] == ["x", "data -2", "grad -4"]
    assert texts["n2"] == ["q", "data 3", "grad -4"]
    assert texts["n4"] == ["f", "data -12", "grad 1"]
    assert texts["n2_op"] == ["+"] and texts["n4_op"] == ["*"]
    assert "n4_op->n4" in texts
    assert "grad: the gradient ∂f/∂value" in texts["graph"]


@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_values_rows_read_left_to_right_in_either_direction(rankdir: str) -> None:
    *_, f = expression()
    f.backward()
    items, _, _ = read_svg(svg_of(viz.draw(f, rankdir=rankdir)))
    x = next(i for i in items if i.name == "n0")
    assert [t.content for t in x.texts] == ["x", "data -2", "grad -4"]
    assert len({t.box.y0 for t in x.texts}) == 1  # one baseline
    assert [t.box.x0 for t in x.texts] == sorted(t.box.x0 for t in x.texts)


def test_edges_style_puts_the_value_above_and_the_gradient_below_each_arrow() -> None:
    x, loss = chain()
    loss.backward()
    svg = svg_of(viz.draw(loss, "edges"))
    texts = texts_of(svg)
    labels = label_texts(svg)
    # x -> *3 (the constant is kept on the op), * -> tanh, tanh -> exp, exp -> * (twice), * -> L
    assert len(labels) == 6
    assert labels["e_output"] == ["L = 6.112", "1"]
    assert labels["e0_1_0"] == ["0.5", autograd.format_number(x.grad)]  # x: data, then ∂L/∂x
    # f3 is used twice (L = f3 * f3): each arrow carries 1 × f3, the box adds them up
    f3 = loss.parents[0].data
    share, total = autograd.format_number(f3), autograd.format_number(2 * f3)
    assert labels["e3_4_0"][1] == labels["e3_4_1"][1] == share
    exp_box = ["exp", f"f3.grad = {share} + {share} = {total}"]
    assert [texts[f"n{i}"] for i in range(1, 5)] == [["*3"], ["tanh"], exp_box, ["*"]]
    assert texts["output"] == ["L"]
    graph = " ".join(texts["graph"])
    assert "above each arrow: the forward value" in graph
    assert "the gradient that flows back along it; a value used twice adds them" in graph


def test_edges_style_before_backward_shows_forward_values_only() -> None:
    _, loss = chain()
    texts = label_texts(svg_of(viz.draw(loss, "edges")))
    assert texts["e1_2_0"] == ["f1 = 1.5"]
    assert not any("∂L" in t for t in all_texts(svg_of(viz.draw(loss, "edges"))))


def test_local_derivatives_come_from_the_op_table() -> None:
    *_, f = expression()
    f.backward()
    values = all_texts(svg_of(viz.draw(f, show_partials=True)))
    assert {"∂f/∂q = z = -4", "∂f/∂z = q = 3", "∂q/∂x = 1"} <= set(values)
    edges = label_texts(svg_of(viz.draw(f, "edges", show_partials=True)))
    assert edges["e2_4_0"] == ["q = 3", "∂f/∂q = z = -4", "-4"]


def test_partials_on_edges_include_kept_constants() -> None:
    x = Value(0.5, label="x")
    out = ((x * 3.0).tanh() / 2.0).exp()
    power = 2.0**x  # a constant first: Value.operands keeps it in its place
    out.backward()
    texts = all_texts(svg_of(viz.draw(out, "edges", show_partials=True)))
    assert "∂v1/∂x = 3" in texts  # ∂(x·3)/∂x: the constant from the op table's formula
    assert "∂v3/∂v2 = 1/2 = 0.5" in texts
    assert "∂v1/∂x = v1·ln 2 = 0.9803" in all_texts(svg_of(viz.draw(power, show_partials=True)))


def test_partials_name_the_quantities_they_refer_to() -> None:
    x = Value(0.5, label="x")
    out = (x * 3.0).tanh()
    out.backward()
    with_partials = label_texts(svg_of(viz.draw(out, "edges", show_partials=True)))
    assert with_partials["e1_2_0"][:2] == ["v1 = 1.5", "∂v2/∂v1 = 1 - v2² = 0.1807"]
    plain = label_texts(svg_of(viz.draw(out, "edges")))
    assert plain["e1_2_0"][0] == "1.5"  # plain drawings stay plain


# ---- one name per node, one number format --------------------------------------------------


def test_every_view_names_nodes_as_autograd_names_does() -> None:
    """L = tanh(x*w) + 1: the stepper, every style and the captions say v1 and v2 alike."""
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    loss = (x * w).tanh() + 1.0
    loss.label = "L"
    names = autograd.names(loss)
    assert sorted(names.values()) == ["L", "v1", "v2", "w", "x"]
    bp = autograd.Backprop(loss)
    bp.step()
    step = bp.step()
    assert str(step).split()[2:4] == ["v2", "="]  # step 2/3  v2 = tanh(v1)
    values = all_texts(svg_of(viz.draw(loss, show_partials=True)))
    assert "∂v2/∂v1 = 1 - v2² = 0.5966" in values and "v1" in values and "v2" in values
    edges = all_texts(svg_of(viz.draw(loss, "edges", show_partials=True)))
    assert "v2 = -0.6351" in edges and "v1 = -0.75" in edges
    stepped = [words(t) for t in all_texts(svg_of(viz.draw_step(bp, "edges", caption=step)))]
    assert "v2 = -0.6351" in stepped and any(
        t.startswith("step 2/3 v2 = tanh(v1)") for t in stepped
    )


def test_precision_sets_every_number() -> None:
    a = Value(1.0 / 3.0, label="a")
    b = a * 2.0
    b.backward()
    assert "data 0.6667" in all_texts(svg_of(viz.draw(b)))
    assert "data 0.67" in all_texts(svg_of(viz.draw(b, precision=2)))
    assert "0.666667" in all_texts(svg_of(viz.draw(b, "edges", precision=6)))
    for bad in (0, 18):
        with pytest.raises(ValueError, match="precision"):
            viz.draw(b, precision=bad)
    for wrong in (2.5, True):
        with pytest.raises(TypeError, match="precision must be a whole number"):
            viz.draw(b, precision=wrong)  # type: ignore[arg-type]


def test_batched_values_are_summarised() -> None:
    x = Value(np.linspace(-1, 1, 50), label="x")
    y = x.tanh().batch_sum()
    y.backward()
    assert any(t.startswith("[50 values, mean ") for t in all_texts(svg_of(viz.draw(y, "edges"))))


def test_drawing_is_deterministic_and_ids_free() -> None:
    sources = []
    for _ in range(2):
        *_, f = expression()
        f.backward()
        sources.append(viz.draw(f, "edges").source)
    assert sources[0] == sources[1]
    *_, f = expression()
    assert not re.search(r"\d{8,}", viz.draw(f).source)  # no id()-like numbers


def test_a_value_used_twice_gives_two_arrows() -> None:
    a = Value(3.0, label="a")
    b = a * a
    items, _, _ = read_svg(svg_of(viz.draw(b)))
    assert [i.name for i in items].count("n0->n1_op") == 2


# ---- highlighting, paths and forward mode ---------------------------------------------------


def test_highlight_node_and_path() -> None:
    x, _y, z, f = expression()
    route = viz.path(x, f)
    assert [v.label for v in route] == ["x", "q", "f"]
    svg = svg_of(viz.draw(f, "edges", highlight=route))
    strokes = strokes_of(svg)
    thick = {title for title, pairs in strokes.items() if (HIGHLIGHT, "3") in pairs}
    assert {t.split(":")[0] for t in thick} == {"n0->e0_2_0", "e0_2_0", "n2->e2_4_0", "e2_4_0"}
    assert fills_of(svg_of(viz.draw(f, highlight=z)))["n3"] == {HIGHLIGHT}
    with pytest.raises(ValueError, match="no path"):
        viz.path(f, x)
    with pytest.raises(ValueError, match="not in this graph"):
        viz.draw(f, highlight=Value(1.0))


def two_paths() -> tuple[Value, Value]:
    """g = (x·y)·(x + 1): x reaches g along two paths."""
    x, y = Value(3.0, label="x"), Value(2.0, label="y")
    a = x * y
    a.label = "a"
    b = x + 1.0
    b.label = "b"
    g = a * b
    g.label = "g"
    return x, g


@pytest.mark.parametrize("style", ["values", "edges"])
def test_sum_over_paths_lists_each_product_and_their_sum(style: str) -> None:
    x, g = two_paths()
    svg = svg_of(viz.draw(g, style, paths_from=x))  # type: ignore[arg-type]
    graph = [words(t) for t in texts_of(svg)["graph"]]
    assert any("sum over the 2 paths from x to g" in t for t in graph)
    assert "x → a → g: ∂a/∂x · ∂g/∂a = 2 × 4 = 8" in graph
    assert "x → b → g: ∂b/∂x · ∂g/∂b = 1 × 6 = 6" in graph
    assert "sum = 8 + 6 = 14; backward gives ∂g/∂x = x.grad = 14" in graph
    g.backward()
    assert x.grad == 14.0
    strokes = strokes_of(svg)
    lit = {t for t, pairs in strokes.items() if (HIGHLIGHT, "3") in pairs}
    assert len(lit) >= 4  # x→a→g and x→b→g, every piece orange
    assert not any(t.startswith("n1") for t in lit)  # y is on no path from x
    texts = all_texts(svg)
    assert "∂a/∂x = y = 2" in texts and "∂g/∂b = a = 6" in texts
    with pytest.raises(ValueError, match="layers"):
        viz.draw(g, "layers", paths_from=x)
    with pytest.raises(ValueError, match="not in this graph"):
        viz.draw(g, paths_from=Value(1.0))


def test_path_products_read_as_the_stepper_writes_them() -> None:
    """A negative factor in parentheses, as in the stepper's q.grad += 1 × (-4)."""
    x, _y, _z, f = expression()
    graph = [words(t) for t in texts_of(svg_of(viz.draw(f, "edges", paths_from=x)))["graph"]]
    assert "x → q → f: ∂q/∂x · ∂f/∂q = 1 × (-4) = -4" in graph
    step = autograd.Backprop(f).step()
    assert "q.grad += 1 × (-4) = -4" in str(step)
    drawn = label_texts(svg_of(viz.draw(f, "edges", show_partials=True)))["e2_4_0"][1]
    assert drawn == f"∂f/∂q = {step.terms[0].formula} = -4"  # the stepper's own formula


def test_sum_over_paths_counts_paths_it_does_not_list() -> None:
    x = Value(0.5, label="x")
    v = x
    for _ in range(10):  # each level doubles the paths: 1024 of them
        v = v * 0.5 + v * 0.5
    v.label = "f"
    graph = [words(t) for t in texts_of(svg_of(viz.draw(v, "edges", paths_from=x)))["graph"]]
    assert any("the 1024 paths from x to f" in t for t in graph)
    assert any(t.startswith("(too many to list") for t in graph)
    assert "sum = 1; backward gives ∂f/∂x = x.grad = 1" in graph


@pytest.mark.parametrize("style", ["values", "edges", "layers"])
def test_forward_mode_labels_nodes_with_their_tangent(style: str) -> None:
    x, g = two_paths()
    texts = all_texts(svg_of(viz.draw(g, style, tangents_from=x)))  # type: ignore[arg-type]
    value, tangent = autograd.jvp(lambda x_, y_: (x_ * y_) * (x_ + 1.0), (3.0, 2.0), (1.0, 0.0))
    assert (value, tangent) == (24.0, 14.0)
    if style == "layers":
        assert "∂g/∂x = 14" in texts and "∂vector/∂x: forward mode" in texts
    else:
        assert {"∂g/∂x = 14", "∂a/∂x = 2", "∂b/∂x = 1", "∂y/∂x = 0"} <= set(texts)


# ---- stepping -------------------------------------------------------------------------------


def test_step_colours_the_node_just_processed_the_next_and_the_finished() -> None:
    *_, f = expression()
    bp = autograd.Backprop(f)
    step = bp.step()  # f processed; q is next
    svg = svg_of(viz.draw_step(bp, caption=step))
    texts = texts_of(svg)
    assert texts["n0"] == ["x", "data -2", "grad ?"]
    assert texts["n3"][2].startswith("grad ") and texts["n3"][2] != "grad ?"
    assert texts["n2"] == ["q", "data 3", "grad -4"]
    fills = fills_of(svg)
    assert fills["n4"] == {LAST} and fills["n2"] == {NEXT}
    graph = [words(t) for t in texts_of(svg)["graph"]]
    assert {"just processed", "next", "done", "not reached"} <= set(graph)
    assert any("q.grad += 1" in t for t in graph)  # the step's own text as caption
    step = bp.step()
    fills = fills_of(svg_of(viz.draw_step(bp, caption=step)))
    assert fills["n4"] == {DONE} and fills["n2"] == {LAST}
    assert "?" not in "".join(texts_of(svg_of(viz.draw_step(bp)))["n0"])


def test_step_partial_sums_are_marked() -> None:
    a = Value(2.0, label="a")
    b = a * 3.0
    b.label = "b"
    c = b.tanh() + b
    bp = autograd.Backprop(c)
    bp.step()  # c passes gradient to tanh-node and to b directly
    assert texts_of(svg_of(viz.draw(c, step=bp)))["n1"] == ["b", "data 6", "grad 1 + ?"]


def test_forward_step_hides_values_not_computed_yet() -> None:
    *_, f = expression()
    fw = autograd.Forward(f)
    for _ in range(3):
        step = fw.step()
    texts = texts_of(svg_of(viz.draw_step(fw, caption=step)))
    # forward order: x, y, q, z, f
    assert texts["n3"] == ["z", "data ?"] and texts["n4"] == ["f", "data ?"]
    assert texts["n0"] == ["x", "data -2"] and texts["n2"] == ["q", "data 3"]
    graph = [words(t) for t in texts["graph"]]
    assert "just computed" in graph and "? = not computed yet" in graph


def test_a_stepper_over_another_graph_is_refused() -> None:
    *_, f = expression()
    *_, other = expression()
    with pytest.raises(ValueError, match="another graph"):
        viz.draw(f, step=autograd.Backprop(other))


def test_node_sizes_stay_the_same_from_step_to_step() -> None:
    """States differ in colour only: an op box keeps its size in every frame."""
    *_, f = expression()
    bp = autograd.Backprop(f)
    sizes = []
    while True:
        items, _, _ = read_svg(svg_of(viz.draw_step(bp, "edges")))
        boxes = {i.name: i.box for i in items if i.name in ("n2", "n4")}
        sizes.append({k: (round(b.x1 - b.x0), round(b.y1 - b.y0)) for k, b in boxes.items()})
        if bp.current is None:
            break
        bp.step()
    assert len(sizes) == 3 and sizes[0] == sizes[1] == sizes[2]


# ---- the layers style -----------------------------------------------------------------------


def small_network() -> Value:
    xs = [Value(float(i), label=f"x{i}") for i in range(2)]
    with autograd.node_group("layers.0"):
        w = [[Value(0.1 * (i + j), label=f"w{i}{j}") for j in range(2)] for i in range(3)]
        h = [autograd.dot(row, xs).tanh() for row in w]
    with autograd.node_group("layers.1"):
        v = [Value(0.2 * i) for i in range(3)]
        out = autograd.dot(v, h).sigmoid()
    loss = (out - 1.0) ** 2
    loss.backward()
    return loss


def boxes_of(svg: str) -> dict[str, list[str]]:
    """The layer boxes' texts by name (``g0``, ``g1``, …)."""
    return {k: v for k, v in texts_of(svg).items() if re.fullmatch(r"g\d+", k)}


def test_layers_style_draws_one_box_per_group_and_vectors_on_the_arrows() -> None:
    loss = small_network()
    out = names_of(loss)[loss]
    svg = svg_of(viz.draw(loss, "layers"))
    boxes = boxes_of(svg)
    assert [t[0] for t in boxes.values()] == ["layers.0", "layers.1", out]  # the loss: one box
    assert boxes["g0"][1] == "h1 = tanh(layers.0.W·x)"  # recognised as affine, no bias
    assert boxes["g1"][1] == "ŷ = σ(layers.1.W·h1)"
    assert boxes["g2"][1] == "2 ops"
    texts = texts_of(svg)
    x0, x1 = grads(loss, "x0", "x1")
    assert texts["e3_0_0"] == ["x = [0, 1]", f"∂{out}/∂x = [{x0}, {x1}]"]
    assert texts["e0_1_0"][0].startswith("h1 = [")
    assert texts["e_output"] == [f"{out} = {loss.data:.4g}", f"∂{out}/∂{out} = 1"]
    clustered = texts_of(svg_of(viz.draw(loss, "layers", collapse=False)))
    assert {"layers.0", "layers.1"} <= set(clustered["cluster_0"] + clustered["cluster_1"])


def names_of(root: Value) -> dict[Value, str]:
    return autograd.names(root)


def grads(root: Value, *labels: str) -> list[str]:
    found = {v.label: v for v in autograd.topological_order(root)}
    return [autograd.format_number(found[label].grad) for label in labels]


def test_layers_elides_long_vectors_like_numpy() -> None:
    xs = [Value(float(i)) for i in range(20)]
    with autograd.node_group("layers.0"):
        hs = [(x * 2.0).relu() for x in xs]
    with autograd.node_group("layers.1"):
        out = autograd.sum(hs)
    texts = texts_of(svg_of(viz.draw(out, "layers")))
    assert texts["e0_1_0"][0] == "h1 = [0, 2, …, 38] (20 entries)"


def test_layers_lists_parameters_and_counts_constants() -> None:
    x = Value(1.5, label="x")
    with autograd.node_group("layer"):
        w, b = Value(0.5, label="w.0"), Value(0.1, label="b")
        out = ((w * x + b) * Value(2.0) + 3.0).tanh()  # Value(2.0): an unlabelled leaf
    out.backward()
    svg = svg_of(viz.draw(out, "layers"))
    assert boxes_of(svg)["g0"][:2] == ["layer", "5 ops, 2 parameters, 1 constant"]
    params = texts_of(svg)["p0"]
    assert params[:3] == ["w.0 =", "[", "0.5"] and "∂v5/∂w.0 =" in params and "b =" in params
    with autograd.node_group("scale"):
        one = x * Value(2.0)
    assert boxes_of(svg_of(viz.draw(one, "layers")))["g0"][:2] == ["scale", "1 op, 1 constant"]


def test_an_mlp_is_drawn_one_box_per_layer_by_default() -> None:
    import nn

    model = nn.MLP(2, [3, 3, 1], seed=0)
    f = model([0.5, -1.0])
    f.label = "f"
    f.backward()
    headers = [t[0] for t in boxes_of(svg_of(viz.draw(f, "layers"))).values()]
    assert headers == ["layers.0", "layers.1", "layers.2"]
    neurons = [t[0] for t in boxes_of(svg_of(viz.draw(f, "layers", group_depth=4))).values()]
    assert [h for h in neurons if h.startswith("layers.1")] == [
        f"layers.1.neurons.{j}" for j in range(3)
    ]


def test_group_depth_merges_nested_groups() -> None:
    a = Value(1.0)
    with autograd.node_group("layers"), autograd.node_group("0"):
        with autograd.node_group("n0"):
            b = a * 2.0
        with autograd.node_group("n1"):
            c = b + 1.0
    assert c.group == "layers.0.n1"
    merged = [t[0] for t in boxes_of(svg_of(viz.draw(c, "layers", group_depth=2))).values()]
    assert merged == ["layers.0"]
    split = [t[0] for t in boxes_of(svg_of(viz.draw(c, "layers"))).values()]
    assert split == ["layers.0.n0", "layers.0.n1"]  # n0 feeds n1: both drawn


def test_layers_step_colours_the_boxes_and_every_frame_differs() -> None:
    x = Value(1.0, label="x")
    with autograd.node_group("a"):
        h = (x * 2.0).tanh()
    with autograd.node_group("b"):
        out = (h * 3.0).exp()
    bp = autograd.Backprop(out)
    frames = []
    while True:
        frames.append(svg_of(viz.draw(out, "layers", step=bp)))
        if bp.current is None:
            break
        bp.step()
    assert len(frames) == 5 and len(set(frames)) == 5  # 4 steps, every frame differs
    first = boxes_of(frames[0])
    assert "0/2 steps done, next v4 (exp)" in first["g1"]
    assert NEXT in fills_of(frames[0])["g1"]
    assert "0/2 steps done" in first["g0"]
    middle = boxes_of(frames[2])  # both steps of b done, the last just now
    assert LAST in fills_of(frames[2])["g1"] and NEXT in fills_of(frames[2])["g0"]
    assert "2/2 steps done, last v3 (*3)" in middle["g1"]
    assert LAST in fills_of(frames[3])["g0"] and DONE in fills_of(frames[3])["g1"]
    assert "2/2 steps done, last v1 (*2)" in boxes_of(frames[-1])["g0"]


# ---- arguments and sizes --------------------------------------------------------------------


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
    source = viz.draw(v).source
    assert len(re.findall(r"^\s*n\d+ \[label=<", source, flags=re.M)) == 1999
