"""User text in generated source: the only two forms it takes there.

Node names (labels, argument paths, dict keys, keyword names) and the function's name
come from the user. In the code ``autograd.compile`` writes, such text is either a
variable, made by :func:`identifier` (``L0.n3.w1`` → ``L0_n3_w1``), or part of a comment
or the docstring, escaped by :func:`escaped` (a newline is ``\\n`` there, so it cannot end
the comment and start a line of code). Nothing else of the user's reaches the source.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from itertools import groupby

RESERVED = frozenset({"np", "math", "inf", "nan", *dir(builtins)})
"""Names the generated code uses itself (or may not assign, ``__debug__``), which a node
may not take."""


def identifier(name: str) -> str:
    """``name`` as a valid Python identifier, readable: dots and other marks become ``_``.

    The result is in NFKC form, as Python reads identifiers (``µ``, U+00B5, is ``μ``,
    U+03BC; ``x²`` is ``x2``), so two different results are two different variables.
    ``L0.n3.w1`` → ``L0_n3_w1`` (a run of such marks is one ``_``); an unlabelled constant
    named by its value reads ``m0_5`` for ``-0.5`` and ``k0_5`` for ``0.5`` (a ``k`` goes
    before what cannot start an identifier); a keyword or builtin gets a ``_`` after it.
    """
    if name.isascii():  # NFKC leaves ASCII as it is: the same rules, at C speed
        return _ascii_identifier(name)
    text = unicodedata.normalize("NFKC", name).strip()
    numeric = text[:1] in ("-", ".") or text[:1].isdigit()
    if numeric:
        text = text.replace("-", "m")
    runs = groupby(text, key=lambda c: ("_" + c).isidentifier())
    text = "".join("".join(run) if ok else "_" for ok, run in runs) or "v"
    if not text[0].isidentifier() or (numeric and text[0] == "_"):
        text = "k" + text
    text = unicodedata.normalize("NFKC", text)
    if not text.isidentifier():  # normalising joined two marks into something else
        text = "k" + "".join(c if c.isascii() and ("_" + c).isidentifier() else "_" for c in text)
    if keyword.iskeyword(text) or text in RESERVED:
        text += "_"
    return text


_NOT_IN_IDENTIFIER = re.compile(r"[^0-9A-Za-z_]+")


def _ascii_identifier(name: str) -> str:
    """:func:`identifier` of an ASCII name."""
    text = name.strip()
    if not text.isidentifier():
        numeric = text[:1] in ("-", ".") or text[:1].isdigit()
        if numeric:
            text = text.replace("-", "m")
        text = _NOT_IN_IDENTIFIER.sub("_", text) or "v"
        if text[0].isdigit() or (numeric and text[0] == "_"):
            text = "k" + text
    if keyword.iskeyword(text) or text in RESERVED:
        text += "_"
    return text


def escaped(text: str) -> str:
    """``text`` for a comment or a docstring: backslashes and unprintable characters escaped.

    Every line break Python or ``str.splitlines`` knows (``\\n``, ``\\r``, ``\\x0b``,
    ``\\x0c``, ``\\x1c``–``\\x1e``, ``\\x85``, U+2028, U+2029), NUL and every other control
    or format character becomes its escape (``\\n``, ``\\x85``, ``\\u2028``), so the text
    stays on its line; printable text (``∂``, ``μ``, quotes) stays as it is.
    """
    if text.isprintable() and "\\" not in text:
        return text
    return "".join(
        c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


class Namer:
    """Hands out identifiers, each one once: a clash gets ``_2``, ``_3`` … appended.

    Clashes are found between normalised names (:func:`identifier`), so two labels that
    Python would read as one variable (``µ`` and ``μ``) get two.
    """

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
