"""How wide a line of Helvetica is, in points: to reserve room that text will need later.

Graphviz sizes every node to its text; a drawing that should not move between
the frames of an animation reserves the width of its widest future text.
Widths are Helvetica's (its AFM metrics, per 1000 em); other characters count
as 0.6 em.
"""

from __future__ import annotations

_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556"
    " 556 556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667"
    " 556 833 722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556"
    " 556 500 556 556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722"
    " 500 500 500 334 260 334 584"
)
WIDTHS = {chr(32 + k): int(w) / 1000 for k, w in enumerate(_ASCII.split())}
WIDTHS.update({"∂": 0.49, "→": 1.0, "×": 0.584, "…": 1.0, "·": 0.278, "‖": 0.4, "−": 0.584})
OTHER = 0.6


def width(line: str, size: float) -> float:
    """The width of ``line`` set in Helvetica at ``size`` points."""
    return size * sum(WIDTHS.get(c, OTHER) for c in line)
