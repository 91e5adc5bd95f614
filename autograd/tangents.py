"""Forward mode: one sweep in topological order carrying ``∂node/∂seeds · tangents``.

Each node's tangent is ``Σ ∂node/∂parent · tangent(parent)``, with the partials of the
op table (the ones reverse mode uses). :func:`autograd.jvp` and the drawings' ``∂v/∂x``
labels (``viz.draw(..., tangents_from=x)``) both run this sweep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.backward import local_partials, reduce_to, undefined_derivative
from autograd.data import MATH_ERRORS
from autograd.ops import sum_in_order

if TYPE_CHECKING:
    from autograd.value import Value


def tangents(
    order: Sequence[Value], seeds: Mapping[Value, Any], symbolic: bool = False
) -> dict[Value, Any]:
    """The tangent of every node of ``order`` (topological) that depends on a seed.

    ``seeds`` maps nodes to their tangents (for ∂·/∂x: ``{x: 1.0}``); a seed keeps its
    own tangent, and a node no seed reaches is left out (its tangent is 0). With
    ``symbolic=True`` the tangents are graph nodes (to differentiate them again).
    An undefined partial (``sqrt`` at 0) raises :class:`autograd.DomainError`.
    """
    tangent: dict[Value, Any] = dict(seeds)
    with np.errstate(divide="raise", invalid="raise", over="ignore", under="ignore"):
        for node in order:
            if node.is_leaf or node in seeds or not any(p in tangent for p in node.parents):
                continue  # nothing flows into it from the seeds
            try:
                partials = local_partials(node, symbolic=symbolic)
            except MATH_ERRORS as exc:
                raise undefined_derivative(node, exc) from None
            terms = [d * tangent[p] for p, d in zip(node.parents, partials) if p in tangent]
            total = terms[0] if len(terms) == 1 else sum_in_order(terms)
            tangent[node] = reduce_to(node.data, total)
    return tangent
