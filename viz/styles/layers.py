"""``style="layers"``: the seed's Figure 9.3, one box per layer and vectors on the arrows.

With ``collapse=True`` each group (``Value.group``, cut to a depth that
:mod:`viz.grouping` picks: one box per layer of an ``nn.MLP``) is one box, a
transformation named after its layer, with its formula when the layer is affine
(``h1 = tanh(f1.W·x + f1.b)``). Every arrow between boxes carries the vector that
crosses it (:func:`autograd.layered.layer_graph`): its value above
(``h1 = [0.6241, 0.5526]``) and its gradient below (``∂L/∂h1 = [...]``), long
vectors elided like numpy (:mod:`autograd.vectors`). Each box's parameters θ
come in from a node above it with their values and ∂L/∂θ: ``W`` and ``b`` in
full up to width 4, else their shape and norm. Inputs made outside every group
(the data ``x``, a target ``t``) come in from the left; a target (a vector that
goes straight into a box without parameters) shows no gradient unless
``target_grad``. ``show_preactivations`` splits each affine layer into
``z = W·x + b`` and ``h = act(z)`` with ``z`` on the arrow between. Sibling boxes
that do not feed one another (the neurons of a layer, with a deeper
``group_depth``) are stacked in index order. A vector read by several boxes carries
on each arrow its own share of the gradient (what that box sends back) and shows
its gradient once where its arrows start, as their sum (``∂L/∂x = […] + […] = […]``,
``[…] + ?`` while a pass is stepped). With ``collapse=False`` every value is drawn,
clustered by group.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import graphviz

from autograd import LayerGraph, Value, layer_graph
from autograd.explain import LEAVES, Stage, Vector, elide, fits, norm, shape, sum_text
from viz.errors import GraphTooLargeError
from viz.fanout import box_shares, vector_sum
from viz.grouping import cut, default_depth, natural
from viz.labels import html_label, plain, text
from viz.styles import values
from viz.styles.common import (
    BACKWARD,
    BOX_FILL,
    BOX_OUTLINE,
    DONE,
    FORWARD,
    HIGHLIGHT,
    LAST,
    NEXT,
    NEXT_OUTLINE,
    PENDING,
    TANGENT,
    Mark,
    Options,
    data_text,
    grad_text,
    room,
)
from viz.styles.inline import cell, labelled_edge
from viz.styles.legend import legend
from viz.textwidth import width
from viz.walk import MAX_NODES, GraphView

SIZE = 13
"""Point size of a box's title; its formula and the texts on arrows are a point smaller."""
DETAIL = "#555555"
PAD = 3
"""Points between an arrow and the texts above and below it."""
BY_LAYER = {"last": "just stepped back through", "next": "next", "done": "done",
            "pending": "not reached"}  # fmt: skip
"""A box's state line while a pass steps one layer at a time (``Backprop(by="layer")``)."""
PARAM_FILL = "#fbf7ee"
PARAM_OUTLINE = "#c8b27d"


def build(g: graphviz.Digraph, view: GraphView, opts: Options) -> None:
    """Draw ``view`` clustered (``opts.collapse`` False) or as Figure 9.3, one box per group."""
    depth = opts.group_depth if opts.group_depth is not None else default_depth(view)
    if not opts.collapse:
        clusters = {i: name for i, v in enumerate(view.nodes) if (name := cut(v.group, depth))}
        values.build(g, view, opts, clusters)
        return
    graph = layer_graph(view.root, depth, output_name=opts.output,
                        names=dict(opts.layers.vector_names))  # fmt: skip
    if len(graph.stages) > MAX_NODES:
        raise GraphTooLargeError(
            f"even with one box per group this graph has {len(graph.stages):,} boxes; group"
            " more nodes (autograd.node_group) or pass a smaller group_depth"
        )
    figure = _Figure(g, view, opts, graph)
    figure.draw()
    legend(g, opts, entries(opts, shared=bool(figure.fan.per_box)))


