"""Optimizers: SGD (momentum, weight decay), Adam, schedules, against hand/numpy updates."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Value


def quadratic_grads(ps: list[Value]) -> None:
    """Set grads of f = Σ (i+1)·p_i² / 2, i.e. ∂f/∂p_i = (i+1)·p_i."""
    for i, p in enumerate(ps):
        p.grad = (i + 1) * p.data


def test_plain_sgd_by_hand() -> None:
    p = Value(1.0)
    opt = nn.SGD([p], lr=0.1)
    p.grad = 2.0
    opt.step()
    assert p.data == pytest.approx(0.8)
    opt.zero_grad()
    assert p.grad == 0.0


def test_sgd_momentum_and_weight_decay_match_a_numpy_reference() -> None:
    ps = [Value(1.0), Value(-2.0)]
    opt = nn.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01)
    x, v = np.array([1.0, -2.0]), None
    for _ in range(5):
        quadratic_grads(ps)
        opt.step()
        g = np.array([1.0, 2.0]) * x + 0.01 * x
        v = g if v is None else 0.9 * v + g
        x = x - 0.05 * v
    assert [p.data for p in ps] == pytest.approx(list(x), rel=1e-12)


def test_adam_matches_a_numpy_reference_and_the_first_step_is_lr_sized() -> None:
    ps = [Value(1.0), Value(-2.0)]
    opt = nn.Adam(ps, lr=0.1, betas=(0.8, 0.99), eps=1e-8)
    quadratic_grads(ps)
    opt.step()
    # the first Adam step moves each parameter by lr·sign(grad) (up to eps)
    assert [p.data for p in ps] == pytest.approx([0.9, -1.9], rel=1e-7)
    x = np.array([1.0, -2.0])
    m = v = np.zeros(2)
    for t in range(1, 6):
        g = np.array([1.0, 2.0]) * x
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        x = x - 0.1 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
        if t > 1:
            quadratic_grads(ps)
            opt.step()
    assert [p.data for p in ps] == pytest.approx(list(x), rel=1e-12)


def test_learning_rate_schedule_gets_the_step_number() -> None:
    p = Value(0.0)
    seen: list[int] = []

    def lr(k: int) -> float:
        seen.append(k)
        return 1.0 - 0.9 * k / 100

    opt = nn.SGD([p], lr=lr)
    for _ in range(3):
        p.grad = 1.0
        opt.step()
    assert seen == [0, 1, 2]
    assert p.data == pytest.approx(-(1.0 + 0.991 + 0.982))


def test_optimizers_converge_on_a_quadratic() -> None:
    for make in (lambda ps: nn.SGD(ps, lr=0.1, momentum=0.5), lambda ps: nn.Adam(ps, lr=0.05)):
        ps = [Value(3.0), Value(-1.5)]
        opt = make(ps)
        for _ in range(500):
            quadratic_grads(ps)
            opt.step()
        assert max(abs(p.data) for p in ps) < 1e-3


def test_a_nan_gradient_raises_before_any_update() -> None:
    ps = [Value(1.0), Value(2.0)]
    opt = nn.SGD(ps, lr=0.1)
    ps[0].grad, ps[1].grad = 1.0, math.nan
    with pytest.raises(ValueError, match=r"gradient .* nan"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0] and opt.steps == 0


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: nn.SGD([], lr=0.1), ValueError),
        (lambda: nn.SGD([Value(1.0)], lr=-1.0), ValueError),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, momentum=1.0), ValueError),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, weight_decay=-0.1), ValueError),
        (lambda: nn.SGD([1.0], lr=0.1), TypeError),  # type: ignore[list-item]
        (lambda: nn.Adam([Value(1.0)], betas=(0.9, 1.0)), ValueError),
        (lambda: nn.Adam([Value(1.0)], eps=0.0), ValueError),
        (lambda: nn.Adam([Value(1.0)], lr="fast"), TypeError),  # type: ignore[arg-type]
    ],
)
def test_bad_optimizer_settings(make, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        make()


def test_optimizer_accepts_a_module() -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    assert nn.SGD(model, lr=0.1).params == model.parameters()


@pytest.mark.parametrize(
    ("schedule", "error", "message"),
    [
        (lambda k: -1.0, ValueError, r"lr\(2\) = -1\.0 at step 2"),
        (lambda k: 0.0, ValueError, r"lr\(2\) = 0\.0 at step 2"),
        (lambda k: 0, ValueError, r"lr\(2\) = 0 at step 2"),
        (lambda k: math.nan, ValueError, r"lr\(2\) = nan at step 2"),
        (lambda k: math.inf, ValueError, r"lr\(2\) = inf at step 2"),
        (lambda k: "fast", TypeError, r"lr\(2\) = 'fast' at step 2"),
        (lambda k: None, TypeError, r"lr\(2\) = None at step 2"),
        (lambda k: True, TypeError, r"lr\(2\) = True at step 2"),
    ],
)
@pytest.mark.parametrize("kind", [nn.SGD, nn.Adam])
def test_a_bad_scheduled_learning_rate_raises_before_any_update(  # type: ignore[no-untyped-def]
    kind, schedule, error, message
) -> None:
    """The schedule is fine for two steps, then gives a bad rate: the third step changes nothing."""
    ps = [Value(1.0), Value(2.0)]
    opt = kind(ps, lr=lambda k: 0.1 if k < 2 else schedule(k))
    for _ in range(2):
        quadratic_grads(ps)
        opt.step()
    before, moments = [p.data for p in ps], list(getattr(opt, "m", []))
    quadratic_grads(ps)
    with pytest.raises(error, match=message):
        opt.step()
    assert [p.data for p in ps] == before and opt.steps == 2
    assert list(getattr(opt, "m", [])) == moments  # Adam's moments did not advance either


def test_a_parameter_given_twice_is_rejected() -> None:
    """A repeated parameter would be updated twice per step."""
    w, b, u = Value(1.0, label="w"), Value(0.0, label="b"), Value(2.0)
    with pytest.raises(ValueError, match=r"parameter 'w' is given twice \(#0 and #2\)"):
        nn.SGD([w, b, w], lr=0.1)
    with pytest.raises(ValueError, match=r"parameter #1 is given twice \(#1 and #2\)"):
        nn.Adam([w, u, u], lr=0.1)
    model = nn.MLP(2, [1], seed=0)
    neuron = model.layers[0].neurons[0]
    neuron.w[1] = neuron.w[0]  # shared weight
    message = r"'layers.0.neurons.0.w.0' is given twice \(#0 and #1, also named '[\w.]+w.1'"
    with pytest.raises(ValueError, match=message):
        nn.SGD(model, lr=0.1)
