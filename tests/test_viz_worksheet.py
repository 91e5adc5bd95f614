"""viz.worksheet: a sheet with ? for every gradient, its key with backward()'s numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd as ag
import viz
from autograd import Value, format_number, topological_order
from autograd.backward import local_partials
from autograd.exercises import random_expression


def graphs(text: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", text, re.S)]


def labels(svg: ET.Element, kind: str) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for t in svg.findall(".//{*}text"):
        if t.get("data-kind") == kind:
            found.setdefault(int(t.get("data-node", "-1")), set()).add(t.text or "")
    return found


def test_sheet_and_key_with_one_call_each(tmp_path: Path) -> None:
    roots = [random_expression(d, seed=11) for d in (1, 3, 5)]
    before = [[v.grad for v in topological_order(r)] for r in roots]
    sheet = viz.worksheet(roots, tmp_path / "sheet.html")
    key = viz.worksheet(roots, tmp_path / "key.html", answers=True)
    sheet_text, key_text = sheet.read_text("utf-8"), key.read_text("utf-8")
    assert sheet_text.count('class="cr-exercise"') == key_text.count('class="cr-exercise"') == 3
    for svg in graphs(sheet_text):
        assert {t for ts in labels(svg, "grad").values() for t in ts} == {"?"}
        assert all("?" not in t for ts in labels(svg, "data").values() for t in ts)
    for root, svg in zip(roots, graphs(key_text)):
        order = topological_order(root)
        root.backward()
        for i, texts in labels(svg, "grad").items():
            assert texts == {format_number(order[i].grad) if order[i].grad != 0 else "0"}
        for v in order:
            v.grad = 0.0
    assert "The backward pass, step by step" in key_text
    assert "The backward pass" not in sheet_text
    assert [[v.grad for v in topological_order(r)] for r in roots] == before


def test_a_reused_value_gets_a_blank_for_each_share_and_for_the_sum(tmp_path: Path) -> None:
    x, y = Value(-1.5, label="x"), Value(-2.0, label="y")
    loss = x * (x * y)
    loss.label = "L"
    sheet = graphs(viz.worksheet(loss, tmp_path / "sheet.html").read_text("utf-8"))[0]
    key = graphs(viz.worksheet(loss, tmp_path / "key.html", answers=True).read_text("utf-8"))[0]
    assert labels(sheet, "share") == {0: {"?"}}  # x's two arrows
    assert len([t for t in sheet.iter() if t.get("data-kind") == "share"]) == 2
    assert labels(sheet, "total") == {0: {"x.grad = ? + ? = ?"}}
    order = topological_order(loss)
    loss.backward()
    for t in key.iter():
        if t.get("data-kind") == "share":  # ∂L/∂user · ∂user/∂x, from the engine's partials
            user, k = order[int(t.get("data-to", "-1"))], int(t.get("data-operand", "-1"))
            assert float(t.text or "") == pytest.approx(user.grad * local_partials(user)[k])
    (total,) = labels(key, "total")[0]
    assert total == f"x.grad = 3 + 3 = {ag.format_number(x.grad)}"


def test_same_seed_same_sheet(tmp_path: Path) -> None:
    def sheet(name: str, seed: int) -> bytes:
        roots = [random_expression(d, seed=seed) for d in (2, 4)]
        return viz.worksheet(roots, tmp_path / name).read_bytes()

    assert sheet("a", 3) == sheet("b", 3)
    assert sheet("c", 3) != sheet("d", 4)


def test_key_table_has_the_gradients_and_the_sheet_leaves_them_blank(tmp_path: Path) -> None:
    x, y = Value(3.0, label="x"), Value(-2.0, label="y")
    L = x * y + x
    L.label = "L"
    key = viz.worksheet(L, tmp_path / "k.html", answers=True).read_text("utf-8")
    sheet = viz.worksheet(L, tmp_path / "s.html").read_text("utf-8")
    grads = ag.gradients(L, [x, y, L.parents[0], L])  # the table's rows, in order
    shown = re.findall(r'<td class="cr-blank">([^<]*)</td>', key)
    assert shown == [ag.format_number(g) for g in grads] == ["-1", "3", "1", "1"]
    assert set(re.findall(r'<td class="cr-blank">([^<]*)</td>', sheet)) == {""}


@pytest.mark.parametrize(
    ("roots", "error", "words"),
    [
        (3.0, TypeError, "roots must be an autograd.Value or a sequence"),
        ([], ValueError, "roots is empty"),
        ([Value(1.0), "x"], TypeError, r"roots\[1\] must be an autograd\.Value"),
    ],
)
def test_bad_roots_are_named(tmp_path: Path, roots: object, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        viz.worksheet(roots, tmp_path / "w.html")  # type: ignore[arg-type]


def test_bad_options_are_named(tmp_path: Path) -> None:
    L = random_expression(1, seed=0)
    with pytest.raises(TypeError, match="answers must be True or False"):
        viz.worksheet(L, tmp_path / "w.html", answers="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="precision must be a whole number"):
        viz.worksheet(L, tmp_path / "w.html", precision=0)
    with pytest.raises(TypeError, match="path must be a str"):
        viz.worksheet(L, 3)  # type: ignore[arg-type]
