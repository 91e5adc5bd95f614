"""The explain surface: what every view (stepper text, drawings, pages, worksheets) asks the
engine, in one public module. ``viz`` imports only from here and from :mod:`autograd`.

* Local derivatives: :func:`local_partials` (``∂node/∂parent`` from the op table) and
  :func:`partial_formula` (the same as text, ``z`` for ``∂(q*z)/∂q``); :func:`reduce_to`
  (a batch-shaped contribution summed into a single number).
* How a node is computed: :func:`expression` (``q * z``, ``tanh(v1)``) and
  :func:`operand` (``(-0.5)`` inside an expression).
* Names and numbers: :func:`names`, :func:`format_number`, :data:`DEFAULT_PRECISION`,
  :func:`check_precision`, and :func:`visible` (control characters shown as escapes).
* Gradient shares along edges: :func:`shares`, :func:`sum_text`, :data:`MAX_TERMS`.
* Forward mode: :func:`tangents`, the sweep :func:`autograd.jvp` runs.
* The op table as JavaScript, for pages that recompute a graph: :func:`javascript`
  (a :class:`Script`;
  :class:`NotTranslatable` when an op has no JS form).
* Layers (Figure 9.3): :class:`Stage` and :class:`Vector` of a :class:`autograd.LayerGraph`,
  :data:`LEAVES`, :func:`cut` and :func:`default_depth` (which groups make the boxes), and
  how vectors and matrices print: :func:`format_vector`, :func:`format_matrix`,
  :func:`elide`, :func:`fits`, :func:`norm`, :func:`shape`.
* Compiled code: :func:`source_of` (what :func:`autograd.compile` generates for a function).
* What a gradient means: :func:`nudge` (:class:`NudgeTable` of :class:`NudgeRow`) and
  :func:`reevaluate` and :func:`replayed`, the forward pass replayed for new leaf data
  (data only, or a recorded copy of the graph).
"""

from autograd.backward import local_partials, reduce_to
from autograd.compiler import source_of
from autograd.javascript import NotTranslatable, Script
from autograd.javascript import script as javascript
from autograd.layered import LEAVES, Stage, Vector, cut, default_depth
from autograd.naming import (
    DEFAULT_PRECISION,
    check_precision,
    format_number,
    names,
    operand,
    visible,
)
from autograd.nudging import NudgeRow, NudgeTable, nudge
from autograd.replay import reevaluate, replayed
from autograd.shares import MAX_TERMS, shares, sum_text
from autograd.stepping import expression, partial_formula
from autograd.tangents import tangents
from autograd.vectors import elide, fits, format_matrix, format_vector, norm, shape

__all__ = [
    "DEFAULT_PRECISION",
    "LEAVES",
    "MAX_TERMS",
    "NotTranslatable",
    "NudgeRow",
    "NudgeTable",
    "Script",
    "Stage",
    "Vector",
    "check_precision",
    "cut",
    "default_depth",
    "elide",
    "expression",
    "fits",
    "format_matrix",
    "format_number",
    "format_vector",
    "javascript",
    "local_partials",
    "names",
    "norm",
    "nudge",
    "operand",
    "partial_formula",
    "reduce_to",
    "reevaluate",
    "replayed",
    "shape",
    "shares",
    "source_of",
    "sum_text",
    "tangents",
    "visible",
]
