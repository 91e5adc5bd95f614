"""The results table (plain text for the terminal, Markdown for the README) and the machine."""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.harness import Row

HEADERS = ("", "workload", "chainrule", "compared with", "theirs", "ratio", "target", "")


def fmt_value(value: float | None, unit: str) -> str:
    """A time or quantity with a readable unit (``12.3 ms``, ``45 ns/node``, ``210 B``)."""
    if value is None:
        return "—"
    if unit in ("s", "s/node"):
        suffix = "/node" if unit == "s/node" else ""
        for scale, name in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
            if abs(value) >= scale or name == "ns":
                shown = value / scale
                digits = 0 if shown >= 100 else 1 if shown >= 10 else 2
                return f"{shown:.{digits}f} {name}{suffix}"
    if unit == "B":
        return f"{value:.0f} B"
    return f"{value:.3g} {unit}"


def fmt_ratio(row: Row) -> str:
    ratio = row.ratio
    if row.kind == "check" or ratio is None:
        return "—" if row.kind in ("speedup", "slowdown") else ""
    if row.kind == "speedup":
        return f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
    if row.kind == "slowdown":
        return f"{ratio:.2f}x the time"
    return fmt_value(ratio, row.unit)


def mark(row: Row) -> str:
    passed = row.passed
    return "PASS" if passed else "—" if passed is None else "MISS"


def cells(row: Row) -> list[str]:
    target = row.target if row.kind != "check" else row.note
    return [
        row.workload,
        row.variant,
        fmt_value(row.ours, row.unit),
        row.other_name,
        fmt_value(row.other, row.unit) if row.other_name else "",
        fmt_ratio(row),
        target,
        mark(row),
    ]


def table(rows: Sequence[Row]) -> str:
    """A fixed-width text table, then each row's note (if any) underneath, numbered."""
    body = [cells(row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h)
              for i, h in enumerate(HEADERS)]  # fmt: skip
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
    notes = [(i, row.note) for i, row in enumerate(rows, 1) if row.note and row.kind != "check"]
    if notes:
        lines.append("")
        lines += [f"  [{i}] {rows[i - 1].workload} {rows[i - 1].variant}: {n}" for i, n in notes]
    passed = sum(row.passed is True for row in rows)
    missed = sum(row.passed is False for row in rows)
    lines.append("")
    lines.append(f"targets: {passed} met, {missed} missed")
    return "\n".join(lines)


def markdown(rows: Sequence[Row]) -> str:
    """The same table in Markdown (notes in their own column)."""
    head = ["id", "workload", "chainrule", "compared with", "theirs", "ratio", "target", "", "note"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        note = row.note if row.kind != "check" else ""
        out.append("| " + " | ".join([*cells(row), note]).replace("\n", " ") + " |")
    return "\n".join(out)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-minute load average (other processes on the machine skew timings)."""
    import os

    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "unknown"


def environment() -> dict[str, Any]:
    """What the figures were measured on: CPU, cores, Python, numpy, micrograd, torch."""
    import os

    import numpy as np

    from benchmarks import models

    info: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "nn.MLP": "yes" if models.nn_available() else "no (local MLP only)",
        "load average": load_average(),
    }
    try:
        from importlib.metadata import version

        info["micrograd"] = version("micrograd")
    except Exception:
        info["micrograd"] = "not installed"
    torch = models.torch_module()
    info["torch"] = torch.__version__ if torch is not None else "not installed (skipped)"
    if torch is not None:
        info["torch threads"] = f"{torch.get_num_threads()} by default"
    return info


def describe_environment(info: dict[str, Any]) -> str:
    return "\n".join(f"  {key:<15} {value}" for key, value in info.items())
