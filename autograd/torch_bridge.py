"""``to_torch``: rebuild a scalar graph as PyTorch operations, to compare gradients::

    out, leaves = autograd.to_torch(f)
    out.backward()
    leaves[x].grad        # PyTorch's ∂f/∂x, to compare with x.grad after f.backward()

PyTorch is optional (``pip install 'chainrule[torch]'``): it is imported only
when a function here is called, never by ``import autograd``. Every op of the
table has one entry in :func:`_functions`; :func:`torch_function` raises for an
op without one, naming it, and the tests check the whole table is covered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache, reduce
from typing import TYPE_CHECKING, Any

from autograd.graph import topological_order
from autograd.ops import WITH_CONSTANT, Op

if TYPE_CHECKING:
    import torch

    from autograd.value import Value

INSTALL_HINT = "pip install 'chainrule[torch]' (or pip install torch)"


def require_torch(what: str) -> Any:
    """The ``torch`` module, or a ModuleNotFoundError saying that ``what`` needs it."""
    try:
        return importlib.import_module("torch")
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"{what} needs PyTorch, which is not installed: {INSTALL_HINT}", name="torch"
        ) from exc


def power_exponent(op: Op) -> float:
    """The n of ``ops.power(n)``: its partial n·aⁿ⁻¹ at a = 1, which is n exactly."""
    return float(op.partials(1.0, 1.0)[0])


def leaky_relu_slope(op: Op) -> float:
    """The α of ``ops.leaky_relu(α)``: its partial at a = -1, which is α exactly."""
    return float(op.partials(-1.0, op.forward(-1.0))[0])


@cache
def _functions() -> dict[str, Callable[..., Any]]:
    """Op name → ``build(op, *tensors)``: the PyTorch operation for that op.

    ``op`` is passed so a family can read its parameter (``pow``, ``leaky_relu``).
    ``sum`` and ``dot`` add term by term in the engine's order, so their forward
    values agree bit for bit; softplus is ``logaddexp(0, a)``, the engine's
    formula (``F.softplus`` switches to the identity past a = 20).
    """
    torch = require_torch("autograd.to_torch")

    def plain(fn: Callable[..., Any]) -> Callable[..., Any]:
        return lambda op, *xs: fn(*xs)

    def dot(op: Op, *xs: Any) -> Any:
        n = len(xs) // 2
        total = reduce(torch.add, map(torch.mul, xs[:n], xs[n : 2 * n]))
        return total + xs[-1] if len(xs) % 2 else total

    return {
        "add": plain(torch.add),
        "mul": plain(torch.mul),
        "div": plain(torch.div),
        "neg": plain(torch.neg),
        "abs": plain(torch.abs),
        "powv": plain(torch.pow),
        "pow": lambda op, a: torch.pow(a, power_exponent(op)),
        "exp": plain(torch.exp),
        "log": plain(torch.log),
        "sqrt": plain(torch.sqrt),
        "tanh": plain(torch.tanh),
        "sigmoid": plain(torch.sigmoid),
        "softplus": plain(lambda a: torch.logaddexp(torch.zeros_like(a), a)),
        "relu": plain(torch.relu),
        "leaky_relu": lambda op, a: torch.nn.functional.leaky_relu(a, leaky_relu_slope(op)),
        "sin": plain(torch.sin),
        "cos": plain(torch.cos),
        "sum": plain(lambda *xs: reduce(torch.add, xs)),
        "dot": dot,
        "identity": plain(torch.clone),
        "batch_mean": plain(torch.mean),
        "batch_sum": plain(torch.sum),
    }


def torch_function(op: Op) -> Callable[..., Any]:
    """``op``'s forward in PyTorch: call it with tensors where ``op.forward`` takes numbers.

    For an op with a kept constant that is ``(input, constant)``, as for
    ``op.forward``; the constant goes in its place (``op.position``) of ``op.base``.
    Raises NotImplementedError naming an op that has no PyTorch counterpart here.
    """
    functions = _functions()
    base = op.base if op.kind is WITH_CONSTANT and op.base is not None else op
    build = functions.get(base.name)
    if build is None:
        raise NotImplementedError(
            f"autograd.to_torch has no PyTorch counterpart for op {base.name!r} "
            f"({op.display('c')}); add one to _functions() in autograd/torch_bridge.py"
        )
    if op.kind is not WITH_CONSTANT:
        return lambda *xs: build(op, *xs)
    if op.position == 1:
        return lambda x, c: build(base, x, c)
    return lambda x, c: build(base, c, x)


def to_torch(root: Value) -> tuple[torch.Tensor, dict[Value, torch.Tensor]]:
    """Rebuild the graph behind ``root`` as PyTorch operations: ``(out, leaves)``.

    ``leaves`` maps every leaf Value of the graph to a float64 tensor with
    ``requires_grad=True`` (0-dim for a number, 1-D for a batch), so that after
    ``out.backward()`` the tensor ``leaves[x].grad`` is PyTorch's ∂f/∂x.

    A root holding a batch gives a 1-D ``out``: ``out.sum().backward()`` matches
    ``f.backward()``. Constants kept on nodes (``x * 3``) become plain tensors.
    Nothing in the chainrule graph changes. Needs PyTorch (ModuleNotFoundError
    otherwise); NotImplementedError names an op with no PyTorch counterpart.
    """
    from autograd.value import Value

    if not isinstance(root, Value):
        raise TypeError(f"autograd.to_torch expects a Value, got {type(root).__name__}")
    torch = require_torch("autograd.to_torch")
    f64 = torch.float64
    order = topological_order(root)
    builders = {op: torch_function(op) for op in {n.op_entry for n in order} if op is not None}
    tensors: dict[Value, Any] = {}
    leaves: dict[Value, Any] = {}
    for node in order:
        op = node.op_entry
        if op is None:
            tensors[node] = leaves[node] = torch.tensor(node.data, dtype=f64, requires_grad=True)
        elif op.kind is WITH_CONSTANT:
            constant = torch.tensor(node.constant, dtype=f64)
            tensors[node] = builders[op](tensors[node.parents[0]], constant)
        else:
            tensors[node] = builders[op](*(tensors[p] for p in node.parents))
    return tensors[root], leaves
