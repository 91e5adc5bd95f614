"""Bad input gets a clear exception naming the op, the operand and why."""

import numpy as np
import pytest

import autograd as ag
from autograd import AnomalyError, DomainError, Value


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("3", ["str", "float('3')"]),
        (None, ["NoneType"]),
        (1 + 2j, ["complex"]),
        ([1.0, 2.0], ["list", "one Value per element"]),
        (np.array([1 + 1j]), ["complex"]),
        (np.array(["a"]), ["dtype"]),
    ],
)
def test_bad_data_is_a_type_error(data, words):
    with pytest.raises(TypeError) as info:
        Value(data)
    for word in words:
        assert word in str(info.value)


def test_bad_label_and_bad_operand():
    with pytest.raises(TypeError, match="label must be a str"):
        Value(1.0, label=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="operand"):
        Value(1.0) + "2"  # type: ignore[operator]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda x: x.log(), ["log", "x=0.0", "a > 0"]),
        (lambda x: (x - 1).log(), ["log", "-1.0", "a > 0"]),
        (lambda x: (x + 1) / 0, ["div", "division by zero", "b ≠ 0"]),
        (lambda x: x**-1, ["pow", "x=0.0", "division by zero"]),
        (lambda x: (x - 8) ** (1 / 3), ["pow", "-8.0", "negative base"]),
        (lambda x: (x + 1000).exp(), ["exp", "1000.0", "too large"]),
        (lambda x: (x - 1).sqrt(), ["sqrt", "-1.0", "a ≥ 0"]),
        (lambda x: (x - 2) ** Value(0.5), ["powv", "positive"]),
    ],
)
def test_domain_errors_name_op_operand_and_reason(make, words):
    x = Value(0.0, label="x")
    with pytest.raises(DomainError) as info:
        make(x)
    for word in words:
        assert word in str(info.value)
    assert not isinstance(info.value, AssertionError)


def test_domain_errors_in_batched_mode():
    with pytest.raises(DomainError, match="log"):
        Value(np.array([1.0, -1.0])).log()


def test_backward_through_an_infinite_derivative_is_an_error():
    x = Value(0.0)
    y = x.sqrt()
    with pytest.raises(DomainError, match="backward through sqrt"):
        y.backward()


def test_anomaly_mode_names_op_operands_label_and_site():
    x = Value(1e308, label="big")
    with ag.detect_anomaly(), pytest.raises(AnomalyError) as info:
        x * 10.0
    message = str(info.value)
    assert "mul" in message and "big=1e+308" in message and "inf" in message
    assert "test_engine_errors.py:" in message


def test_anomaly_mode_catches_nan_leaves_and_backward_infinities():
    with ag.detect_anomaly(), pytest.raises(AnomalyError, match="NaN"):
        Value(float("nan"), label="n")
    with ag.detect_anomaly():
        a, b = Value(1e-200, label="a"), Value(1e200, label="b")
        z = (a * b) * 1e200  # every forward value is finite
        with pytest.raises(AnomalyError, match=r"backward pass: the gradient of node 'a'"):
            z.backward()  # ∂z/∂a = 1e200 · 1e200 overflows


def test_without_anomaly_mode_infinities_pass_silently():
    y = Value(1e308) * 10.0
    assert y.data == float("inf")


def test_an_undefined_derivative_raises_for_batches_as_for_numbers():
    x = Value(np.array([0.0, 1.0]))
    y = x.sqrt().batch_sum()
    with pytest.raises(DomainError, match="backward through sqrt"):
        y.backward()


def test_anomaly_message_shows_a_kept_constant():
    with ag.detect_anomaly(), pytest.raises(AnomalyError, match=r"mul\(1e\+200, 1e\+200\)"):
        Value(1e200) * 1e200


def test_gradcheck_needs_a_positive_step():
    with pytest.raises(ValueError, match="positive step"):
        ag.gradcheck(lambda v: v * v, 1.0, eps=0.0)