def entries(opts: Options, shared: bool = False) -> list[tuple[str, str]]:
    """The legend: what the texts above and below each arrow are (``shared``: some vector's
    arrows each carry their share of its gradient)."""
    above, below = ("above", "below") if opts.horizontal else ("left of", "right of")
    found = [(f"{above} each arrow: the vector it carries", FORWARD)]
    if opts.show_grads and shared:
        found.append((f"{below} it: the gradient that flows back along it;"
                      " a vector used twice adds them", BACKWARD))  # fmt: skip
    elif opts.show_grads:
        found.append((f"{below} it: its gradient ∂{opts.output}/∂vector", BACKWARD))
    if opts.tangents is not None:
        found.append((f"∂vector/∂{opts.tangent_of}: forward mode", TANGENT))
    return found


class _Figure:
    """The boxes, parameter nodes and labelled arrows of one drawing."""

    def __init__(self, g: graphviz.Digraph, view: GraphView, opts: Options,
                 graph: LayerGraph) -> None:  # fmt: skip
        self.g, self.view, self.opts, self.graph = g, view, opts, graph
        self.split = opts.layers.show_preactivations

    def draw(self) -> None:
        stages = self.graph.stages
        keys = [stage.key for stage in stages]
        edges = {(stages[v.source].key, stage.key) for stage in stages for v in stage.inputs
                 if v.source != LEAVES}  # fmt: skip
        stacks = _sibling_stacks(keys, edges)
        stacked = {key for stack in stacks for key in stack}
        plan = self._plan(bool(stacked))
        self.fan = _FanOut(self, [item for item in plan if isinstance(item, _Arrow)])
        for s, stage in enumerate(stages):
            self._stage(s, stage, with_params=stage.key not in stacked)
        for item in plan:
            if not isinstance(item, _Arrow):
                self.g.edge(*item)
                continue
            if item.head == "output":
                self.g.node("output", plain(self.opts.output), shape="plaintext",
                            fontsize=str(SIZE + 1))  # fmt: skip
            elif item.vector.source == LEAVES:
                self._input_name(item.tail, item.vector.name)
            self._arrow(item)
        names = {key: f"g{s}" for s, key in enumerate(keys)}
        if stacks:  # many arrows between stacked boxes: room to route them
            self.g.attr(ranksep="1.2")
        for stack in stacks:
            with self.g.subgraph() as same:
                same.attr(rank="same")
                for a, b in itertools.pairwise(stack):
                    same.edge(names[a], names[b], style="invis")

    def _plan(self, stacked: bool) -> list[_Arrow | tuple[str, str]]:
        """The arrows into the boxes and to the output, in drawing order: labelled ones, and
        plain ``(tail, head)`` ones (in a stack of sibling boxes, an input is labelled once)."""
        stages = self.graph.stages
        plan: list[_Arrow | tuple[str, str]] = []
        sources: dict[tuple[Value, ...], str] = {}
        readers: dict[str, set[int]] = {}
        for s, stage in enumerate(stages):
            for k, vector in enumerate(stage.inputs):
                if vector.source == LEAVES:
                    number = len(stages) + len(sources)
                    tail = sources.setdefault(vector.nodes, f"x{number}")
                    readers.setdefault(tail, set()).add(s)
                    if stacked and number != len(stages) + len(sources) - 1:
                        plan.append((tail, f"g{s}"))  # the same inputs, labelled once
                        continue
                    grads = self.opts.layers.target_grad or bool(stage.params)
                else:
                    tail, grads, number = self._exit(vector.source), True, vector.source
                if stacked and vector.source != LEAVES:  # one neuron to the next: a plain arrow
                    plan.append((tail, f"g{s}"))
                    continue
                into = readers[tail] if stacked else {s}  # a stack's readers: filled by the end
                plan.append(_Arrow(tail, f"g{s}", f"e{number}_{s}_{k}", vector, grads, into))
        last = len(stages) - 1
        plan.append(_Arrow(self._exit(last), "output", "e_output", stages[last].output, True,
                           set()))  # fmt: skip
        return plan

    def _input_name(self, tail: str, name: str) -> None:
        """An input's name where its arrows start; under it, when they share its gradient,
        the sum of their shares (``∂L/∂x = [a, b] + [c, d] = [e, f]``)."""
        total = self.fan.total(tail)
        if total is None:
            self.g.node(tail, plain(name), shape="plaintext", fontsize=str(SIZE))
            return
        rows = [cell(text(name, size=SIZE)), cell(text(total, BACKWARD, SIZE - 1),
                                                    self.fan.room(tail, SIZE - 1))]  # fmt: skip
        body = "".join(f"<tr>{r}</tr>" for r in rows)
        label = f'<table border="0" cellborder="0" cellspacing="0">{body}</table>'
        self.g.node(tail, html_label(label), shape="plain")

    def _exit(self, s: int) -> str:
        """The node a stage's output leaves from: its activation box when split."""
        return f"a{s}" if self._splits(self.graph.stages[s]) else f"g{s}"

    def _splits(self, stage: Stage) -> bool:
        return self.split and stage.affine is not None and stage.affine.activation is not None

    # ---- boxes ---------------------------------------------------------------------------

    def _stage(self, s: int, stage: Stage, with_params: bool) -> None:
        """Box ``g{s}``, its parameters ``p{s}`` above it (not for stacked siblings: the
        neurons of one layer), and its activation box ``a{s}`` when split."""
        positions = [self.view.index[id(v)] for v in stage.members]
        mark, progress = _progress(self.view, positions, self.opts)
        affine = stage.affine
        formula = (
            _formula(stage, self.graph)
            if affine is None or not self._splits(stage)
            else (
                f"{affine.pre_name} = {stage.param_name('W')}·{stage.inputs[affine.input].name}"
                + (f" + {stage.param_name('b')}" if affine.bias is not None else "")
            )
        )
        lines = [(stage.key, SIZE, True, ""), (formula, SIZE - 2, False, DETAIL)]
        steady = _steady_width(self.view, positions, [stage.key, formula], self.opts)
        if progress:
            lines.append((progress, SIZE - 2, False, ""))
        split = affine is not None and affine.activation is not None and self._splits(stage)
        total = self.fan.total(f"g{s}") if not split else None
        if total is not None:  # the layer's output is used by several boxes: its sum
            lines.append((total, SIZE - 2, False, BACKWARD))
            steady = max(steady, self.fan.room(f"g{s}", SIZE - 2))
        self.g.node(f"g{s}", html_label(_box(lines, steady, mark)), shape="plain")
        if stage.params and with_params:
            self._params(s, stage)
        if affine is not None and affine.activation is not None and split:
            act = affine.activation.symbol
            h = stage.output.name
            act_lines = [(act, SIZE, True, ""), (f"{h} = {act}({affine.pre_name})",
                                                 SIZE - 2, False, DETAIL)]  # fmt: skip
            total = self.fan.total(f"a{s}")
            if total is not None:
                act_lines.append((total, SIZE - 2, False, BACKWARD))
            act_room = self.fan.room(f"a{s}", SIZE - 2) if total is not None else 0.0
            self.g.node(f"a{s}", html_label(_box(act_lines, act_room, mark)), shape="plain")
            pre = Vector(affine.pre_name, affine.pre, s)
            self._arrow(_Arrow(f"g{s}", f"a{s}", f"e{s}_{s}_99", pre, True, set()))

    def _params(self, s: int, stage: Stage) -> None:
        """θ above the box, coming in: values in blue, ∂L/∂θ in red."""
        rows = "".join(self._param_rows(name, nodes) for name, nodes in _thetas(stage))
        table = (
            f'<table border="1" cellborder="0" cellspacing="0" cellpadding="2" style="rounded"'
            f' bgcolor="{PARAM_FILL}" color="{PARAM_OUTLINE}">{rows}</table>'
        )
        self.g.node(f"p{s}", html_label(table), shape="plain")
        with self.g.subgraph() as same:
            same.attr(rank="same")
            same.edge(f"p{s}", f"g{s}", color=PARAM_OUTLINE)

    def _param_rows(self, name: str, rows: Sequence[Sequence[Value]]) -> str:
        size, out = SIZE - 2, self.opts.output
        known = self._known(rows)
        if fits(rows):
            found = self._matrix_row(name, rows, self._texts(rows, data_text), FORWARD)
            if self.opts.show_grads:
                grads = self._texts(rows, grad_text)
                found += self._matrix_row(f"∂{out}/∂{name}", rows, grads, BACKWARD)
            return found
        what = f"{name}: {shape(rows)}, ‖{name}‖ = {self.opts.num(norm(rows))}"
        found = f'<tr><td align="left" colspan="2">{text(what, FORWARD, size)}</td></tr>'
        if self.opts.show_grads:
            gnorm = self.opts.num(norm([[v.grad for v in row] for row in rows])) if known else "?"
            grad_norm = text(f"‖∂{out}/∂{name}‖ = {gnorm}", BACKWARD, size)
            found += f'<tr><td align="left" colspan="2">{grad_norm}</td></tr>'
        return found

    def _matrix_row(self, name: str, rows: Sequence[Sequence[Value]],
                    texts: list[list[str]], colour: str) -> str:  # fmt: skip
        """``name =`` beside the matrix, its entries right-aligned in columns between brackets."""
        size = SIZE - 2
        body = ""
        many = len(texts) > 1
        for r, row in enumerate(texts):
            left = "[" + ("[" if many and r == 0 else "")
            right = "]" + ("]" if many and r == len(texts) - 1 else "")
            cells = "".join(
                f'<td align="right" cellpadding="2">{text(t, colour, size)}</td>' for t in row
            )
            body += (f'<tr><td align="right">{text(left, colour, size)}</td>{cells}'
                     f'<td align="left">{text(right, colour, size)}</td></tr>')  # fmt: skip
        matrix = f'<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{body}</table>'
        label = text(f"{name} =", colour, size)
        return f'<tr><td align="right" valign="middle">{label}</td><td>{matrix}</td></tr>'

    def _texts(self, rows: Sequence[Sequence[Value]], how: object) -> list[list[str]]:
        pick = how  # data_text or grad_text
        return [[pick(self.view, self.view.index[id(v)], self.opts) for v in row]  # type: ignore[operator]
                for row in rows]  # fmt: skip

    def _known(self, rows: Sequence[Sequence[Value]]) -> bool:
        return all(t != "?" and not t.endswith("…") for row in self._texts(rows, grad_text)
                   for t in row)  # fmt: skip

    # ---- arrows --------------------------------------------------------------------------

    def _arrow(self, arrow: _Arrow) -> None:
        """``tail → head`` through a label: ``h1 = [...]`` above, ``∂L/∂h1 = [...]`` below (the
        arrow's own share when the vector's gradient adds up several arrows)."""
        size, vector = SIZE - 1, arrow.vector
        positions = [self.view.index[id(v)] for v in vector.nodes]
        values_text = _vector([data_text(self.view, i, self.opts) for i in positions])
        above = cell(text(f"{vector.name} = {values_text}", FORWARD, size), padding=PAD)
        below = []
        shared = self.fan.carried(arrow)
        if (arrow.grads or shared is not None) and self.opts.show_grads:
            grads_text = (
                _vector([grad_text(self.view, i, self.opts) for i in positions])
                if shared is None
                else self.fan.text(shared)
            )
            below.append(text(f"∂{self.opts.output}/∂{vector.name} = {grads_text}", BACKWARD, size))
        if self.opts.tangents is not None:
            tangents = self.opts.tangents
            entries = ["?" if data_text(self.view, i, self.opts) == "?" else
                       self.opts.num(tangents[i]) for i in positions]  # fmt: skip
            tangent = f"∂{vector.name}/∂{self.opts.tangent_of} = {_vector(entries)}"
            below.append(text(tangent, TANGENT, size - 1))
        labelled_edge(self.g, arrow.tail, arrow.head, arrow.name, above,
                      cell("<br/>".join(below), padding=PAD), self.opts.rankdir)  # fmt: skip


