"""The three ways to draw a graph: ``values``, ``edges`` and ``layers``."""
