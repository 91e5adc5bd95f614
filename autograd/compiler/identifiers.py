"""Node names as Python identifiers: the one place a name from :func:`autograd.names` is
turned into a variable of the generated code (``L0.n3.w1`` → ``L0_n3_w1``)."""

from __future__ import annotations

import builtins
import keyword
import re

_NOT_WORD = re.compile(r"\W")

RESERVED = frozenset({"np", "math", "inf", "nan", *dir(builtins)})
"""Names the generated code uses itself, which a node may not take."""


def identifier(name: str) -> str:
    """``name`` as a valid Python identifier, readable: dots and other marks become ``_``.

    ``L0.n3.w1`` → ``L0_n3_w1``; a name starting with a digit or a minus (an unlabelled
    constant named by its value, ``-0.5``) gets a ``k`` in front: ``km0_5``.
    """
    text = name.replace("-", "m") if name[:1] in "-0123456789." else name
    text = _NOT_WORD.sub("_", text.strip()) or "v"
    if text[0].isdigit() or (text[0] == "_" and name[:1] in "-0123456789."):
        text = "k" + text
    if keyword.iskeyword(text) or text in RESERVED:
        text += "_"
    return text


class Namer:
    """Hands out identifiers, each one once: a clash gets ``_2``, ``_3`` … appended."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(RESERVED) | (taken or set())

    def claim(self, name: str) -> str:
        """A fresh identifier for ``name`` (a node name, or a prefix such as ``g_v3``)."""
        base = identifier(name)
        text, n = base, 1
        while text in self.taken:
            n += 1
            text = f"{base}_{n}"
        self.taken.add(text)
        return text
