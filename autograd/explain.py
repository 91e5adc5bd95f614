"""The explain surface: what every view (stepper text, drawings, pages, worksheets) asks the
engine, in one public module. ``viz`` imports only from here and from :mod:`autograd`.

* Local derivatives: :func:`local_partials` (``∂node/∂parent`` from the op table) and
  :func:`partial_formula` (the same as text, ``z`` for ``∂(q*z)/∂q``); :func:`reduce_to`
  (a batch-shaped contribution summed into a single number).
* How a node is computed: :func:`expression` (``q * z``, ``tanh(v1)``) and
  :func:`operand` (``(-0.5)`` inside an expression).
* Names and numbers: :func:`names`, :func:`format_number`, :data:`DEFAULT_PRECISION`,
  :func:`check_precision`.
* Gradient shares along edges: :func:`shares`, :func:`sum_text`, :data:`MAX_TERMS`.
* Forward mode: :func:`tangents`, the sweep :func:`autograd.jvp` runs.
* The op table as JavaScript, for pages that recompute a graph: :func:`javascript`
  (a :class:`Script`;
  :class:`NotTranslatable` when an op has no JS form).
* What a gradient means: :func:`nudge` (:class:`NudgeTable` of :class:`NudgeRow`) and
  :func:`reevaluate` and :func:`replayed`, the forward pass replayed for new leaf data
  (data only, or a recorded copy of the graph).
"""

from autograd.backward import local_partials, reduce_to
from autograd.javascript import NotTranslatable, Script
from autograd.javascript import script as javascript
from autograd.naming import DEFAULT_PRECISION, check_precision, format_number, names, operand
from autograd.nudging import NudgeRow, NudgeTable, nudge
from autograd.replay import reevaluate, replayed
from autograd.shares import MAX_TERMS, shares, sum_text
from autograd.stepping import expression, partial_formula
from autograd.tangents import tangents

__all__ = [
    "DEFAULT_PRECISION",
    "MAX_TERMS",
    "NotTranslatable",
    "NudgeRow",
    "NudgeTable",
    "Script",
    "check_precision",
    "expression",
    "format_number",
    "javascript",
    "local_partials",
    "names",
    "nudge",
    "operand",
    "partial_formula",
    "reduce_to",
    "reevaluate",
    "replayed",
    "shares",
    "sum_text",
    "tangents",
]