@dataclass(frozen=True)
class _Arrow:
    """A labelled arrow ``tail → head`` carrying ``vector`` into the stages ``into`` (the
    stack of sibling boxes an input is labelled once for; none for the output's arrow)."""

    tail: str
    head: str
    name: str
    vector: Vector
    grads: bool
    into: set[int]


class _FanOut:
    """Shares of vectors used by several boxes: what each arrow carries back, and the sums.

    A value carried by more than one labelled arrow *fans out*. Every arrow carrying such
    a value shows its share, the sum of the shares the value sends into the arrow's
    boxes (:func:`viz.fanout.box_shares`), and the vector where those arrows start (an
    input's name, the box that makes it) shows its gradient as the sum of the arrows'
    shares, an arrow not carrying an entry adding 0 to it. While a backward pass is
    stepped, a share is ``?`` until its boxes are done, and the sum reads ``[…] + ?``.
    """

    def __init__(self, figure: _Figure, arrows: list[_Arrow]) -> None:
        self.view, self.opts = figure.view, figure.opts
        stages = figure.graph.stages
        self.arrows = [a for a in arrows if a.into]
        count: dict[int, int] = {}
        for arrow in self.arrows:
            for v in arrow.vector.nodes:
                count[id(v)] = count.get(id(v), 0) + 1
        self.fanning = {key for key, n in count.items() if n > 1}
        self.per_box: dict[tuple[int, Hashable], Any] = {}
        if self.fanning and self.opts.show_grads:
            stage_of = {
                self.view.index[id(v)]: s for s, st in enumerate(stages) for v in st.members
            }
            self.per_box = box_shares(self.view, stage_of.get, self.opts.step)
        self.sources: dict[str, Vector] = {a.tail: a.vector for a in self.arrows
                                           if a.vector.source == LEAVES}  # fmt: skip
        self.sources.update({figure._exit(s): st.output for s, st in enumerate(stages)})

    def carried(self, arrow: _Arrow) -> list[Any] | None:
        """The shares ``arrow`` carries back, entry by entry (None for one not known yet);
        None when none of its values fans out (it then carries their gradients)."""
        if not self.per_box or not arrow.into:
            return None
        if not any(id(v) in self.fanning for v in arrow.vector.nodes):
            return None
        return [self._share(v, arrow.into) for v in arrow.vector.nodes]

    def _share(self, v: Value, into: set[int]) -> Any:
        i = self.view.index[id(v)]
        found: Any = 0.0
        for s in into:
            share = self.per_box.get((i, s), 0.0)
            if share is None:
                return None
            found = found + share
        return found

    def total(self, tail: str) -> str | None:
        """``∂L/∂h1 = [a, b] + [c, d] = [e, f]`` where the arrows of a vector that fans out
        start (``[a, b] + ?`` while stepping); None when none of its values fans out."""
        if not self.per_box or tail not in self.sources:
            return None
        source = self.sources[tail]
        nodes = source.nodes
        if not any(id(v) in self.fanning for v in nodes):
            return None
        wanted = {id(v) for v in nodes}
        users = [a for a in self.arrows if wanted & {id(v) for v in a.vector.nodes}]
        users.sort(key=lambda a: -max(a.into))  # in the order a backward pass reaches them
        terms: list[list[Any] | None] = []
        for arrow in users:
            carried = dict(zip(map(id, arrow.vector.nodes), self.carried(arrow) or ()))
            entries = [carried.get(id(v), 0.0) for v in nodes]
            terms.append(None if any(e is None for e in entries) else entries)
        total = vector_sum(terms, [v.grad for v in nodes], self.text)
        return f"∂{self.opts.output}/∂{source.name} = {total}"

    def text(self, entries: Sequence[Any]) -> str:
        """A vector of shares as the arrows print vectors (``?`` for one not known yet)."""
        return _vector(["?" if e is None else self.opts.num(e) for e in entries])

    def room(self, tail: str, size: int) -> float:
        """While stepping backward: a width (points) that fits the sum at ``tail`` at any step."""
        if self.opts.step is None or not self.opts.step.backward:
            return 0.0
        source = self.sources[tail]
        widest = _vector(["-0.00" + "0" * self.opts.precision] * len(source.nodes))
        wanted = {id(v) for v in source.nodes}
        users = sum(bool(wanted & {id(v) for v in a.vector.nodes}) for a in self.arrows)
        head = f"∂{self.opts.output}/∂{source.name} = "
        return room(width(head + sum_text([widest] * users, 0, widest), size))


