"""Modes and backward passes under real threads (tiny switch interval) and async tasks."""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

import autograd as ag
from autograd import Value


@pytest.fixture(autouse=True)
def tiny_switch_interval() -> Iterator[None]:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def run_threads(*targets: Callable[[], None]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guarded(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def test_no_grad_in_one_thread_does_not_stop_recording_in_another() -> None:
    inside = threading.Event()
    leave = threading.Event()
    recorded: list[bool] = []

    def predictor() -> None:
        with ag.no_grad():
            inside.set()
            leave.wait(5)

    def trainer() -> None:
        inside.wait(5)
        x = Value(3.0)
        y = x * x
        recorded.append(not y.is_leaf)
        y.backward()
        recorded.append(x.grad == 6.0)
        leave.set()

    run_threads(predictor, trainer)
    assert recorded == [True, True]
    assert ag.is_grad_enabled()


def test_interleaved_enter_and_exit_in_two_threads_leave_recording_on() -> None:
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with ag.no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def second() -> None:
        a_in.wait(5)
        with ag.no_grad():
            b_in.set()
            a_out.wait(5)

    run_threads(first, second)
    assert ag.is_grad_enabled()
    assert not (Value(1.0) * 2.0).is_leaf


def test_anomaly_mode_of_one_thread_does_not_raise_in_another() -> None:
    inside, leave = threading.Event(), threading.Event()
    results: list[float] = []

    def debugger() -> None:
        with ag.detect_anomaly():
            inside.set()
            leave.wait(5)

    def worker() -> None:
        inside.wait(5)
        results.append((Value(float("inf")) * 0.0).data)  # NaN, no AnomalyError here
        leave.set()

    run_threads(debugger, worker)
    assert len(results) == 1 and results[0] != results[0]


def test_training_with_a_predict_thread_beside_it_learns() -> None:
    """The issue's case: a no_grad predict loop beside training used to stop learning."""
    stop = threading.Event()
    w = Value(0.0, label="w")

    def predict() -> None:
        while not stop.is_set():
            with ag.no_grad():
                _ = w * 2.0

    def train() -> None:
        for _ in range(300):
            loss = (w * 2.0 - 4.0) ** 2
            w.grad = 0.0
            loss.backward()
            w.data = w.data - 0.05 * w.grad
        stop.set()

    run_threads(predict, train)
    assert w.data == pytest.approx(2.0, abs=1e-6)


def test_four_threads_accumulating_into_one_shared_leaf_lose_no_update() -> None:
    shared = Value(1.0, label="shared")

    def work() -> None:
        for _ in range(2000):
            (shared * 2.0 + shared * 3.0).backward()

    run_threads(*[work] * 4)
    assert shared.grad == 4 * 2000 * 5.0


def test_two_threads_calling_backward_on_one_graph_give_the_sum_of_both() -> None:
    x = Value(2.0, label="x")
    h = x * x
    y = h * 3.0 + h  # dy/dx = 4 * 2x = 16

    def work() -> None:
        for _ in range(200):
            y.backward()

    run_threads(work, work)
    assert x.grad == 2 * 200 * 16.0


def test_modes_are_per_async_task() -> None:
    async def inside_no_grad(started: asyncio.Event, release: asyncio.Event) -> None:
        with ag.no_grad():
            started.set()
            await release.wait()

    async def records(started: asyncio.Event, release: asyncio.Event) -> bool:
        await started.wait()
        recorded = not (Value(1.0) * 2.0).is_leaf
        release.set()
        return recorded

    async def main() -> bool:
        started, release = asyncio.Event(), asyncio.Event()
        _, recorded = await asyncio.gather(
            inside_no_grad(started, release), records(started, release)
        )
        return recorded

    assert asyncio.run(main()) is True


def test_one_node_group_instance_entered_in_many_threads_stamps_each_its_own() -> None:
    group = ag.node_group("layer")
    other = ag.node_group("other")
    seen: list[tuple[str, str]] = []

    def work(outer: ag.node_group, name: str) -> Callable[[], None]:
        def run() -> None:
            for _ in range(300):
                with outer, group:
                    v = Value(1.0) * 2.0
                seen.append((name, v.group))

        return run

    run_threads(work(ag.node_group("a"), "a"), work(other, "other"))
    assert {g for name, g in seen if name == "a"} == {"a.layer"}
    assert {g for name, g in seen if name == "other"} == {"other.layer"}


def test_node_group_call_in_many_threads_stamps_each_its_own() -> None:
    group = ag.node_group("neuron")
    seen: list[tuple[str, str]] = []

    def work(name: str) -> Callable[[], None]:
        outer = ag.node_group(name)

        def run() -> None:
            for _ in range(300):
                with outer:
                    v = group.call(lambda x: x * 2.0, Value(1.0))
                seen.append((name, v.group))

        return run

    run_threads(work("a"), work("b"))
    assert {g for name, g in seen if name == "a"} == {"a.neuron"}
    assert {g for name, g in seen if name == "b"} == {"b.neuron"}


def test_node_group_call_each_in_many_threads_stamps_each_its_own() -> None:
    calls = [(ag.node_group("n0"), lambda x: x * 2.0), (None, lambda x: x * 3.0)]
    seen: list[tuple[str, list[str]]] = []

    def work(name: str) -> Callable[[], None]:
        outer = ag.node_group(name)

        def run() -> None:
            for _ in range(300):
                with outer:
                    out = ag.node_group.call_each(calls, Value(1.0))
                seen.append((name, [v.group for v in out]))

        return run

    run_threads(work("a"), work("b"))
    assert {tuple(g) for name, g in seen if name == "a"} == {("a.n0", "a")}
    assert {tuple(g) for name, g in seen if name == "b"} == {("b.n0", "b")}


def test_one_nn_layer_called_in_many_threads_stamps_each_neuron_its_own_group() -> None:
    import nn

    layer = nn.Layer(2, 3, seed=0)
    seen: list[tuple[str, tuple[str, ...]]] = []

    def work(name: str) -> Callable[[], None]:
        outer = ag.node_group(name)

        def run() -> None:
            for _ in range(200):
                with outer:
                    out = layer([0.5, -1.0])
                seen.append((name, tuple(v.group for v in out)))

        return run

    run_threads(work("a"), work("b"))
    for name in ("a", "b"):
        assert {g for who, g in seen if who == name} == {
            (f"{name}.neurons.0", f"{name}.neurons.1", f"{name}.neurons.2")
        }
