"""Losses against numpy, through gradcheck, in scalar and batched form; bad labels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd
import nn
from autograd import Value

S = np.array([0.3, -1.7, 2.2, -0.4, 0.9])  # scores away from every kink (|1 - y·s| > 0.1)
Y_PM = np.array([1.0, -1.0, 1.0, 1.0, -1.0])
Y_01 = (Y_PM > 0).astype(float)


def np_softplus(z: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, z)


def test_mse_matches_numpy_scalar_and_batched() -> None:
    t = np.array([0.0, 1.0, -2.0, 0.5, 3.0])
    expected = np.mean((S - t) ** 2)
    assert nn.mse(Value(S), t).data == pytest.approx(expected)
    assert nn.mse([Value(s) for s in S], t).data == pytest.approx(expected)
    assert nn.mse(Value(2.0), 0.5).data == 2.25


def test_multi_output_mse_in_both_modes() -> None:
    P = np.array([[0.1, 0.2], [0.3, -0.4], [1.0, 2.0]])
    T = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    expected = np.mean((P - T) ** 2)
    batched = [Value(P[:, 0]), Value(P[:, 1])]
    scalar = [[Value(v) for v in row] for row in P]
    assert nn.mse(batched, T).data == pytest.approx(expected)
    assert nn.mse(scalar, T).data == pytest.approx(expected)


def test_hinge_matches_numpy() -> None:
    expected = np.mean(np.maximum(0.0, 1 - Y_PM * S))
    assert nn.hinge(Value(S), Y_PM).data == pytest.approx(expected)
    assert nn.hinge([Value(s) for s in S], Y_PM).data == pytest.approx(expected)
    assert nn.hinge.accuracy(Value(S), Y_PM) == np.mean(np.sign(S) == Y_PM)


def test_binary_cross_entropy_matches_numpy_and_is_stable() -> None:
    sig = 1 / (1 + np.exp(-S))
    expected = -np.mean(Y_01 * np.log(sig) + (1 - Y_01) * np.log(1 - sig))
    assert nn.binary_cross_entropy(Value(S), Y_01).data == pytest.approx(expected)
    z = np.array([800.0, -800.0, 750.0, -1000.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    loss = nn.binary_cross_entropy(Value(z), y)
    assert loss.data == pytest.approx((0 + 0 + 750 + 1000) / 4)
    leaf = Value(z)
    nn.binary_cross_entropy(leaf, y).backward()
    assert np.allclose(leaf.grad, (np.array([1.0, 0.0, 1.0, 0.0]) - y) / 4)
    one = Value(-710.0)
    nn.binary_cross_entropy(one, 1.0).backward()
    assert one.grad == pytest.approx(-1.0)


def test_cross_entropy_matches_numpy_and_is_stable() -> None:
    Z = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0], [0.2, 0.1, -0.3], [2.0, 2.0, 2.0]])
    c = np.array([1, 2, 0, 1])
    logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    expected = -np.mean(logp[np.arange(4), c])
    batched = [Value(Z[:, j]) for j in range(3)]
    assert nn.cross_entropy(batched, c).data == pytest.approx(expected)
    assert nn.cross_entropy([[Value(v) for v in r] for r in Z], c).data == pytest.approx(expected)
    assert nn.cross_entropy([Value(v) for v in Z[0]], 1).data == pytest.approx(-logp[0, 1])
    assert nn.cross_entropy.accuracy(batched, c) == 0.75
    big = [Value(1000.0), Value(0.0), Value(-1000.0)]
    assert nn.cross_entropy(big, 1).data == pytest.approx(1000.0)
    assert nn.cross_entropy(big, 0).data == pytest.approx(0.0)


def test_l2_penalty_value_and_gradient() -> None:
    ps = [Value(1.0), Value(-2.0), Value(0.5)]
    pen = nn.l2_penalty(ps, 0.1)
    assert pen.data == pytest.approx(0.1 * 5.25)
    pen.backward()
    assert [p.grad for p in ps] == pytest.approx([0.2, -0.4, 0.1])
    model = nn.MLP(2, [2, 1], seed=0)
    assert nn.l2_penalty(model).data == pytest.approx(sum(p.data**2 for p in model.parameters()))


@pytest.mark.parametrize(
    ("loss", "target"),
    [(nn.mse, S[::-1].copy()), (nn.hinge, Y_PM), (nn.binary_cross_entropy, Y_01)],
)
def test_elementwise_losses_pass_gradcheck(loss: nn.Loss, target: np.ndarray) -> None:
    assert autograd.gradcheck(lambda s: loss(s, target), S)
    assert autograd.gradcheck(lambda *s: loss(list(s), target), *S)


def test_cross_entropy_passes_gradcheck() -> None:
    Z = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0], [0.2, 0.1, -0.3]])
    c = np.array([1, 2, 0])
    assert autograd.gradcheck(lambda a, b, d: nn.cross_entropy([a, b, d], c), *Z.T)
    assert autograd.gradcheck(lambda a, b, d: nn.cross_entropy([a, b, d], 2), 0.3, -0.2, 1.5)


def test_l2_penalty_passes_gradcheck() -> None:
    assert autograd.gradcheck(lambda a, b: nn.l2_penalty([a, b], 0.3), 0.7, -1.2)


@pytest.mark.parametrize(
    ("loss", "pred", "target", "message"),
    [
        (nn.hinge, Value(S), Y_01, r"hinge: labels must be -1 or \+1, got 0.0"),
        (nn.binary_cross_entropy, Value(S), Y_PM, r"in \[0, 1\].*-1.0"),
        (nn.cross_entropy, [Value(1.0), Value(2.0)], 2, r"0 … 1"),
        (nn.cross_entropy, [Value(1.0), Value(2.0)], 0.5, "integer"),
        (nn.mse, Value(S), np.array([1.0, np.nan, 0, 0, 0]), "NaN"),
        (nn.mse, Value(S), np.ones(4), "shape"),
        (nn.mse, [Value(1.0)] * 3, np.ones(2), "3 outputs need 3 targets"),
        (nn.mse, Value(S), np.array([]), "empty"),
        (nn.mse, Value(S), np.array(["a"] * 5), "numbers"),
        (nn.cross_entropy, Value(1.0), 0, "list of logits"),
    ],
)
def test_bad_targets_are_clear_errors(loss, pred, target, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((ValueError, TypeError), match=message):
        loss(pred, target)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-50, 50)),
    st.data(),
)
def test_batched_equals_scalar_for_every_loss(z: np.ndarray, data: st.DataObject) -> None:
    y01 = np.array(
        data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=len(z), max_size=len(z)))
    )
    for loss, y in ((nn.mse, y01), (nn.hinge, 2 * y01 - 1), (nn.binary_cross_entropy, y01)):
        batched = loss(Value(z), y).data
        scalar = loss([Value(float(v)) for v in z], y).data
        assert batched == pytest.approx(scalar, rel=1e-12, abs=1e-12)


def test_cross_entropy_accuracy_in_every_output_form() -> None:
    """Argmax of the logits against integer labels: batched, samples × logits and one sample."""
    Z = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0], [0.2, 0.1, -0.3], [2.0, 2.0, 2.0]])
    c = np.array([1, 2, 0, 1])
    assert nn.cross_entropy.has_accuracy
    assert nn.cross_entropy.accuracy([Value(Z[:, j]) for j in range(3)], c) == 0.75
    assert nn.cross_entropy.accuracy([[Value(v) for v in r] for r in Z], c) == 0.75
    assert nn.cross_entropy.accuracy([[Value(v) for v in r] for r in Z], c.tolist()) == 0.75
    assert nn.cross_entropy.accuracy([Value(v) for v in Z[1]], 2) == 1.0
    assert nn.cross_entropy.accuracy([Value(v) for v in Z[1]], 0) == 0.0
