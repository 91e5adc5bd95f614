"""Which boxes the ``layers`` style draws: node groups (``Value.group``) cut to a depth.

Group names are dotted paths (an ``nn.MLP`` stamps ``layers.0.neurons.3``).
:func:`default_depth` picks the depth a reader expects without being told: as
deep as the boxes still form stages that feed one another (the layers of a
network), not as deep as parallel parts (the neurons of one layer).
"""

from __future__ import annotations

from viz.walk import GraphView


def cut(group: str, depth: int | None) -> str:
    """``group`` cut to its first ``depth`` dotted parts (``layers.0.neurons.3`` → ``layers.0``)."""
    if depth is None or not group:
        return group
    return ".".join(group.split(".")[:depth])


def natural(key: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``neurons.2`` before ``neurons.10``."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in key.split("."))


def default_depth(view: GraphView) -> int | None:
    """The depth at which groups become boxes when ``group_depth`` is not given.

    Going one dotted level deeper at a time, every set of sibling groups (same
    parent) must be connected by the data that flows between them: layers feed
    one another, the neurons of one layer do not. The deepest such level wins,
    then levels that split no group into several are dropped (``layers.0`` rather
    than ``layers.0.neurons`` when the latter is its only part). ``None`` when no
    node has a group.
    """
    groups = sorted({v.group for v in view.nodes if v.group})
    if not groups:
        return None
    parts = [g.split(".") for g in groups]
    pairs = _feeding_pairs(view, {g: k for k, g in enumerate(groups)})
    best = 1
    for depth in range(2, max(len(p) for p in parts) + 1):
        if not _siblings_connected(parts, pairs, depth):
            break
        best = depth
    while best > 1 and not _branches(parts, best):
        best -= 1
    return best


def _feeding_pairs(view: GraphView, index: dict[str, int]) -> set[tuple[int, int]]:
    """Pairs of groups (indices) where the first feeds the second, directly or via ungrouped ops."""
    feeds: list[frozenset[int]] = []
    pairs: set[tuple[int, int]] = set()
    alone = [frozenset((k,)) for k in range(len(index))]
    empty: frozenset[int] = frozenset()
    for node in view.nodes:
        incoming = empty
        for p in node.parents:
            incoming = incoming | feeds[view.index[id(p)]]
        if node.group:
            own = index[node.group]
            pairs.update((src, own) for src in incoming if src != own)
            feeds.append(alone[own])
        else:
            feeds.append(incoming)
    return pairs


def _siblings_connected(parts: list[list[str]], pairs: set[tuple[int, int]], depth: int) -> bool:
    """Whether, at ``depth``, the children of every parent group form one connected piece."""
    keys = {k: ".".join(p[:depth]) for k, p in enumerate(parts) if len(p) >= depth}
    link: dict[str, str] = {key: key for key in keys.values()}

    def root(key: str) -> str:
        while link[key] != key:
            link[key] = link[link[key]]
            key = link[key]
        return key

    for a, b in pairs:
        if a in keys and b in keys and parts[a][: depth - 1] == parts[b][: depth - 1]:
            link[root(keys[a])] = root(keys[b])
    pieces: dict[tuple[str, ...], set[str]] = {}
    for k, key in keys.items():
        pieces.setdefault(tuple(parts[k][: depth - 1]), set()).add(root(key))
    return all(len(found) == 1 for found in pieces.values())


def _branches(parts: list[list[str]], depth: int) -> bool:
    """Whether going to ``depth`` splits some group of ``depth - 1`` parts into several."""
    children: dict[tuple[str, ...], set[str]] = {}
    for p in parts:
        if len(p) >= depth:
            children.setdefault(tuple(p[: depth - 1]), set()).add(p[depth - 1])
    return any(len(c) > 1 for c in children.values())
