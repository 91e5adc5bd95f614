"""Which shape the generated code takes: straight-line, rolled per-sample loops, or batched
layers fused into matrix products."""

from __future__ import annotations

from autograd.compiler.codegen import Emitter, straight_line
from autograd.compiler.fusion import fused
from autograd.compiler.rolling import rolled


def generate(emitter: Emitter) -> str:
    """Write the function's lines into ``emitter``; return a phrase describing the layout."""
    summary = fused(emitter) if emitter.graph.batched else rolled(emitter)
    if summary is not None:
        return summary
    straight_line(emitter)
    return ", straight-line"
