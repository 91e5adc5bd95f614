"""viz.stepper: the saved page's content, its data against the engine, errors, sizes.

What the page does in a browser is tested in test_browser_stepper.py; here the
page is read as text and its embedded JSON is checked against ``backward()``
and ``Backprop`` run independently.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import autograd
import nn
import viz
from autograd import Backprop, Forward, Value, topological_order
from autograd.exercises import random_expression
from autograd.naming import DEFAULT_PRECISION
from demos.tour import build
from viz.interactive import sources


def tour() -> tuple[Value, dict[str, Value]]:
    """The tour's f = (x + y)·z, every node labelled (the demo's own graph)."""
    return build()


def page_data(text: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" class="cr-data">(.*?)</script>', text, re.S)
    assert match is not None
    return json.loads(match[1])


def expected_grads(root: Value) -> list[float]:
    """∂root/∂node for every node in topological order, as ``backward()`` from zero gives."""
    return [float(g) for g in autograd.gradients(root, topological_order(root))]


def test_saved_page_is_one_self_contained_file(tmp_path: Path) -> None:
    f, _ = tour()
    path = viz.stepper(f).save(tmp_path / "backprop")
    assert path.suffix == ".html" and path.exists()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in text and "default-src 'none'" in html.unescape(text)
    assert "<svg" in text and "<style>" in text and "<script>" in text
    # nothing to fetch: no links, no src attributes, no URLs but the SVG namespaces
    assert not re.search(r"<link|\ssrc=|@import|url\(", text)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_step_texts_are_the_engines_own() -> None:
    f, _ = tour()
    forward = [str(step) for step in Forward(f)]
    with sources.isolated(f):
        backward = [str(step) for step in Backprop(f)]
    st = viz.stepper(f)
    assert st.steps[1:] == forward + backward
    assert len(st) == len(forward) + len(backward) == 7
    assert "step 1/2  f = q * z = 3 * (-4) = -12" in st.steps[6]
    assert viz.stepper(f, "backward").steps[1:] == backward
    assert viz.stepper(f, "forward").steps[1:] == forward


def test_gradients_shown_at_the_end_are_backwards() -> None:
    root = random_expression(4, seed=3)
    want = expected_grads(root)
    data = viz.stepper(root, precision=12).data
    for node, grad in zip(data["nodes"], want):
        at, text = node["grads"][-1]
        assert at == node["gradAt"] <= len(data["steps"]) - 1
        assert float(text) == pytest.approx(grad, rel=1e-10, abs=1e-12)


def test_gradients_show_partial_sums_until_every_use_is_done() -> None:
    x = Value(3.0, label="x")
    a = x * 2.0
    a.label = "a"
    b = x.exp()
    b.label = "b"
    out = a + b
    data = viz.stepper(out, "backward").data
    xs = data["nodes"][0]
    assert [t for _, t in xs["grads"]][-1] == f"{2 + 2.718281828459045**3:.4g}"
    partial = [t for _, t in xs["grads"][:-1]]
    # b = exp(x) is processed first: x holds exp(3) so far, not its final gradient
    assert partial == [f"{2.718281828459045**3:.4g} + ?"]
    assert xs["gradAt"] == xs["grads"][-1][0]


def test_stepper_leaves_the_graph_as_it_was() -> None:
    f, nodes = tour()
    viz.stepper(f)
    assert all(v.grad == 0.0 for v in nodes.values())
    f.backward()
    before = {k: v.grad for k, v in nodes.items()}
    viz.stepper(f)
    assert {k: v.grad for k, v in nodes.items()} == before


def test_every_edge_label_is_addressable() -> None:
    f, _ = tour()
    st = viz.stepper(f)
    svg = ET.fromstring(st.svg)
    texts = svg.findall(".//{*}text")
    kinds = [(t.get("data-node"), t.get("data-kind")) for t in texts if t.get("data-kind")]
    edges = {e.get("data-edge") for e in svg.findall(".//{*}g") if e.get("data-edge") is not None}
    assert len(edges) == 5  # x→+, y→+, q→*, z→*, f→output (each: two arrows and their label)
    assert sorted(k for _, k in kinds) == ["data"] * 5 + ["grad"] * 5
    assert not [el for el in svg.iter() if el.get("id")]  # graphviz ids dropped
    groups = {el.get("data-node") for el in svg.findall(".//{*}g") if el.get("data-node")}
    assert groups == {"0", "1", "2", "3", "4"}


def test_quiz_questions_carry_answers_and_chain_rule_products() -> None:
    f, _ = tour()
    data = viz.stepper(f, quiz=True).data
    quiz = data["quiz"]
    assert quiz["tolerance"] == 0.01
    asked = {q["ask"]: q for q in quiz["questions"]}
    assert set(asked) == {"∂f/∂x", "∂f/∂y", "∂f/∂q", "∂f/∂z"}
    want = dict(zip("xyqzf", expected_grads(f)))
    for name in "xyqz":
        assert asked[f"∂f/∂{name}"]["answer"] == want[name]
    assert asked["∂f/∂x"]["chain"].startswith("∂f/∂x = ∂f/∂q·∂q/∂x = (-4) × 1 = -4")
    # a question comes up at the step that completes its gradient, never earlier
    for q in quiz["questions"]:
        assert data["nodes"][q["node"]]["gradAt"] == q["at"]
    assert viz.stepper(f).data["quiz"] is None


def test_two_fragments_have_their_own_ids() -> None:
    f, _ = tour()
    st = viz.stepper(f)
    one, two = st._repr_html_(), st._repr_html_()
    ids = [re.search(r'class="chainrule-stepper" id="([^"]+)"', h)[1] for h in (one, two)]  # type: ignore[index]
    assert ids[0] != ids[1]
    for fragment in (one, two):
        live = live_markup(fragment)  # the stepper the script builds in the picture's place
        assert "<html" not in fragment and "<style>" in live and "<script>" in fragment
        assert 'data-standalone="0"' in fragment
        assert not re.search(r'\sid="(graph|node|edge)\d+"', fragment + live)


def live_markup(fragment: str) -> str:
    """A notebook fragment's live part: HTML kept as a JSON string, out of a sanitiser's view."""
    match = re.search(
        r'<script type="application/json" class="cr-live-markup">(.*?)</script>', fragment, re.S
    )
    assert match is not None
    markup = json.loads(match[1])
    assert isinstance(markup, str) and 'class="cr-bar"' in markup
    return markup


def test_the_same_graph_gives_the_same_file(tmp_path: Path) -> None:
    a = viz.stepper(random_expression(3, seed=5)).save(tmp_path / "a.html")
    b = viz.stepper(random_expression(3, seed=5)).save(tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()


def test_text_is_escaped_and_data_cannot_close_its_script() -> None:
    x = Value(2.0, label="</script><b>x</b>")
    y = x * 3.0
    y.label = "y & <z>"
    page = viz.stepper(y, title="<i>mine</i>").html()
    assert "<b>x</b>" not in page and "<i>mine</i>" not in page
    assert "&lt;i&gt;mine&lt;/i&gt;" in page
    body = page.split('class="cr-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in body and json.loads(body)["nodes"][0]["name"] == "</script><b>x</b>"


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"direction": "sideways"}, ValueError, "direction must be one of"),
        ({"direction": 1}, ValueError, "direction"),
        ({"precision": 0}, ValueError, "precision must be a whole number"),
        ({"precision": -2}, ValueError, "precision"),
        ({"precision": 2.5}, TypeError, "precision must be a whole number"),
        ({"precision": True}, TypeError, "precision"),
        ({"precision": "4"}, TypeError, "precision"),
        ({"precision": 40}, ValueError, "from 1 to 17"),
        ({"quiz": "yes"}, TypeError, "quiz must be True or False"),
        ({"quiz": True, "direction": "forward"}, ValueError, "quiz=True asks for gradients"),
        ({"tolerance": 0}, ValueError, "tolerance"),
        ({"style": "values"}, ValueError, "style must be one of"),
        ({"title": 3}, TypeError, "title"),
        ({"start": 8}, ValueError, "start must be a step from 0 to 7, got 8"),
        ({"start": -1}, ValueError, "start must be a step"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, Any], error: type, words: str) -> None:
    f, _ = tour()
    with pytest.raises(error, match=re.escape(words)):
        viz.stepper(f, **kwargs)


@pytest.mark.parametrize("root", [3.0, None, [Value(1.0)], "f"])
def test_root_must_be_a_value(root: object) -> None:
    with pytest.raises(TypeError, match=r"root must be an autograd\.Value"):
        viz.stepper(root)  # type: ignore[arg-type]


def test_batches_are_refused_with_a_reason() -> None:
    import numpy as np

    x = Value(np.array([1.0, 2.0]), label="x")
    with pytest.raises(ValueError, match="batch of 2 samples"):
        viz.stepper((x * x).batch_sum())


def test_over_the_drawing_limit_the_error_points_to_the_layers_view() -> None:
    root = random_expression(2, seed=0, size=40)
    with pytest.raises(viz.GraphTooLargeError, match=r"layer by layer.*style='layers'"):
        viz.stepper(root, max_nodes=20)


def test_layers_view_steps_layer_by_layer(tmp_path: Path) -> None:
    model = nn.MLP(2, [4, 4, 1], seed=0)
    out = model([Value(0.5, label="x1"), Value(-1.0, label="x2")])
    loss = (out - 1.0) ** 2
    loss.label = "L"
    st = viz.stepper(loss, style="layers")
    labels = [s["label"] for s in st.data["steps"]]
    assert labels[0] == "start"
    assert [lb.split(": ")[1] for lb in labels if lb.startswith("forward")][:4] == [
        "inputs", "layers.0", "layers.1", "layers.2",
    ]  # fmt: skip
    backward = [lb.split(": ")[1] for lb in labels if lb.startswith("backward")]
    assert backward == ["L", "layers.2", "layers.1", "layers.0"]
    assert len(st.frames) == len(labels)
    with sources.isolated(loss):
        every = ["\n".join(step.lines) for step in Backprop(loss, by="layer")]
    texts = [s["text"] for s in st.data["steps"] if s["phase"] == "backward"]
    assert texts == every  # one step of Backprop(by="layer") each: the vector chain rule
    assert texts[1].startswith("∂L/∂z3 = ∂L/∂ŷ = ")
    text = st.save(tmp_path / "layers.html").read_text(encoding="utf-8")
    assert text.count('class="cr-frame"') == len(labels)
    table = st.data["table"]
    assert [row[0] for row in table["rows"]][:4] == ["x", "layers.0.W", "layers.0.b", "h1"]
    quiz = viz.stepper(loss, style="layers", quiz=True).data["quiz"]
    asks = [q["ask"] for q in quiz["questions"]]
    assert asks[:3] == ["∂L/∂ŷ", "∂L/∂h2", "∂L/∂layers.2.b"] and "∂L/∂L" not in asks
    assert all(isinstance(q["answer"], list) for q in quiz["questions"])  # vectors


def test_three_hundred_nodes_make_a_page_under_two_megabytes(tmp_path: Path) -> None:
    root = random_expression(4, seed=1, size=296)
    assert 290 <= len(topological_order(root)) <= 310
    path = viz.stepper(root).save(tmp_path / "big.html")
    assert path.stat().st_size < 2_000_000


def test_repr_names_the_output_and_the_steps() -> None:
    f, _ = tour()
    assert repr(viz.stepper(f, quiz=True)) == (
        "<Stepper of f: both, 7 steps, style='edges', quiz; .save('backprop.html') writes the page>"
    )


def test_names_come_from_one_helper() -> None:
    f, _ = tour()
    names = sources.names(f, DEFAULT_PRECISION)
    assert [names[v] for v in topological_order(f)] == ["x", "y", "q", "z", "f"]
    if getattr(autograd, "names", None) is None:  # today: the steppers' own naming
        assert names == autograd.stepping.node_names(topological_order(f))


def test_a_backprop_shows_as_its_page_open_where_it_is() -> None:
    from viz.interactive import backprop_html

    f, nodes = tour()
    bp = Backprop(f)
    bp.step()
    grads = {k: v.grad for k, v in nodes.items()}
    fragment = backprop_html(bp)
    data = page_data(fragment)
    assert data["start"] == 1 and data["direction"] == "backward"
    assert data["steps"][1]["text"].startswith("step 1/2  f = q * z")
    assert {k: v.grad for k, v in nodes.items()} == grads  # bp's pass is left where it was
    assert str(bp.step()).startswith("step 2/2  q = x + y")
    with pytest.raises(TypeError, match=r"backprop_html needs an autograd\.Backprop"):
        backprop_html(f)


def test_a_graph_that_is_one_input_ends_with_its_own_gradient() -> None:
    x = Value(3.0, label="x")
    data = viz.stepper(x).data
    assert [s["label"] for s in data["steps"]] == ["start", "forward 1/1"]
    assert data["nodes"][0]["grads"] == [[1, "1"]]


def test_a_gradient_that_overflowed_is_shown_but_not_asked(tmp_path: Path) -> None:
    x, c = Value(1e200, label="x"), Value(2.0, label="c")
    y = x * x  # overflows to inf, so ∂out/∂c = y is inf too
    y.label = "y"
    out = y * c
    out.label = "out"
    st = viz.stepper(out, quiz=True)
    assert [q["ask"] for q in st.data["quiz"]["questions"]] == ["∂out/∂y", "∂out/∂x"]
    assert st.data["nodes"][2]["grad"] == "inf"  # c: drawn, not asked
    st.save(tmp_path / "inf.html")  # the JSON holds no inf


@pytest.mark.parametrize("backend", viz.available_backends())
def test_both_renderers_give_addressable_labels(backend: Any) -> None:
    root = random_expression(4, seed=6)
    st = viz.stepper(root, backend=backend)
    svg = ET.fromstring(st.svg)
    slots = [t for t in svg.findall(".//{*}text") if t.get("data-kind") != "total"]
    slots = [t for t in slots if t.get("data-kind")]
    edges = sum(len(v.parents) for v in topological_order(root)) + 1  # + the output's arrow
    assert len(slots) == 2 * edges  # a value above and a gradient (or share) below every arrow
    uses = Counter(id(p) for v in topological_order(root) for p in v.parents)
    totals = [t for t in svg.findall(".//{*}text") if t.get("data-kind") == "total"]
    assert len(totals) == sum(n > 1 for n in uses.values()) > 0  # one sum per reused value
    assert len(st.data["edges"]) == edges
