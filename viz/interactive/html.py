"""HTML building blocks shared by the stepper page, worksheets and bug comparisons.

Text goes into markup through :func:`esc` (:func:`html.escape`, control characters
shown as escapes); data goes into a page as
JSON in a ``<script type="application/json">`` block (:func:`json_script`),
never as JavaScript built from strings. A standalone page carries a
Content-Security-Policy that forbids every network request.
"""

from __future__ import annotations

import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from autograd.explain import visible
from viz.files import output_path

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline';"
    " img-src data:; form-action 'none'; base-uri 'none'"
)
"""A saved page loads nothing: inline styles and scripts only, no fetch, no images from afar."""


def asset(name: str) -> str:
    """The text of a file shipped in ``viz/interactive/assets`` (the page's CSS and JavaScript)."""
    return resources.files("viz.interactive").joinpath("assets").joinpath(name).read_text("utf-8")


def json_script(data: Any, css_class: str) -> str:
    """``data`` as a JSON block that no text in it can close or break out of."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, safe in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(raw, safe)
    return f'<script type="application/json" class="{html.escape(css_class)}">{text}</script>'


def esc(text: object) -> str:
    """Any text, quoted for HTML content or attribute values, control characters shown as
    escapes (:func:`autograd.naming.visible`)."""
    return html.escape(visible(str(text)), quote=True)


def document(title: str, body: str, css: str = "") -> str:
    """A complete standalone HTML page around ``body`` (no network access allowed)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n"
        + (f"<style>\n{css}\n</style>\n" if css else "")
        + f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def write(path: str | os.PathLike[str], text: str, suffix: str = ".html") -> Path:
    """Write ``text`` as UTF-8 to ``path`` (``suffix`` added when it has none); return the path."""
    out = output_path(path, suffix)
    out.write_text(text, encoding="utf-8")
    return out
