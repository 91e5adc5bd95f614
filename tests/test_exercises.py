"""autograd.exercises.random_expression: seeded, over the op table, harder with difficulty."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from autograd import Backprop, Value, topological_order, wengert_table
from autograd.exercises import random_expression

SEEDS = range(25)


def ops(root: Value) -> set[str]:
    return {v.op_entry.name for v in topological_order(root) if v.op_entry is not None}


def has_reuse(root: Value) -> bool:
    """Some node is used more than once: twice by one op, or by two ops."""
    uses: Counter[int] = Counter()
    for v in topological_order(root):
        for p in v.parents:
            uses[id(p)] += 1
    return any(n > 1 for n in uses.values())


def has_diamond(root: Value) -> bool:
    """Some interior node feeds two different ops (both lead to the output: a diamond)."""
    users: dict[int, set[int]] = {}
    for v in topological_order(root):
        for p in v.parents:
            if not p.is_leaf:
                users.setdefault(id(p), set()).add(id(v))
    return any(len(u) > 1 for u in users.values())


def test_same_seed_same_expression() -> None:
    for difficulty in (1, 3, 5):
        a, b = random_expression(difficulty, 42), random_expression(difficulty, 42)
        assert a is not b
        assert wengert_table(a) == wengert_table(b)
    assert wengert_table(random_expression(3, 1)) != wengert_table(random_expression(3, 2))


def test_difficulty_sets_size_ops_reuse_and_diamonds() -> None:
    sizes = {d: sum(len(topological_order(random_expression(d, s))) for s in SEEDS) for d in (1, 5)}
    assert sizes[1] < sizes[5]
    easy = set().union(*(ops(random_expression(1, s)) for s in SEEDS))
    assert easy == {"add", "mul"}
    hard = set().union(*(ops(random_expression(5, s)) for s in SEEDS))
    assert {"exp", "log", "tanh", "div", "sum", "dot", "powv"} <= hard
    assert not any(has_reuse(random_expression(2, s)) for s in SEEDS)
    assert all(has_reuse(random_expression(3, s)) for s in SEEDS)
    assert all(has_diamond(random_expression(4, s)) for s in SEEDS)
    assert all(has_diamond(random_expression(5, s)) for s in SEEDS)


@pytest.mark.parametrize("difficulty", [1, 2, 3, 4, 5])
def test_numbers_stay_workable_and_gradients_finite(difficulty: int) -> None:
    for seed in SEEDS:
        root = random_expression(difficulty, seed)
        assert root.label == "L"
        order = topological_order(root)
        assert all(abs(v.data) <= 40 for v in order)
        leaves = [v for v in order if v.is_leaf]
        assert leaves and all(v.label for v in leaves)
        for step in Backprop(root):
            assert str(step)
        assert all(math.isfinite(v.grad) for v in order)


def test_size_overrides_the_number_of_ops() -> None:
    root = random_expression(4, seed=0, size=296)
    assert 290 <= len(topological_order(root)) <= 310


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"difficulty": 0}, ValueError, "difficulty must be an int from 1 to 5, got 0"),
        ({"difficulty": 6}, ValueError, "difficulty must be an int from 1 to 5"),
        ({"difficulty": "2"}, TypeError, "difficulty must be an int"),
        ({"difficulty": True}, TypeError, "difficulty must be an int"),
        ({"seed": 1.5}, TypeError, "seed must be an int"),
        ({"size": 0}, ValueError, "size must be a positive int"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, object], error: type, words: str) -> None:
    args: dict[str, object] = {"difficulty": 2, "seed": 0, **kwargs}
    with pytest.raises(error, match=words):
        random_expression(**args)  # type: ignore[arg-type]