def _vector(entries: list[str]) -> str:
    """A vector's entries as text; ``?`` alone when none is known yet."""
    if all(e == "?" for e in entries):
        return "?"
    return entries[0] if len(entries) == 1 else elide(entries)


def _thetas(stage: Stage) -> list[tuple[str, list[list[Value]]]]:
    """A stage's parameters as named matrices: ``f1.W`` and ``f1.b`` for an affine layer,
    else each parameter by its own name (``θ`` for all of them past four)."""
    affine = stage.affine
    if affine is not None:
        found = [(stage.param_name("W"), [list(row) for row in affine.weights])]
        if affine.bias is not None:
            found.append((stage.param_name("b"), [list(affine.bias)]))
        return found
    if len(stage.params) <= 4:
        return [(v.label, [[v]]) for v in stage.params]
    return [(stage.param_name("θ"), [list(stage.params)])]


def _formula(stage: Stage, graph: LayerGraph) -> str:
    """``h1 = tanh(f1.W·x + f1.b)`` for an affine layer, else what the box holds."""
    affine = stage.affine
    if affine is None:
        ops = sum(not v.is_leaf for v in stage.members)
        counts = [f"{ops} op{'s' * (ops != 1)}"]
        constants = stage.constants
        if stage.params:
            counts.append(f"{len(stage.params)} parameter{'s' * (len(stage.params) != 1)}")
        if constants:
            counts.append(f"{constants} constant{'s' * (constants != 1)}")
        return ", ".join(counts)
    x = stage.inputs[affine.input].name
    inner = f"{stage.param_name('W')}·{x}" + (
        f" + {stage.param_name('b')}" if affine.bias is not None else ""
    )
    act = affine.activation
    return (
        f"{stage.output.name} = {act.symbol}({inner})" if act else f"{stage.output.name} = {inner}"
    )


