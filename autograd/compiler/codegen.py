"""Code generation: one line per forward op and one per chain-rule product.

The generated function takes the inputs' data, their gradients so far and the
arguments' data, and returns the output's data, the auxiliary outputs, the inputs' new
gradients and the Value arguments' gradients::

    def step(_inputs, _grads, _data):
        x, y, z = _inputs                # inputs: the data of the Values it reads
        g_x, g_y, g_z = _grads           # their gradients so far (leaves accumulate)
        # forward
        q = x + y
        f = q * z
        # backward
        g_f = 1.0
        g_q = g_f * z                    # ∂f/∂q = z
        g_z += g_f * q                   # ∂f/∂z = q
        g_x += g_q                       # ∂q/∂x = 1
        g_y += g_q                       # ∂q/∂y = 1
        return f, (), (g_x, g_y, g_z), ()

Every expression comes from the op table (:mod:`autograd.compiler.symbolic`); the
comments are the ops' own formulas (:meth:`Op.explain`). The gradients accumulate in
the engine's order (reverse topological), so straight-line code gives the engine's
numbers exactly. :class:`Emitter` is the toolbox the layouts share: straight-line
(:func:`straight_line`), rolled per-sample loops (:mod:`autograd.compiler.rolling`) and
batched matrix products (:mod:`autograd.compiler.fusion`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd.backward import local_partials, reduce_to
from autograd.compiler.identifiers import Namer, escaped
from autograd.compiler.ir import ALIAS, ARG, CONST, INPUT, OP, Graph, Node
from autograd.compiler.symbolic import (
    LONG_NARY,
    PLACEHOLDER,
    Kind,
    Namespace,
    Template,
    Templates,
    broadcast,
    fill,
    kind_of,
    literal,
    product,
)
from autograd.ops import NARY, WITH_CONSTANT

INTERNAL = ("_inputs", "_grads", "_data", "_Retrace", "_new_grads")
"""Names the generated function uses itself (claimed before any node's)."""


class Emitter:
    """Writes the lines of one generated function; tracks which gradients have a value."""

    def __init__(self, graph: Graph, function_name: str) -> None:
        self.graph = graph
        self.namer = Namer(set(INTERNAL))
        self.names = Namespace(self.namer.claim)
        self.templates = Templates(self.names)
        self.function_name = self.namer.claim(f"compiled_{function_name}")
        self.lines: list[str] = []
        self.depth = 1
        self.assigned: set[int] = set()
        self.defined: set[int] = set()
        self.pending_guards = list(enumerate(graph.guards))
        self._gvars: dict[int, str] = {}
        self._template_of: dict[int, Template] = {}
        self.overrides: dict[int, str] = {}
        """Node → the code for its value, where that is not its variable (a loop's datum)."""
        self.constant_overrides: dict[int, str] = {}
        """Node → the code for its kept constant, where that varies (a loop's datum)."""
        self.aux_text: dict[int, str] = {}
        """Auxiliary output → the code that returns it, where not its atom."""
        self.skip_loads: set[int] = set()
        """Argument nodes a loop reads itself (not unpacked at the top)."""
        self.registers: Registers | None = None
        """For big straight-line graphs: variables reused once their value is dead."""
        self.sampled: list[Any] = []
        """The rolled loops whose data the self-check may cut to a few samples
        (:class:`autograd.compiler.rolling.Sampled`)."""
        self.pending: dict[int, tuple[Node, list[tuple[str, str]]]] = {}
        """Number gradients whose products wait to be written as one sum (see accumulate)."""
        self.deferred: set[int] = set()
        """Nodes whose complete sum waits for their own backward (a gate's ReLU, which
        writes it inside the gate: :mod:`autograd.compiler.gating`)."""
        for node in graph.nodes:
            node.var = ""  # claimed when the code first names the node (see var)

    # ---- text ------------------------------------------------------------------------------

    def emit(self, line: str, comment: str = "") -> None:
        """One line of code: ``line`` (identifiers and literals only) and a comment, which
        may show node names and is therefore escaped (a newline in it cannot end it)."""
        text = "    " * self.depth + line
        if comment:
            text += f"  # {escaped(comment)}"
        self.lines.append(text)

    def blank(self, comment: str = "") -> None:
        """An empty line, or a line of comment (escaped, as every comment)."""
        if comment:
            self.emit(f"# {escaped(comment)}")
        else:
            self.lines.append("")

    def atom(self, x: Any) -> str:
        """A node's value (or a kept constant) as code: its variable, or the constant itself."""
        if isinstance(x, Node):
            override = self.overrides.get(id(x))
            if override is not None:
                return override
            if x.role == CONST:
                return self.constant(x.data)
            return x.var or self.var(x)
        return self.constant(x)

    def operand_atoms(self, node: Node) -> list[str]:
        """The code of each operand of ``node``'s op (its kept constant last, if any)."""
        atoms = [self.atom(p) for p in node.parents]
        if node.op is not None and node.op.kind is WITH_CONSTANT:
            override = self.constant_overrides.get(id(node))
            atoms.append(override if override is not None else self.constant(node.constant))
        return atoms

    def constant(self, value: Any) -> str:
        if isinstance(value, np.ndarray):
            return self.names.name_of(value, "c")
        return literal(value)

    def var(self, node: Node) -> str:
        """The node's variable in the code, from its shared name (claimed on first use)."""
        if not node.var:
            node.var = self.namer.claim(node.name)
        return node.var

    def gvar(self, node: Node) -> str:
        name = self._gvars.get(id(node))
        if name is None:
            if self.registers is not None and id(node) in self.registers.temporary_grads:
                name = self._gvars[id(node)] = self.registers.take("g")
            else:
                name = self._gvars[id(node)] = self.namer.claim(f"g_{self.var(node)}")
        return name

    # ---- the op table --------------------------------------------------------------------

    def template(self, node: Node) -> Template:
        """The op table's code for this node's op on operands of its kinds (cached per node)."""
        template = self._template_of.get(id(node))
        if template is not None:
            return template
        op = node.op
        assert op is not None
        operands = node.operands()
        if self.graph.batched:
            kinds = [o.kind if isinstance(o, Node) else kind_of(o) for o in operands]
        else:
            kinds = [None] * len(operands)
        sample = [o.data if isinstance(o, Node) else o for o in operands]
        template = self.templates.get(
            op, kinds, node.kind, sample, node.data, lambda: local_partials(node.value)
        )
        self._template_of[id(node)] = template
        return template

    def forward_text(self, node: Node, atoms: list[str] | None = None) -> str:
        """The expression computing ``node`` from its operands (``atoms``: their code)."""
        assert node.op is not None
        atoms = atoms if atoms is not None else self.operand_atoms(node)
        if node.op.kind is NARY and len(atoms) > LONG_NARY:
            fn = node.op.forward if node.kind is None else node.op.array_forward
            name = self.names.name_of(fn, f"{node.op.name}_of_many")
            return f"{name}({', '.join(atoms)})"
        return self.template(node).forward.format(*atoms)

    # ---- forward ---------------------------------------------------------------------------

    def forward(self, node: Node) -> None:
        """The line computing one node (an op, or a detached copy), then any guard now due."""
        registers = self.registers
        if node.role == OP:
            text = self.forward_text(node)
            if registers is not None:
                registers.release_operands(node)
                name = registers.define(node, self)
                self.emit(f"{name} = {text}", node.name if name != node.name else "")
            else:
                self.emit(f"{self.var(node)} = {text}")
        elif node.role == ALIAS:
            assert node.source is not None
            source = self.atom(node.source)
            if registers is not None:
                registers.release_operands(node)
                registers.define(node, self)
            self.emit(f"{self.var(node)} = {source}", f"{node.name} = detach()")
        self.define(node)

    def define(self, node: Node) -> None:
        self.defined.add(id(node))
        self.check_guards()

    def check_guards(self) -> None:
        """Emit every guard whose operands are all computed by now."""
        if not self.pending_guards:
            return
        waiting = []
        for index, guard in self.pending_guards:
            _, node, other, _ = guard
            ready = self._ready(node) and (not isinstance(other, Node) or self._ready(other))
            if ready:
                self.guard(index, guard)
            else:
                waiting.append((index, guard))
        self.pending_guards = waiting

    def _ready(self, node: Node) -> bool:
        return node.role == CONST or id(node) in self.defined

    def guard(self, index: int, guard: tuple[str, Node, Any, Any]) -> None:
        """``if <not the traced outcome>: raise _Retrace(i)``: the condition the trace took."""
        what, node, other, result = guard
        if node.role == CONST and (not isinstance(other, Node) or other.role == CONST):
            return  # a condition on constants holds forever
        a = self.atom(node)
        shown = f"{node.name} {what} {other.name if isinstance(other, Node) else other!r}"
        if what == "float":
            value = float(result)
            test = f"{a} != {literal(value)}" if value == value else f"{a} == {a}"
            shown = f"float({node.name}) == {value!r}"
        else:
            cond = f"{a} != 0.0" if what == "bool" else f"{a} {what} {self.atom(other)}"
            if what == "bool":
                shown = f"bool({node.name})"
            if isinstance(result, np.ndarray):
                test = f"not np.array_equal({cond}, {self.constant(np.asarray(result))})"
            else:
                test = f"not ({cond})" if result else cond
            shown += f" was {bool(result) if not isinstance(result, np.ndarray) else 'this mask'}"
        self.emit(f"if {test}:", f"guard {index}: {shown}")
        self.emit(f"    raise _Retrace({index})")

    # ---- backward --------------------------------------------------------------------------

    def seed(self, out: Node) -> None:
        """``g_out = 1`` (ones for a batch); a leaf output accumulates it."""
        one = "1.0" if out.kind is None else f"np.ones({out.kind!r})"
        self.accumulate(out, one, f"∂{out.name}/∂{out.name} = 1", out.grad_kind)

    def accumulate(self, node: Node, contribution: str, comment: str, kind: Kind) -> None:
        """``g_node = c`` the first time, ``g_node += c`` (``g = g + c`` for arrays) after.

        A number's products wait until the last of its uses has given one, or until its
        gradient is read (:meth:`flush`), then go in as one sum, a line each:
        ``g = (c1 + c2 + …)`` adds them in the same order as ``g = c1; g += c2; …`` and
        runs faster (fewer stores and loads)."""
        if kind is None and node.grad_kind is None and self.registers is None:
            terms = self.pending.setdefault(id(node), (node, []))[1]
            terms.append((contribution, comment))
            if len(terms) >= len(node.consumers) and id(node) not in self.deferred:
                self.flush(node)
            return
        self.write(node, contribution, comment, kind)

    def flush(self, node: Node) -> None:
        """Write the products waiting for ``node``'s gradient (before it is read)."""
        entry = self.pending.pop(id(node), None)
        if entry is None:
            return
        terms = entry[1]
        if len(terms) == 1:
            self.write(node, *terms[0], None)
            return
        g = self.gvar(node)
        fresh = id(node) not in self.assigned
        self.assigned.add(id(node))
        self.emit(f"{g} = (")
        if not fresh:
            self.emit(f"    {g}", "so far")
        for k, (text, comment) in enumerate(terms):
            self.emit(f"    {'' if fresh and not k else '+ '}{text}", comment)
        self.emit(")")

    def flush_all(self) -> None:
        """Write every waiting sum (at the end of a loop body, before returning)."""
        for node, _ in list(self.pending.values()):
            self.flush(node)

    def write(self, node: Node, contribution: str, comment: str, kind: Kind) -> None:
        g = self.gvar(node)
        if id(node) not in self.assigned:
            self.assigned.add(id(node))
            self.emit(f"{g} = {contribution}", comment)
        elif kind is None and node.grad_kind is None:
            self.emit(f"{g} += {contribution}", comment)
        else:
            self.emit(f"{g} = {g} + {contribution}", comment)

    def backward(self, node: Node, skip: Iterable[int] = ()) -> None:
        """One chain-rule product per parent that needs a gradient: ``g_p += g_n · ∂n/∂p``."""
        self.flush(node)
        if node.role != OP or not node.needs_grad or id(node) not in self.assigned:
            return
        op = node.op
        assert op is not None
        template = self.template(node)
        operands = node.operands()
        atoms = self.operand_atoms(node)
        d = ""
        if not template.symbolic_partials:
            d = self.namer.claim(f"d_{self.var(node)}")
            self.emit(f"{d} = {fill(template.partials_call, atoms, out=self.var(node))}")
        names = [o.name if isinstance(o, Node) else atoms[k] for k, o in enumerate(operands)]
        g = self.gvar(node)
        if self.registers is not None:  # g is read below for the last time: free it after
            self.registers.release_after.append(g)
        skipped = set(skip)
        for i, parent in enumerate(node.parents):
            if not parent.needs_grad or i in skipped:
                continue
            partial = fill(template.partials[i], atoms, out=self.var(node), d=d)
            kind = broadcast(node.grad_kind, template.partial_kinds[i])
            text = product(g, partial, numbers=kind is None and node.kind is None)
            text, kind = self.reduce(parent, text, kind)
            formula = (
                op.explain(i, names, node.name)
                if op.kind is not WITH_CONSTANT
                else (op.explain(0, names, node.name))
            )
            self.accumulate(parent, text, f"∂{node.name}/∂{parent.name} = {formula}", kind)
        if self.registers is not None:
            self.registers.free_grads()

    def reduce(self, parent: Node, text: str, kind: Kind) -> tuple[str, Kind]:
        """Sum a batch contribution flowing into a single number (:func:`reduce_to`)."""
        if kind is None:
            return text, None
        if parent.kind is None:
            return (f"float({text}.sum())" if _is_name(text) else f"float(({text}).sum())"), None
        if kind != parent.kind:
            fn = self.names.name_of(reduce_to, "reduce_to")
            return f"{fn}({self.atom(parent)}, {text})", parent.kind
        return text, kind

    # ---- the function around the lines ---------------------------------------------------

    def loads(self) -> None:
        """Unpack the inputs' data and gradients, and read the arguments' data slots."""
        graph = self.graph
        inputs = graph.inputs
        if inputs:
            self.unpack(
                [self.var(n) for n in inputs], "_inputs", "inputs: the data of the Values read"
            )
        wanting = [n for n in inputs if n.wants_grad]
        if wanting:
            gs = [self.gvar(n) for n in wanting]
            self.unpack(gs, "_grads", "their gradients so far (leaves accumulate)")
            self.assigned.update(id(n) for n in wanting)
        for node in graph.args:
            if id(node) in self.skip_loads:
                continue
            self.emit(f"{self.var(node)} = _data[{node.slot}]", f"argument {node.name}")
            if node.wants_grad:
                self.emit(f"{self.gvar(node)} = 0.0")
                self.assigned.add(id(node))
        for node in graph.nodes:
            if node.role in (INPUT, ARG):
                self.defined.add(id(node))
        self.check_guards()

    def unpack(self, targets: list[str], source: str, comment: str) -> None:
        if len(targets) == 1:
            self.emit(f"({targets[0]},) = {source}", comment)
            return
        self.emit("(", comment)
        self.emit_rows(targets)
        self.emit(f") = {source}")

    def emit_rows(self, items: list[str]) -> None:
        """``items`` inside a parenthesised tuple, as many per line as fit 80 columns."""
        row: list[str] = []
        width = 0
        for item in items:
            row.append(item)
            width += len(item) + 2
            if width > 80:
                self.emit("    " + ", ".join(row) + ",")
                row, width = [], 0
        if row:
            self.emit("    " + ", ".join(row) + ",")

    def returns(self) -> None:
        self.flush_all()
        graph = self.graph
        grads = [self.grad_or_zero(n) for n in graph.inputs if n.wants_grad]
        args = [self.grad_or_zero(n) for n in graph.args if n.wants_grad]
        aux = [self.aux_text.get(id(n)) or self.atom(n) for n in graph.aux]
        if len(grads) > 8:
            self.emit("_new_grads = (", "the inputs' gradients, in the order they came")
            self.emit_rows(grads)
            self.emit(")")
            grads_text = "_new_grads"
        else:
            grads_text = _tuple(grads)
        self.emit(f"return {self.atom(graph.out)}, {_tuple(aux)}, {grads_text}, {_tuple(args)}")

    def grad_or_zero(self, node: Node) -> str:
        return self.gvar(node) if id(node) in self.assigned else "0.0"

    def source(self, docstring: str) -> str:
        head = f"def {self.function_name}(_inputs, _grads, _data):"
        doc = ['    """' + escaped(docstring.strip()).replace('"', '\\"') + '\n    """']
        return "\n".join([head, *doc, *self.lines]) + "\n"


def _tuple(items: list[str]) -> str:
    if not items:
        return "()"
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


class Registers:
    """Variable names reused in big straight-line code.

    A frame with 120,000 local variables is slow to run (most take an extended argument,
    none stays in cache): a value that the backward pass, a guard or the output never read
    lives in a temporary ``t0, t1…`` only until its last use in the forward pass, and a
    node's gradient ``g0, g1…`` only until it has been passed on to its operands.
    """

    def __init__(self, emitter: Emitter) -> None:
        graph = emitter.graph
        read: set[int] = {id(graph.out), *(id(a) for a in graph.aux)}
        for _, node, other, _ in graph.guards:
            read.add(id(node))
            if isinstance(other, Node):
                read.add(id(other))
        for node in graph.nodes:
            if node.role == OP and node.needs_grad:
                template = emitter.template(node)
                texts = " ".join(template.partials)
                if not template.symbolic_partials:
                    texts += template.partials_call
                operands = node.operands()
                for key in set(PLACEHOLDER.findall(texts)):
                    if key == "out":
                        read.add(id(node))
                    elif key.isdigit() and isinstance(operands[int(key)], Node):
                        read.add(id(operands[int(key)]))
        self.last_use: dict[int, int] = {}
        self.temporary: set[int] = set()
        for node in graph.nodes:
            if node.role in (OP, ALIAS) and id(node) not in read:
                self.temporary.add(id(node))
            for p in node.parents:
                self.last_use[id(p)] = node.index
            if node.source is not None:
                self.last_use[id(node.source)] = node.index
        self.temporary_grads = {
            id(n) for n in graph.nodes if n.role == OP and n.needs_grad and not n.wants_grad
        }
        self.free: dict[str, list[str]] = {"t": [], "g": []}
        self.count: dict[str, int] = {"t": 0, "g": 0}
        self.namer = emitter.namer
        self.release_after: list[str] = []

    def take(self, kind: str) -> str:
        pool = self.free[kind]
        if pool:
            return pool.pop()
        self.count[kind] += 1
        return self.namer.claim(f"{kind}{self.count[kind]}")

    def define(self, node: Node, emitter: Emitter) -> str:
        if id(node) in self.temporary:
            node.var = self.take("t")
        return emitter.var(node)

    def release_operands(self, node: Node) -> None:
        """Free the temporaries this node reads for the last time."""
        operands = list(node.parents) + ([node.source] if node.source is not None else [])
        for p in operands:
            if id(p) in self.temporary and self.last_use.get(id(p)) == node.index and p.var:
                self.free["t"].append(p.var)
                self.temporary.discard(id(p))

    def free_grads(self) -> None:
        self.free["g"].extend(self.release_after)
        self.release_after.clear()


REGISTERS_ABOVE = 3000
"""Straight-line code for more op nodes than this reuses variables (see Registers)."""


def straight_line(emitter: Emitter) -> None:
    """Every node's forward line in topological order, then the backward in reverse."""
    graph = emitter.graph
    if sum(1 for n in graph.nodes if n.role == OP) > REGISTERS_ABOVE:
        emitter.registers = Registers(emitter)
    emitter.loads()
    emitter.blank("forward")
    for node in graph.nodes:
        if node.role in (OP, ALIAS):
            emitter.forward(node)
    emitter.blank("backward")
    emit_backward(emitter, graph.nodes)
    emitter.returns()


def emit_backward(emitter: Emitter, nodes: list[Node]) -> None:
    """The seed, then each node's chain-rule products, in reverse topological order."""
    out = emitter.graph.out
    if out.needs_grad:
        emitter.seed(out)
    for node in reversed(nodes):
        emitter.backward(node)


def described_kind(kind: Kind) -> str:
    return "a number" if kind is None else f"an array of shape {kind}"


__all__ = ["ARG", "INPUT", "Emitter", "emit_backward", "straight_line"]


def _is_name(text: str) -> bool:
    return text.isidentifier()
