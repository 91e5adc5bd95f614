"""The public hypothesis strategies draw what they promise."""

from hypothesis import given
from hypothesis import strategies as st

from autograd import ops
from autograd.testing import KINK_MARGIN, expressions, op_inputs, op_instances, safe_intervals


@given(op_instances().flatmap(lambda op: st.tuples(st.just(op), op_inputs(op))))
def test_op_inputs_stay_in_the_safe_domain(pair):
    op, inputs = pair
    expected = 2 if op.kind is ops.WITH_CONSTANT else op.arity or len(inputs)  # + constant; n-ary
    assert len(inputs) == expected
    for i, x in enumerate(inputs):
        assert any(lo <= x <= hi for lo, hi in safe_intervals(op, i))
        assert all(abs(x - k) >= KINK_MARGIN for k in op.kinks)


@given(expressions(max_nodes=5))
def test_expressions_evaluate_to_finite_values(expr):
    import math

    from autograd import Value

    out = expr(*(Value(x) for x in expr.inputs))
    assert math.isfinite(out.data)
    assert 1 <= len(expr.ops) <= 5
    assert "Expression(" in repr(expr)


def test_every_table_entry_has_a_nonempty_safe_domain():
    for op in ops.table():
        for position in range(len(op.sample)):
            assert safe_intervals(op, position), op.name
        assert op.doc and ";" in op.doc, f"{op.name} needs its formula in doc"
