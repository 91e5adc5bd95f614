"""viz.compare_backprop: each classic bug beside the correct pass, on a graph where it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import viz
from autograd import Value, topological_order
from autograd.backward import local_partials
from autograd.exercises import random_expression
from demos.tour import build
from viz.interactive import bugs

BUGS = ("no_toposort", "assign_not_accumulate", "backward_twice", "zero_params_only")


def tree() -> Value:
    return build()[0]


@pytest.mark.parametrize("bug", BUGS)
def test_each_bug_shows_on_its_example(bug: str) -> None:
    root = viz.bug_example(bug)
    result = viz.compare_backprop(root, bug=bug)
    order = topological_order(root)
    root.backward()
    assert result.correct == {v: v.grad for v in order}  # the left side is backward() itself
    assert result.first is not None and result.first in result.wrong
    assert result.wrong[0] is result.first
    assert result.buggy[result.first] != pytest.approx(result.correct[result.first])
    name = result.names[result.first]
    assert result.why.startswith(f"{name}.grad is ")
    assert result.why.count(".") >= 2  # one sentence on why, then the lesson
    table = str(result)
    assert "← first wrong" in table and result.why in table


def test_the_classic_numbers() -> None:
    twice = viz.compare_backprop(viz.bug_example("backward_twice"), "backward_twice")
    x = next(v for v in twice.correct if v.label == "x")
    assert (twice.correct[x], twice.buggy[x]) == (6.0, 18.0)  # micrograd's issue: 18, not 6
    assign = viz.compare_backprop(viz.bug_example("assign_not_accumulate"), "assign_not_accumulate")
    x = next(v for v in assign.correct if v.label == "x")
    assert (assign.correct[x], assign.buggy[x]) == (3.0, 2.0)  # y + 1 with only the last use: y
    assert "is used 2 times" in assign.why and "+=" in assign.why
    diamond = viz.compare_backprop(viz.bug_example("no_toposort"), "no_toposort")
    assert diamond.names[diamond.first] in ("x", "y")
    assert "q passed its gradient on before e" in diamond.why


@pytest.mark.parametrize("bug", ["no_toposort", "assign_not_accumulate"])
def test_on_a_tree_these_bugs_change_nothing_and_say_so(bug: str) -> None:
    result = viz.compare_backprop(tree(), bug)
    assert result.first is None and result.wrong == []
    assert "changes nothing" in result.why and f"viz.bug_example({bug!r})" in result.why


@pytest.mark.parametrize("bug", ["no_toposort", "assign_not_accumulate"])
def test_buggy_passes_agree_with_the_engine_when_the_bug_cannot_bite(bug: str) -> None:
    """The buggy passes use the op table's partials: on a chain they are the engine's pass."""
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    out = (x * y).tanh().exp()
    assert bugs.run(bug, out) == pytest.approx(bugs.correct(out))


def test_a_second_pass_compounds_through_interior_nodes() -> None:
    x = Value(0.5, label="x")
    chain = (x * 3.0).tanh()
    right = bugs.correct(chain)
    # the first pass gives x its gradient once, the second twice (its doubled upstream): 3 times
    assert bugs.run("backward_twice", chain)[x] == pytest.approx(3 * right[x])


def test_graph_is_left_alone_and_page_shows_both_passes(tmp_path: Path) -> None:
    root = random_expression(4, seed=2)
    order = topological_order(root)
    before = [v.grad for v in order]
    result = viz.compare_backprop(root, "zero_params_only")
    assert [v.grad for v in order] == before
    text = result.save(tmp_path / "cmp.html").read_text("utf-8")
    assert text.count("<svg") == 2
    assert "cr-first-wrong" in text and "cr-bad" in text
    assert "The fix:" in text
    assert 'data-bug="zero_params_only"' in result._repr_html_()


def test_both_drawings_show_each_arrows_share_and_the_sum_each_pass_made() -> None:
    root = viz.bug_example("assign_not_accumulate")  # L = x * y + x: x is used twice
    result = viz.compare_backprop(root, "assign_not_accumulate")
    assert result.drawings is not None
    left, right = result.drawings
    order = topological_order(root)
    x = next(i for i, v in enumerate(order) if v.label == "x")

    def read(
        drawing: Any, grads: dict[Value, float]
    ) -> tuple[list[str], dict[tuple[int, int], str]]:
        totals = [el.text or "" for n, kind, el in drawing.slots if kind == "total" and n == x]
        arrows = {(int(el.get("data-to")), int(el.get("data-operand"))): el.text or ""
                  for n, kind, el in drawing.slots if kind == "share" and n == x}  # fmt: skip
        for (user, k), text in arrows.items():  # what the pass sent back along the arrow
            want = grads[order[user]] * float(local_partials(order[user])[k])
            assert float(text) == pytest.approx(want)
        return totals, arrows

    fmt = result._num
    totals, arrows = read(left, result.correct)
    shares = [arrows[key] for key in sorted(arrows, reverse=True)]  # backprop's order
    assert totals == [f"x.grad = {' + '.join(shares)} = {fmt(result.correct[order[x]])}"]
    totals, arrows = read(right, result.buggy)
    assert [arrows[key] for key in sorted(arrows, reverse=True)] == shares  # same arrows
    assert result.buggy[order[x]] != result.correct[order[x]]  # but = kept only the last one
    assert totals == [
        f"x.grad = {fmt(result.buggy[order[x]])} (arrows: {' + '.join(shares)}"
        f" = {fmt(result.correct[order[x]])})"
    ]


def test_bad_input_is_named() -> None:
    with pytest.raises(ValueError, match="bug must be one of 'no_toposort'"):
        viz.compare_backprop(tree(), bug="off_by_one")
    with pytest.raises(ValueError, match="bug must be one of"):
        viz.bug_example("nope")
    with pytest.raises(TypeError, match=r"root must be an autograd\.Value"):
        viz.compare_backprop(1.0, bug="no_toposort")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="precision must be a whole number"):
        viz.compare_backprop(tree(), "no_toposort", precision=1.5)  # type: ignore[arg-type]


def test_the_readme_shows_what_print_prints() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("```text\nnode  correct  with backward_twice", 1)[1].split("```", 1)[0]
    result = viz.compare_backprop(viz.bug_example("backward_twice"), bug="backward_twice")
    assert "node  correct  with backward_twice" + shown == str(result) + "\n"
