"""Mode switches as decorators (bare and called, generator functions too)."""

from __future__ import annotations

from collections.abc import Iterator

import autograd as ag
from autograd import Value


def test_no_grad_as_a_bare_and_a_called_decorator() -> None:
    @ag.no_grad
    def bare(x: Value) -> Value:
        return x * 2.0

    @ag.no_grad()
    def called(x: Value) -> Value:
        return x * 2.0

    x = Value(1.0)
    assert bare(x).is_leaf and called(x).is_leaf
    assert not (x * 2.0).is_leaf
    assert bare.__name__ == "bare"


def test_enable_grad_decorator_records_inside_no_grad() -> None:
    @ag.enable_grad
    def record(x: Value) -> Value:
        return x * 2.0

    with ag.no_grad():
        assert not record(Value(1.0)).is_leaf
        assert ag.is_grad_enabled() is False


def test_a_decorated_generator_runs_each_resume_under_the_mode() -> None:
    @ag.no_grad()
    def gen(x: Value) -> Iterator[bool]:
        for _ in range(3):
            yield ag.is_grad_enabled()
            _ = x * 1.0

    seen = []
    for enabled in gen(Value(1.0)):
        seen.append(enabled)
        seen.append(ag.is_grad_enabled())  # the caller's own mode between resumes
    assert seen == [False, True] * 3


def test_a_decorated_generator_passes_send_throw_and_return() -> None:
    @ag.no_grad
    def echo() -> Iterator[object]:
        received = yield "ready"
        try:
            yield (received, ag.is_grad_enabled())
        except KeyError:
            yield ("caught", ag.is_grad_enabled())
        return "done"

    g = echo()
    assert next(g) == "ready"
    assert g.send(5) == (5, False)
    assert g.throw(KeyError("k")) == ("caught", False)
    try:
        next(g)
    except StopIteration as stop:
        assert stop.value == "done"
    else:  # pragma: no cover
        raise AssertionError("the generator should have finished")


def test_node_group_as_a_decorator_stamps_nodes_made_inside() -> None:
    @ag.node_group("encoder")
    def encode(x: Value) -> Value:
        return x.tanh()

    assert encode(Value(0.5)).group == "encoder"
    assert (Value(0.5) * 1.0).group == ""


def test_detect_anomaly_as_a_decorator() -> None:
    @ag.detect_anomaly
    def check() -> bool:
        return ag.is_anomaly_enabled()

    assert check() is True and ag.is_anomaly_enabled() is False


def test_a_decorated_generator_keeps_its_own_blocks_and_never_leaks_its_mode() -> None:
    @ag.no_grad
    def gen() -> Iterator[bool]:
        with ag.enable_grad():
            yield ag.is_grad_enabled()
            yield ag.is_grad_enabled()

    g = gen()
    seen = [next(g), ag.is_grad_enabled(), next(g), ag.is_grad_enabled()]
    assert seen == [True, True, True, True]
    assert not (Value(1.0) * 2.0).is_leaf  # the caller records while the generator is paused


def test_a_group_decorated_generator_does_not_stamp_the_callers_nodes() -> None:
    @ag.node_group("encoder")
    def gen() -> Iterator[str]:
        with ag.node_group("inner"):
            yield (Value(1.0) * 2.0).group

    g = gen()
    assert next(g) == "encoder.inner"
    assert (Value(1.0) * 2.0).group == ""


def test_async_functions_are_refused_as_decorated() -> None:
    import pytest

    with pytest.raises(TypeError, match="is async"):

        @ag.no_grad
        async def predict() -> None:
            pass


def test_node_group_call_runs_inside_the_group_and_restores_the_outer_one() -> None:
    import pytest

    group = ag.node_group("n0")

    def made_in(x: Value) -> str:
        return (x * 2.0).group

    with ag.node_group("layer"):
        assert group.call(made_in, Value(1.0)) == "layer.n0"
        assert group.call(made_in, Value(1.0)) == "layer.n0"  # the cached pair
        assert (Value(1.0) * 2.0).group == "layer"
    assert group.call(made_in, Value(1.0)) == "n0"  # another enclosing group
    with ag.node_group("other"):
        assert group.call(made_in, Value(1.0)) == "other.n0"
    with pytest.raises(ZeroDivisionError):
        group.call(lambda x: x / 0.0, 1.0)
    assert (Value(1.0) * 2.0).group == ""  # the failed call left its group


def test_node_group_call_each_runs_each_function_in_its_group_and_restores_the_outer_one() -> None:
    import pytest

    def made_in(x: Value) -> str:
        return (x * 2.0).group

    first, second = ag.node_group("n0"), ag.node_group("n1")
    calls = [(first, made_in), (None, made_in), (second, made_in)]
    with ag.node_group("layer"):
        assert ag.node_group.call_each(calls, Value(1.0)) == ["layer.n0", "layer", "layer.n1"]
        assert (Value(1.0) * 2.0).group == "layer"
    assert ag.node_group.call_each(calls, Value(1.0)) == ["n0", "", "n1"]
    with pytest.raises(ZeroDivisionError):
        ag.node_group.call_each([(first, made_in), (second, lambda x: 1.0 / 0.0)], Value(1.0))
    assert (Value(1.0) * 2.0).group == ""  # the failed call left its group