def _box(lines: list[tuple[str, int, bool, str]], steady: float, mark: Mark) -> str:
    """A box: its lines on a band in the box's state colour (only the band changes from step
    to step, so an animated GIF stores little per frame)."""
    head = ""
    for k, (line, size, bold, colour) in enumerate(lines):
        min_width = f' width="{steady:.0f}"' if k == 0 and steady else ""
        head += f"<tr><td{min_width}>{text(line, colour or mark.font, size, bold)}</td></tr>"
    band = mark.fill or BOX_FILL
    outline = mark.outline or BOX_OUTLINE
    return (
        f'<table border="1" cellborder="0" cellspacing="0" cellpadding="3" style="rounded"'
        f' bgcolor="{BOX_FILL}" color="{outline}"><tr><td cellpadding="1"><table border="0"'
        f' cellborder="0" cellspacing="0" cellpadding="4" style="rounded" bgcolor="{band}">'
        f"{head}</table></td></tr></table>"
    )


def _progress(view: GraphView, members: list[int], opts: Options) -> tuple[Mark, str]:
    """While stepping: this box's colour and a line saying how far the pass has got in it.

    The box holding the node just processed is orange and names it (``2/4 steps done,
    last v8 (tanh)``), the box holding the next node is blue, finished boxes are
    green, boxes not reached are grey; the count of steps done changes with every
    step inside a box, so every frame of an animation differs.
    """
    step = opts.step
    base = Mark(fill=HIGHLIGHT, penwidth="2.5") if set(members) & opts.highlight_nodes else Mark()
    if step is None:
        return base, ""
    steps = [i for i in members if i in step.in_order]
    if not steps:
        return base, ""
    done = sum(i in step.done for i in steps)
    if opts.layers.by_layer:  # one step per box: its state in words
        if step.last is not None and step.last in members:
            return Mark(fill=LAST), BY_LAYER["last"]
        if step.current is not None and step.current in members:
            return Mark(fill=NEXT, outline=NEXT_OUTLINE), BY_LAYER["next"]
        if done == len(steps):
            return Mark(fill=DONE), BY_LAYER["done"]
        return Mark(outline=PENDING, font="#555555"), BY_LAYER["pending"]
    count = f"{done}/{len(steps)} steps done"
    if step.last is not None and step.last in members:
        return Mark(fill=LAST), f"{count}, last {_what(view, step.last, opts)}"
    if step.current is not None and step.current in members:
        next_mark = Mark(fill=NEXT, outline=NEXT_OUTLINE)
        return next_mark, f"{count}, next {_what(view, step.current, opts)}"
    if done == len(steps):
        return Mark(fill=DONE), count
    if done:
        return base, count
    return Mark(outline=PENDING, font="#555555"), count


