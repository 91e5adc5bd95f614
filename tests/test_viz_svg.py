"""The checks of tests/support/svg.py catch what they are meant to catch: hand-made DOT,
with things planted on top of each other, drawn by both renderers and read back.
"""

from __future__ import annotations

import pytest
from support.requirements import BACKENDS
from support.svg import BACKWARD, FORWARD, arrows_through_text, labels_on_their_arrows, overlaps

import viz


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_tail_label_over_a_node_is_caught(backend: str) -> None:
    """Graphviz places a taillabel without avoiding anything: far out, it lands on a node."""
    dot = """digraph { rankdir=LR; node [fontname=Helvetica]
        a -> b [taillabel="over the node" labeldistance=6 labelangle=0]; }"""
    svg = viz.pipe(dot, "svg", backend).decode()
    assert any("over the node" in problem for problem in overlaps(svg))


PINNED = """digraph {{ layout=neato; overlap=true; splines=line;
    node [fontname=Helvetica shape=plaintext]; {body} }}"""
"""Nodes at fixed places (inches), so a test can put them where they collide."""


@pytest.mark.parametrize("backend", BACKENDS)
def test_texts_on_top_of_each_other_are_caught(backend: str) -> None:
    body = 'a [label="left" pos="0,0!"]; b [label="right" pos="0.1,0!"]; c [pos="3,3!"]'
    problems = overlaps(viz.pipe(PINNED.format(body=body), "svg", backend).decode())
    assert len(problems) == 1
    assert problems[0].startswith("node a ") and " overlaps node b " in problems[0]
    apart = body.replace('pos="0.1,0!"', 'pos="1,0!"')
    assert overlaps(viz.pipe(PINNED.format(body=apart), "svg", backend).decode()) == []


POINTS = 'a [label="" shape=point pos="0,0!"]; b [label="" shape=point pos="{b}!"]; '
LABELS = "labeldistance={distance} labelangle=0 fontname=Helvetica"


@pytest.mark.parametrize("backend", BACKENDS)
def test_labels_of_two_edges_on_top_of_each_other_are_caught(backend: str) -> None:
    """Head labels are placed without avoiding anything: two arrows into b stack theirs."""
    body = POINTS.format(b="3,0.05") + 'c [label="" shape=point pos="0,{c}!"]; '
    body += f'a -> b [headlabel="one" {LABELS}]; c -> b [headlabel="two" {LABELS}]'
    near = PINNED.format(body=body.format(c="0.1", distance=3))
    assert overlaps(viz.pipe(near, "svg", backend).decode()) == [
        "text 'one' (a->b) overlaps 'two' (c->b)"
    ]
    far = PINNED.format(body=body.format(c="2", distance=3))
    assert overlaps(viz.pipe(far, "svg", backend).decode()) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_texts_of_one_edge_or_one_node_on_top_of_each_other_are_caught(backend: str) -> None:
    """Texts of the same owner are compared too: an edge's head and tail labels that meet
    halfway, and the texts of a node's table overflowing their narrow cells."""
    edge = POINTS.format(b="2,0") + f'a -> b [headlabel="head" taillabel="tail" {LABELS}]'
    meet = PINNED.format(body=edge.format(distance=7.2))
    assert overlaps(viz.pipe(meet, "svg", backend).decode()) == [
        "text 'head' (a->b) overlaps 'tail' (a->b)"
    ]
    apart = PINNED.format(body=edge.format(distance=2))
    assert overlaps(viz.pipe(apart, "svg", backend).decode()) == []
    cells = (
        'n [pos="0,0!" label=<<table border="0" cellspacing="0"><tr>'
        '<td fixedsize="true" width="{w}" height="10">left side</td>'
        '<td fixedsize="true" width="{w}" height="10">right side</td></tr></table>>]'
    )
    narrow = viz.pipe(PINNED.format(body=cells.format(w=4)), "svg", backend).decode()
    assert overlaps(narrow) == ["text 'left side' (n) overlaps 'right side' (n)"]
    wide = viz.pipe(PINNED.format(body=cells.format(w=80)), "svg", backend).decode()
    assert overlaps(wide) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_arrow_through_a_text_is_caught(backend: str) -> None:
    body = 'a [pos="0,0!"]; c [pos="4,0!"]; b [label="in the way" pos="2,0!"]; a -> c'
    svg = viz.pipe(PINNED.format(body=body), "svg", backend).decode()
    assert arrows_through_text(svg) == ["edge a->c runs through 'in the way' of b"]
    clear = body.replace('pos="2,0!"', 'pos="2,1!"')
    assert arrows_through_text(viz.pipe(PINNED.format(body=clear), "svg", backend).decode()) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_label_away_from_its_arrow_is_caught(backend: str) -> None:
    """The label node ``e0_1_0`` holds a gradient (red) above the arrow: reported."""
    dot = f"""digraph {{ rankdir=LR; node [fontname=Helvetica]
        e0_1_0 [shape=plain label=<<table border="0" cellborder="0"><tr><td><font
        color="{BACKWARD}">-4</font></td></tr><tr><td port="c" height="1"></td></tr><tr><td><font
        color="{FORWARD}">2</font></td></tr></table>>];
        n0 -> e0_1_0:c:w [arrowhead=none]; e0_1_0:c:e -> n1; }}"""
    svg = viz.pipe(dot, "svg", backend).decode()
    problems = labels_on_their_arrows(svg)
    assert any("gradient '-4'" in p for p in problems)
    assert any("forward text '2'" in p for p in problems)
