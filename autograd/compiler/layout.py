"""Which shape the generated code takes: straight-line, rolled per-sample loops, or batched
layers fused into matrix products."""

from __future__ import annotations

from autograd.compiler.codegen import Emitter, straight_line


def generate(emitter: Emitter) -> str:
    """Write the function's lines into ``emitter``; return a phrase describing the layout."""
    straight_line(emitter)
    return ", straight-line"
