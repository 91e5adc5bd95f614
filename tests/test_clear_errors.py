"""Rough edges a new user hit, each now a clear message: saving onto a folder, a word given
to ``format_number``, a network too big to build, and the step repr's wording."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd
import nn
import viz
from autograd import Backprop, Value


def expression() -> Value:
    x, y = Value(2.0, label="x"), Value(-3.0, label="y")
    f = x * y + x
    f.label = "f"
    f.backward()
    return f


SAVERS = {
    "stepper page": lambda path: viz.stepper(expression()).save(path),
    "worksheet": lambda path: viz.worksheet(expression(), path),
    "comparison": lambda path: viz.compare_backprop(
        viz.bug_example("backward_twice"), "backward_twice"
    ).save(path),
    "drawing": lambda path: viz.draw(expression()).save(path, format="svg"),
    "render": lambda path: viz.render(expression(), path),
    "animation": lambda path: viz.animate_backprop(expression(), path),
}


@pytest.mark.parametrize("what", SAVERS)
def test_saving_onto_a_folder_is_refused(what: str, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match=f"{folder} is a folder: give a file name"):
        SAVERS[what](folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing written beside it
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("what", ["stepper page", "worksheet", "render"])
def test_a_path_without_suffix_still_gets_one(what: str, tmp_path: Path) -> None:
    written = SAVERS[what](tmp_path / "new")
    assert written.parent == tmp_path and written.suffix in (".html", ".svg")
    assert written.is_file()


@pytest.mark.parametrize("bad", ["x", "3.5", b"1", None, 1 + 2j, [1.0, 2.0], object()])
def test_format_number_names_what_it_got(bad: Any) -> None:
    with pytest.raises(TypeError, match="format_number needs a number, an array or a Value"):
        autograd.format_number(bad)


def test_format_number_takes_numbers_arrays_and_values() -> None:
    assert autograd.format_number(np.float32(0.5)) == "0.5"
    assert autograd.format_number(Value(-0.25)) == "-0.25"
    assert autograd.format_number(np.array([2.0])) == "2"


def test_a_network_too_big_is_refused_before_it_is_built() -> None:
    with pytest.raises(ValueError) as caught:
        nn.MLP(2, [10**5, 10**5])
    message = str(caught.value)
    count = (2 + 1) * 10**5 + (10**5 + 1) * 10**5
    assert f"MLP(2, [100000, 100000]) would have {count:,} parameters" in message
    assert f"over the limit of {nn.module.MAX_PARAMETERS:,}" in message
    assert f"max_parameters={count}" in message
    with pytest.raises(ValueError, match=r"Layer\(1000, 2000\) would have 2,002,000 parameters"):
        nn.Layer(1000, 2000)
    with pytest.raises(ValueError, match=r"Neuron\(2000000\) would have 2,000,001 parameters"):
        nn.Neuron(2_000_000)


def test_the_limit_can_be_raised_or_lowered() -> None:
    small = nn.MLP(3, [4, 1], max_parameters=(3 + 1) * 4 + (4 + 1) * 1)
    assert len(small.parameters()) == 21
    with pytest.raises(ValueError, match="would have 21 parameters, over the limit of 20"):
        nn.MLP(3, [4, 1], max_parameters=20)
    with pytest.raises(TypeError, match="max_parameters must be a positive int"):
        nn.MLP(3, [4, 1], max_parameters=2.5)  # type: ignore[arg-type]


def test_the_step_repr_agrees_in_number() -> None:
    x = Value(2.0, label="x")
    one = Backprop(x.tanh()).step()
    two = Backprop(x * Value(3.0)).step()
    assert repr(one).endswith("; 1 chain-rule product>")
    assert repr(two).endswith("; 2 chain-rule products>")