def _what(view: GraphView, i: int, opts: Options) -> str:
    """``v8 (tanh)``: a node's name and op."""
    node = view.nodes[i]
    return f"{opts.names[node]} ({node.op or 'input'})"


def _steady_width(view: GraphView, members: list[int], lines: list[str], opts: Options) -> float:
    """A header width (points) that fits every progress line the box can show while stepping.

    Graphviz sizes a box to its text; if the box grew and shrank from step to step the
    whole layout would shift and an animation would jump. A cell's ``width`` is a
    minimum, so the widest line the box may ever show keeps every frame alike.
    """
    steps = [i for i in members if opts.step is not None and i in opts.step.in_order]
    if not steps:
        return 0.0
    n = len(steps)
    widest = max((_what(view, i, opts) for i in steps), key=lambda t: width(t, SIZE))
    progress = (
        list(BY_LAYER.values()) if opts.layers.by_layer else [f"{n}/{n} steps done, next {widest}"]
    )
    candidates = [*lines, *progress]
    return room(max(width(line, SIZE) for line in candidates))


def _sibling_stacks(keys: list[str], edges: set[tuple[str, str]]) -> list[list[str]]:
    """Sibling boxes that do not feed one another, each set in index order (``neurons.0``
    first), to be stacked.

    Graphviz orders the boxes of one rank to shorten arrows, which shuffles the
    neurons of a layer; a same-rank chain of invisible edges fixes their order.
    """
    children: dict[str, list[str]] = {}
    for key in keys:
        if "." in key:
            children.setdefault(key.rsplit(".", 1)[0], []).append(key)
    after: dict[str, set[str]] = {}
    for a, b in edges:
        after.setdefault(a, set()).add(b)
    return [sorted(kids, key=natural) for kids in children.values()
            if len(kids) > 1 and not _any_reaches(kids, after)]  # fmt: skip


def _any_reaches(keys: list[str], after: dict[str, set[str]]) -> bool:
    """Whether one of ``keys`` feeds another, through any number of boxes."""
    wanted = set(keys)
    for start in keys:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in after.get(stack.pop(), ()):
                if nxt in wanted:
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return False
