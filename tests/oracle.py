"""CPython as the judge of nbscope's scope model: generated notebooks, run for real.

A seeded generator writes small multi-cell programs (pure Python, stdlib only)
over a small pool of names, so that reads, bindings, deletions and
re-definitions of the same names collide often. Every program is run by
CPython the way a kernel runs a notebook (cells exec'd in order in one shared
namespace with ``__name__ == "__main__"``; a fresh namespace per program; many
programs per subprocess, each with a 2 s alarm against endless loops) and
checked by nbscope (``check_notebook`` with a ``Workspace`` over an empty
folder, so that ``from math import *`` is listed); the two are then compared.

Agreement rules
---------------
CPython's outcome for a program is the first exception a cell raises (Run All
stops there) or none. A NameError/UnboundLocalError gives ``(cell k, name n,
type)``; ``k`` is the top-level cell whose run raised it, even when the read is
inside a function called from ``k``. Any other exception stops the run at its
cell ``s``: nothing after ``s`` is compared. nbscope's outcome is
``report.first_failure`` (a *certain* failure) and ``report.findings``.

1. *Certain failures must be real* (``wrong-certain-failure``). When
   ``first_failure`` is not None it must equal CPython's ``(cell, name, error)``
   exactly, unless CPython stopped before reaching that read: in an earlier
   cell, or in the same cell on an earlier line than (or the same line as) the
   last error finding nbscope has for that name there (another exception, or a
   NameError on a path nbscope only calls possible; rule 2 judges that one).
2. *NameErrors must be found* (``missed-name-error``). When CPython raises a
   NameError/UnboundLocalError for ``n`` at cell ``k``, nbscope must have a
   finding for ``n``, of any severity and cause, either at cell ``k`` (the read
   there, or the call there into a function that reads ``n``), or at the very
   line CPython raised it from (the innermost traceback frame: nbscope reports
   a function's own reads once, where the function reads the name, e.g.
   ``unbound-local`` or a name no cell binds; a ``repeat`` place in a finding's
   ``related`` counts as a finding at its line), or ``first_failure`` must equal
   CPython's failure. A ``conditional`` finding is fine: the failing path may
   depend on runtime values.
3. *Noise is counted, not failed.* When CPython raises no NameError, non-certain
   findings are allowed; programs with an error-severity finding in a cell that
   CPython ran are counted as ``noise`` (a number to watch). A certain failure
   there is a rule-1 disagreement.
4. Programs must compile: the generator asserts that every cell compiles, a
   SyntaxError from CPython stops the run with an assertion, and a SyntaxError
   ``first_failure`` is a rule-1 disagreement.

Missed NameErrors that come from a documented design limit of nbscope (calls it
does not follow: methods, returned closures, generator bodies run by iteration,
free variables of enclosing functions) are excused by ``KNOWN_LIMITS``, each
with a reason, a matcher as narrow as the traceback allows, and a count. Every
other disagreement is a bug and makes the test fail.

Run ``python3 tests/oracle.py --programs 100000 --seed 1`` for the counts (exit
status 1 when a disagreement is not excused), ``--show SEED`` to print and judge
one program, ``--minimise SEED`` to shrink its disagreement to fewer statements.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

try:
    import nbscope  # noqa: F401
except ImportError:  # run as a script from a checkout: make the checkout importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from nbscope.analyze import check_notebook  # noqa: E402
from nbscope.findings import Cause, FirstFailure, NotebookReport, Severity  # noqa: E402
from nbscope.model import Cell, Notebook, Span  # noqa: E402
from nbscope.workspace import Workspace  # noqa: E402

# --- the generator ---------------------------------------------------------------------------
#
# Names have roles so that arithmetic stays on ints (few TypeErrors) while the
# same names are bound, read, deleted and rebound across cells:
#   ints:        a b c d e i k x y   (``e`` is also an ``except ... as e`` target and
#                                     math's ``e`` after ``from math import *``)
#   functions:   f g                 plain functions or lambdas returning an int,
#                                     callable as ``f()`` or ``f(1)``
#   generators:  h                   generator functions: ``h()``, ``list(h())``
#   classes:     C D                 always bind ``z`` (first) and ``m(self, p=...)``
#   sequences:   seq                 only iterated: bound to literals of ints (some empty)
#   helpers:     deco (identity decorator), mk (returns a closure), w/ww/www
#                (``while`` counters, never written anywhere else)
# Calls only go "down" a fixed order (methods > f > g > h, mk) so nothing recurses.

INTS = ("a", "b", "c", "d", "e", "i", "k", "x", "y")
CLASSES = ("C", "D")
COUNTERS = ("w", "ww", "www")
COMP_VARS = ("v", "v", "v", "i", "x", "k")  # comprehension targets: some leak-test pool names
CALL_LEVEL = {"f": 3.0, "g": 2.0, "h": 1.0, "mk": 1.0, "method": 4.0}
MAX_DEPTH = 3
SEQUENCES = ("[1, 2]", "[3]", "(4,)", "{1: 2}", "{5, 6}", "b'ab'", "[]", "()", "[1, 2]")


@dataclass
class Func:
    """The function whose body is being generated."""

    kind: str  # f, g, h, mk, inner, method, lambda
    params: tuple[str, ...]
    globals: frozenset[str] = frozenset()
    nonlocals: frozenset[str] = frozenset()
    bound: set[str] = field(default_factory=set)  # locals bound so far (nonlocal candidates)
    outer: Func | None = None


@dataclass(frozen=True)
class Ctx:
    level: float = 10.0  # may call f if > 3, g if > 2, h/mk if > 1, C().m() if > 4
    indent: str = ""
    loop: str | None = None  # innermost loop of this scope: for, while, forever
    func: Func | None = None
    cls: bool = False  # directly in a class body
    depth: int = 0
    nonint: frozenset[str] = frozenset()  # names that hold no int here (``except as e``)
    comp: frozenset[str] = frozenset()  # comprehension variables in scope
    frozen: frozenset[str] = frozenset()  # names that must not be written (loop counters)
    no_walrus: bool = False  # comprehension iterable, class-body comprehension, lambda
    in_fstring: bool = False  # no nested f-strings (same quotes: a SyntaxError before 3.12)

    def at(self, **changes: object) -> Ctx:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values.update(changes)
        return Ctx(**values)  # type: ignore[arg-type]

    def inner(self) -> Ctx:
        return self.at(indent=self.indent + "    ", depth=self.depth + 1)

    @property
    def module(self) -> bool:
        return self.func is None and not self.cls


class Generator:
    """``Generator(seed).program()``: a list of cell sources, the same for the same seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.needs_contextlib = False
        # Module-level names probably bound at this point of the program: reads, calls and
        # ``del`` mostly pick these, so runs get past the first cells.
        self.bound: set[str] = set()

    # --- helpers --------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, options: Sequence[tuple[float, Callable[[], object]]]) -> object:
        total = sum(w for w, _ in options if w > 0)
        r = self.rng.random() * total
        for weight, build in options:
            if weight <= 0:
                continue
            r -= weight
            if r < 0:
                return build()
        return options[-1][1]()

    def lit(self) -> str:
        return str(self.rng.choice((0, 1, 1, 2, 3, 5)))

    def readable(self, ctx: Ctx) -> list[str]:
        names = [n for n in INTS if n not in ctx.nonint]
        if self.chance(0.99):
            known = self.bound | ctx.func.bound if ctx.func is not None else self.bound
            names = [n for n in names if n in known]
        names += [n for n in sorted(ctx.comp) if n not in names] * 3
        if ctx.func is not None:
            names += [p for p in ctx.func.params if p != "self" and p not in names] * 2
        return names

    def likely(self, name: str) -> float:
        """A weight: names bound at this point are used much more often than others."""
        return 1.0 if name in self.bound else 0.005

    def name(self, ctx: Ctx) -> str:
        names = self.readable(ctx)
        return self.rng.choice(names) if names else self.lit()

    def writable(self, ctx: Ctx) -> list[str]:
        return [n for n in INTS if n not in ctx.frozen and n not in ctx.comp]

    def target(self, ctx: Ctx, reads: bool = False) -> str:
        names = self.writable(ctx)
        if reads and self.chance(0.99):  # ``x += 1`` reads x first
            known = self.bound | ctx.func.bound if ctx.func is not None else self.bound
            names = [n for n in names if n in known] or names
        name = self.rng.choice(names)
        self.note_bind(ctx, name)
        return name

    def note_bind(self, ctx: Ctx, name: str, certain: bool = True) -> None:
        if ctx.module and ((certain and ctx.depth == 0) or self.chance(0.2)):
            self.bound.add(name)
        func = ctx.func
        if func is not None and not ctx.cls and name not in func.globals | func.nonlocals:
            func.bound.add(name)

    def note_unbind(self, ctx: Ctx, name: str) -> None:
        if ctx.module and (ctx.depth == 0 or self.chance(0.5)):
            self.bound.discard(name)

    # --- expressions (all int-valued) -----------------------------------------------------

    def expr(self, ctx: Ctx, depth: int = 0) -> str:
        deep = depth < 2
        return str(self.pick([
            (40, lambda: self.name(ctx)),
            (16, self.lit),
            (16 if deep else 0, lambda: self.binop(ctx, depth)),
            (10, lambda: self.call(ctx)),
            (3 if deep and not ctx.in_fstring else 0, lambda: self.fstring(ctx)),
            (6 if deep else 0, lambda: self.comprehension(ctx)),
            (3 * max(self.likely("C"), self.likely("D")), lambda: self.class_read(ctx)),
            (3 if deep else 0, lambda: f"({self.expr(ctx, depth + 1)} if {self.cond(ctx)} "
                                       f"else {self.expr(ctx, depth + 1)})"),
            (2 if not ctx.no_walrus and not ctx.cls else 0, lambda: self.walrus(ctx, depth)),
            (0.8 * self.likely("pi"), lambda: self.rng.choice(
                ("int(sqrt(4))", "int(pi)", "int(e)") if "e" not in ctx.nonint else ("int(pi)",))),
            (1 if deep else 0,
             lambda: f"(lambda: {self.expr(ctx.at(level=0, no_walrus=True), 2)})()"),
        ]))

    def fstring(self, ctx: Ctx) -> str:
        inner = ctx.at(in_fstring=True)
        return f'len(f"{{{self.expr(inner, 2)}}}-{{{self.expr(inner, 2)}}}")'

    def binop(self, ctx: Ctx, depth: int) -> str:
        left = self.expr(ctx, depth + 1)
        if self.chance(0.2):
            return f"{left} * {self.rng.choice((2, 3))}"
        return f"{left} {self.rng.choice(('+', '-', '+'))} {self.expr(ctx, depth + 1)}"

    def walrus(self, ctx: Ctx, depth: int) -> str:
        name = self.rng.choice([n for n in self.writable(ctx) if n not in ctx.comp])
        value = self.expr(ctx, depth + 1)
        self.note_bind(ctx, name, certain=False)  # may sit in a branch or a comprehension
        return f"({name} := {value})"

    def args(self, ctx: Ctx) -> str:
        return self.expr(ctx, 2) if self.chance(0.33) else ""

    def call(self, ctx: Ctx) -> str:
        level = ctx.level
        options: list[tuple[float, Callable[[], object]]] = [
            (5 * self.likely("f") if level > 3 else 0, lambda: f"f({self.args(ctx)})"),
            (5 * self.likely("g") if level > 2 else 0, lambda: f"g({self.args(ctx)})"),
            (2 * self.likely("h") if level > 1 else 0,
             lambda: self.rng.choice(("len(list(h()))", "sum(h())", "sum(h(2))"))),
            (1 * self.likely("mk") if level > 1 else 0, lambda: "mk()()"),
            (2 * max(map(self.likely, CLASSES)) if level > 4 else 0,
             lambda: f"{self.klass()}().m()"),
            (1, lambda: f"abs({self.expr(ctx, 2)})"),
        ]
        return str(self.pick(options))

    def klass(self) -> str:
        return str(self.pick([(self.likely(c), lambda c=c: c) for c in CLASSES]))

    def class_read(self, ctx: Ctx) -> str:
        return f"{self.klass()}.z"

    def cond(self, ctx: Ctx) -> str:
        return str(self.pick([
            (3, lambda: f"{self.name(ctx)} % 2 == 0"),
            (2, lambda: f"len([1, 2]) > {self.name(ctx)}"),
            (2, lambda: f"{self.expr(ctx, 2)} > {self.expr(ctx, 2)}"),
            (1, lambda: self.name(ctx)),
            (2, lambda: self.rng.choice(("True", "False", "1", "0", "1 < 2",
                                         "__name__ == '__main__'"))),
        ]))

    def comprehension(self, ctx: Ctx) -> str:
        var = self.rng.choice([v for v in COMP_VARS if v not in ctx.frozen])
        iterable = self.iterable(ctx.at(no_walrus=True))
        inner = ctx.at(comp=ctx.comp | {var}, no_walrus=ctx.no_walrus or ctx.cls)
        element = self.expr(inner, 1)
        condition = f" if {self.cond(inner)}" if self.chance(0.2) else ""
        body = f"{element} for {var} in {iterable}{condition}"
        return str(self.pick([
            (4, lambda: f"sum([{body}])"),
            (2, lambda: f"sum({body})"),
            (2, lambda: f"len([{body}])"),
            (1, lambda: f"len({{{body}}})"),
            (1, lambda: f"len({{{var}: {element} for {var} in {iterable}{condition}}})"),
        ]))

    def iterable(self, ctx: Ctx) -> str:
        return str(self.pick([
            (5, lambda: f"range({self.rng.choice((0, 1, 2, 3, 3))})"),
            (3, lambda: self.rng.choice(("[1, 2]", "[3]", "[]", "(1, 2)"))),
            (2, lambda: f"list(range({self.name(ctx)} % 3))"),
            (1, lambda: f"[{self.expr(ctx, 2)}, {self.expr(ctx, 2)}]"),
            (self.likely("h") if ctx.level > 1 else 0, lambda: "h()"),
            (2, lambda: self.rng.choice(("{1: 2}", "{4, 5}", "b'ab'", "b''", "()", "range(1, 3)",
                                         "range(3, 0, -1)", "range(2, 2)", "{1: 2}.items()",
                                         "{}.values()", "{3: 4}.keys()"))),
            (1.5, lambda: "seq"),
        ]))

    def sequence(self, ctx: Ctx) -> list[str]:
        """``seq``: only ever iterated; bound to literals of ints, some empty, or emptied."""
        if self.chance(0.15):
            return [f"{ctx.indent}seq.clear()"]  # an AttributeError on a tuple or bytes
        return [f"{ctx.indent}seq = " + self.rng.choice(SEQUENCES)]

    # --- statements -------------------------------------------------------------------------

    def block(self, ctx: Ctx, low: int = 1, high: int = 2) -> list[str]:
        lines: list[str] = []
        for _ in range(self.rng.randint(low, high)):
            lines += self.statement(ctx)
        return lines

    def statement(self, ctx: Ctx) -> list[str]:
        compound = (0.7, 0.3, 0.1)[ctx.depth] if ctx.depth < MAX_DEPTH else 0.0
        func = ctx.func
        in_func = func is not None and not ctx.cls
        options: list[tuple[float, Callable[[], object]]] = [
            (14, lambda: self.assign(ctx)),
            (5, lambda: self.augassign(ctx)),
            (4, lambda: self.unpack(ctx)),
            (10, lambda: self.read(ctx)),
            (6 if not ctx.cls else 1, lambda: self.delete(ctx)),
            (6 if not ctx.cls else 2, lambda: [f"{ctx.indent}{self.call(ctx)}"]),
            (8 * compound, lambda: self.if_(ctx)),
            (6 * compound, lambda: self.for_(ctx)),
            (3 * compound, lambda: self.while_(ctx)),
            (6 * compound, lambda: self.try_(ctx)),
            (3 * compound, lambda: self.with_(ctx)),
            (3 * compound, lambda: self.match(ctx)),
            (2, lambda: self.assertion(ctx)),
            (1 if not ctx.cls else 0, lambda: [f"{ctx.indent}{self.walrus(ctx, 1)}"]),
            (1, lambda: [f"{ctx.indent}({self.expr(ctx, 2)} for v in range(2))"]),
            (1 * self.likely("h") if ctx.level > 1 else 0,  # a generator not iterated
             lambda: [f"{ctx.indent}h({self.args(ctx)})"]),
            (0.7, lambda: self.comprehension_leak(ctx)),
            (3 if ctx.loop else 0, lambda: self.jump(ctx)),
            (2 if in_func else 0, lambda: self.early_return(ctx)),
            (1 if in_func and func.kind == "h" else 0,
             lambda: [f"{ctx.indent}yield {self.expr(ctx)}"]),
        ]
        if ctx.module:
            options += [
                (2 if compound else 0, lambda: self.funcdef(ctx, "f")),
                (2 if compound else 0, lambda: self.funcdef(ctx, "g")),
                (1.5 if compound else 0, lambda: self.funcdef(ctx, "h")),
                (1, lambda: self.lambda_(ctx)),
                (0.8, lambda: self.mk(ctx)),
                (0.8, lambda: self.deco(ctx)),
                (2 if compound else 0, lambda: self.classdef(ctx)),
                (0.6 if ctx.depth == 0 else 0, lambda: self.star_import(ctx)),
                (0.5, lambda: self.annotated(ctx, f" = {self.expr(ctx)}")),
                (0.3, lambda: self.annotated(ctx, "")),
                (0.5 if "__annotations__" in self.bound else 0,
                 lambda: [f"{ctx.indent}print(len(__annotations__))"]),
                (1, lambda: self.sequence(ctx)),
            ]
        if in_func and func.kind in ("f", "g", "method") and ctx.depth <= 2 and compound:
            options.append((2, lambda: self.closure(ctx)))
            options.append((0.7, lambda: self.local_class(ctx)))
        if in_func and func.kind != "lambda":
            options.append((0.4, lambda: self.local_annotation(ctx)))
        return self.pick(options)  # type: ignore[return-value]

    def annotated(self, ctx: Ctx, value: str) -> list[str]:
        """``x: int = ...`` or ``x: int``: either makes the module's ``__annotations__``."""
        if value:
            name = self.target(ctx)
        else:
            name = self.rng.choice(INTS)
        self.note_bind(ctx, "__annotations__")
        return [f"{ctx.indent}{name}: int{value}"]

    def star_import(self, ctx: Ctx) -> list[str]:
        for name in ("pi", "sqrt", "e"):
            self.note_bind(ctx, name)
        return [f"{ctx.indent}from math import *"]

    def comprehension_leak(self, ctx: Ctx) -> list[str]:
        """A comprehension variable read after its comprehension: bound only if the name
        is bound outside too."""
        var = self.rng.choice([v for v in ("i", "x", "k") if v not in ctx.frozen])
        target = self.target(ctx)
        return [f"{ctx.indent}{target} = sum([{var} * 2 for {var} in range(2)])",
                f"{ctx.indent}print({target}, {var})"]

    def assign(self, ctx: Ctx) -> list[str]:
        value = self.expr(ctx)
        return [f"{ctx.indent}{self.target(ctx)} = {value}"]

    def augassign(self, ctx: Ctx) -> list[str]:
        value = self.expr(ctx, 1)
        name = self.target(ctx, reads=True)
        if name in ctx.nonint:
            return [f"{ctx.indent}{name} = {value}"]
        return [f"{ctx.indent}{name} {self.rng.choice(('+=', '-=', '+='))} {value}"]

    def unpack(self, ctx: Ctx) -> list[str]:
        known = [n for n in self.writable(ctx) if n in self.bound and n not in ctx.nonint]
        if len(known) >= 2 and self.chance(0.3):
            first, second = self.rng.sample(known, 2)
            self.note_bind(ctx, first)
            self.note_bind(ctx, second)
            return [f"{ctx.indent}{first}, {second} = {second}, {first}"]
        values = f"{self.expr(ctx, 1)}, {self.expr(ctx, 1)}"
        first, second = self.rng.sample(self.writable(ctx), 2)
        self.note_bind(ctx, first)
        self.note_bind(ctx, second)
        return [f"{ctx.indent}{first}, {second} = {values}"]

    def read(self, ctx: Ctx) -> list[str]:
        any_name = self.name(ctx.at(nonint=frozenset()))  # print() reads any value
        return [str(self.pick([
            (4, lambda: f"{ctx.indent}print({self.expr(ctx)}, {any_name})"),
            (2, lambda: f'{ctx.indent}print(f"{{{any_name}}} '
                        f'{{{self.expr(ctx.at(in_fstring=True), 1)}}}")'),
            (2, lambda: f"{ctx.indent}{self.expr(ctx)}"),
        ]))]

    def delete(self, ctx: Ctx) -> list[str]:
        names = self.writable(ctx)
        if ctx.module:
            names += ["f", "g", "h", "C", "D", "deco", "mk"]
        if self.chance(0.97):
            names = [n for n in names if n in self.bound]
            if not names:
                return self.assign(ctx)
        chosen = self.rng.sample(names, 2 if len(names) > 1 and self.chance(0.15) else 1)
        for name in chosen:
            self.note_bind(ctx, name)  # ``del`` makes a name local to a function
            self.note_unbind(ctx, name)
        return [f"{ctx.indent}del {', '.join(chosen)}"]

    def if_(self, ctx: Ctx) -> list[str]:
        lines = [f"{ctx.indent}if {self.cond(ctx)}:", *self.block(ctx.inner())]
        if self.chance(0.2):
            lines += [f"{ctx.indent}elif {self.cond(ctx)}:", *self.block(ctx.inner())]
        if self.chance(0.45):
            lines += [f"{ctx.indent}else:", *self.block(ctx.inner())]
        return lines

    def loop_ctx(self, ctx: Ctx, kind: str) -> Ctx:
        return ctx.inner().at(loop=kind)

    def for_(self, ctx: Ctx) -> list[str]:
        iterable = self.iterable(ctx)
        if self.chance(0.15):
            first, second = self.rng.sample(self.writable(ctx), 2)
            self.note_bind(ctx, first)
            self.note_bind(ctx, second)
            head = f"for {first}, {second} in enumerate({iterable}):"
        else:
            head = f"for {self.target(ctx)} in {iterable}:"
        lines = [f"{ctx.indent}{head}", *self.block(self.loop_ctx(ctx, "for"))]
        if self.chance(0.25):
            lines += [f"{ctx.indent}else:", *self.block(ctx.inner())]
        return lines

    def while_(self, ctx: Ctx) -> list[str]:
        counter = next(c for c in COUNTERS if c not in ctx.frozen)
        body_ctx = self.loop_ctx(ctx, "while").at(frozen=ctx.frozen | {counter})
        if self.chance(0.35):
            body = self.block(self.loop_ctx(ctx, "forever").at(frozen=ctx.frozen | {counter}))
            return [f"{ctx.indent}while True:", *body, f"{ctx.indent}    break"]
        bound = self.rng.choice((0, 1, 2, 3))
        lines = [f"{ctx.indent}{counter} = 0", f"{ctx.indent}while {counter} < {bound}:",
                 f"{ctx.indent}    {counter} += 1", *self.block(body_ctx)]
        if self.chance(0.2):
            lines += [f"{ctx.indent}else:", *self.block(ctx.inner())]
        return lines

    def jump(self, ctx: Ctx) -> list[str]:
        word = "break" if ctx.loop == "forever" or self.chance(0.5) else "continue"
        if self.chance(0.6):
            return [f"{ctx.indent}if {self.cond(ctx)}:", f"{ctx.indent}    {word}"]
        return [f"{ctx.indent}{word}"]

    def early_return(self, ctx: Ctx) -> list[str]:
        assert ctx.func is not None
        value = "" if ctx.func.kind == "h" else f" {self.expr(ctx)}"
        return [f"{ctx.indent}if {self.cond(ctx)}:", f"{ctx.indent}    return{value}"]

    def divide(self, ctx: Ctx) -> list[str]:
        divisor = str(self.pick([
            (3, lambda: f"({self.name(ctx)} % 2)"),
            (1, lambda: self.rng.choice(("0", "1"))),
        ]))
        if self.chance(0.15):
            return [f"{ctx.indent}raise ZeroDivisionError"]
        return [f"{ctx.indent}{self.target(ctx)} = 1 // {divisor}"]

    def try_(self, ctx: Ctx) -> list[str]:
        inner = ctx.inner()
        statements = [self.statement(inner) for _ in range(self.rng.randint(0, 2))]
        statements.insert(self.rng.randint(0, len(statements)), self.divide(inner))
        if self.chance(0.5):
            statements.append(self.statement(inner))
        lines = [f"{ctx.indent}try:", *(line for s in statements for line in s)]
        handlers = 0 if self.chance(0.12) else 1 + (self.chance(0.15))
        read_e = False
        for number in range(handlers):
            kind = "ZeroDivisionError" if number < handlers - 1 else self.pick([
                (6, lambda: "ZeroDivisionError"),
                (5, lambda: "ZeroDivisionError as e"),
                (1, lambda: "(ZeroDivisionError, ValueError)"),
                (0.7, lambda: "Exception"),
                (0.7, lambda: "NameError"),
                (0.4, lambda: ""),
            ])
            handler_ctx = inner
            if str(kind).endswith(" as e"):
                handler_ctx = inner.at(nonint=inner.nonint | {"e"})
                self.note_bind(ctx, "e")
            lines += [f"{ctx.indent}except{' ' if kind else ''}{kind}:",
                      *self.block(handler_ctx, 1, 2)]
            if handler_ctx is not inner:
                self.note_unbind(ctx, "e")
                read_e = self.chance(0.3)  # ``e`` after the handler: unbound if it ran
        if handlers and self.chance(0.25):
            lines += [f"{ctx.indent}else:", *self.block(inner, 1, 2)]
        if not handlers or self.chance(0.2):
            lines += [f"{ctx.indent}finally:", *self.block(inner, 1, 2)]
        if read_e:
            lines.append(f"{ctx.indent}print(e)")
        return lines

    def with_(self, ctx: Ctx) -> list[str]:
        self.needs_contextlib = True
        value = self.expr(ctx, 1)
        name = self.target(ctx)
        return [f"{ctx.indent}with contextlib.nullcontext({value}) as {name}:",
                *self.block(ctx.inner())]

    def match(self, ctx: Ctx) -> list[str]:
        lines = [f"{ctx.indent}match {self.expr(ctx, 1)}:"]
        case = ctx.indent + "    "
        inner = ctx.inner().inner()
        for _ in range(self.rng.randint(1, 3)):
            pattern = str(self.pick([
                (3, lambda: self.rng.choice(("0", "1", "2", "1 | 2", "3 | 5"))),
                (2, lambda: f"{self.target(ctx)} if {self.cond(ctx)}"),
                (1, lambda: f"[{self.target(ctx)}, *_]"),
            ]))
            lines += [f"{case}case {pattern}:", *self.block(inner, 1, 2)]
        if self.chance(0.5):
            pattern = self.target(ctx) if self.chance(0.5) else "_"
            lines += [f"{case}case {pattern}:", *self.block(inner, 1, 2)]
        return lines

    def assertion(self, ctx: Ctx) -> list[str]:
        message = self.expr(ctx, 1)
        if self.chance(0.1):
            return [f"{ctx.indent}assert {self.expr(ctx, 1)} < 0, {message}"]
        test = "True" if self.chance(0.5) else f"{self.expr(ctx, 1)} > -100"
        return [f"{ctx.indent}assert {test}, {message}"]

    # --- definitions --------------------------------------------------------------------------

    def params(self, ctx: Ctx, forbidden: Iterable[str] = ()) -> list[str]:
        """``p=1`` first (so ``f()`` and ``f(1)`` both work), sometimes a pool name."""
        first = "p"
        if self.chance(0.2):
            first = self.rng.choice([n for n in INTS if n not in forbidden])
        params = [f"{first}={self.lit()}"]
        if self.chance(0.35):
            second = self.rng.choice([n for n in ("q", *INTS) if n not in forbidden
                                      and n != first])
            params.append(f"{second}={self.expr(ctx, 1)}")  # evaluated at the def
        return params

    def decorators(self, ctx: Ctx) -> list[str]:
        return [f"{ctx.indent}@deco"] if self.chance(0.25 * self.likely("deco")) else []

    def deco(self, ctx: Ctx) -> list[str]:
        self.note_bind(ctx, "deco")
        return [f"{ctx.indent}def deco(fn):", f"{ctx.indent}    return fn"]

    def funcdef(self, ctx: Ctx, kind: str) -> list[str]:
        declared = frozenset(self.rng.sample(INTS, self.rng.choice((1, 1, 2))) if self.chance(
            0.25) else ())
        params = self.params(ctx, declared)
        names = tuple(p.split("=")[0] for p in params)
        func = Func(kind, names, globals=declared, bound=set(names))
        body_ctx = Ctx(level=CALL_LEVEL[kind], indent=ctx.indent + "    ", func=func,
                       depth=ctx.depth + 1)
        lines = [*self.decorators(ctx), f"{ctx.indent}def {kind}({', '.join(params)}):"]
        if declared:
            lines.append(f"{body_ctx.indent}global {', '.join(sorted(declared))}")
        if kind == "h":
            lines += self.block(body_ctx, 0, 2)
            lines.append(f"{body_ctx.indent}yield {self.expr(body_ctx)}")
            lines += self.block(body_ctx, 0, 2)
            if self.chance(0.5):
                lines.append(f"{body_ctx.indent}yield {self.expr(body_ctx)}")
        else:
            lines += self.block(body_ctx, 0, 2)
            lines.append(f"{body_ctx.indent}return {self.expr(body_ctx)}")
        self.note_bind(ctx, kind)
        return lines

    def lambda_(self, ctx: Ctx) -> list[str]:
        kind = self.rng.choice(("f", "g"))
        params = self.params(ctx)
        names = tuple(p.split("=")[0] for p in params)
        body_ctx = Ctx(level=CALL_LEVEL[kind], func=Func("lambda", names), no_walrus=True)
        line = f"{ctx.indent}{kind} = lambda {', '.join(params)}: {self.expr(body_ctx)}"
        self.note_bind(ctx, kind)
        return [line]

    def mk(self, ctx: Ctx) -> list[str]:
        func = Func("mk", ("p",), bound={"p"})
        body = Ctx(level=1.0, indent=ctx.indent + "    ", func=func, depth=ctx.depth + 1)
        inner_func = Func("inner", ("p",), outer=func)  # ``p`` is mk's: a free variable
        inner = Ctx(level=0.5, indent=body.indent + "    ", func=inner_func, depth=body.depth + 1)
        lines = [f"{ctx.indent}def mk(p=1):", *self.block(body, 0, 1),
                 f"{body.indent}def inner():", *self.block(inner, 0, 1),
                 f"{inner.indent}return {self.expr(inner)}",
                 f"{body.indent}return inner"]
        self.note_bind(ctx, "mk")
        return lines

    def closure(self, ctx: Ctx) -> list[str]:
        """A nested function in a function: free variables, ``nonlocal``, called or not."""
        outer = ctx.func
        assert outer is not None
        candidates = sorted(outer.bound - outer.globals - outer.nonlocals - {"q"})
        nonlocal_ = frozenset(self.rng.sample(candidates, 1)) if candidates and self.chance(
            0.4) else frozenset()
        func = Func("inner", ("q",), nonlocals=nonlocal_, bound={"q"}, outer=outer)
        body = Ctx(level=ctx.level - 0.5, indent=ctx.indent + "    ", func=func,
                   depth=ctx.depth + 1)
        lines = [f"{ctx.indent}def inner(q=1):"]
        if nonlocal_:
            lines.append(f"{body.indent}nonlocal {', '.join(nonlocal_)}")
        lines += self.block(body, 0, 2)
        lines.append(f"{body.indent}return {self.expr(body)}")
        if self.chance(0.7):
            lines.append(f"{ctx.indent}{self.target(ctx)} = inner()")
        return lines

    def local_annotation(self, ctx: Ctx) -> list[str]:
        """``x: int`` in a function: ``x`` is local to it and still unbound (a nested
        function reading it fails, a ``nonlocal`` assignment can bind it)."""
        func = ctx.func
        assert func is not None
        names = [n for n in self.writable(ctx) if n not in func.globals | func.nonlocals
                 and n not in func.params and n not in ctx.nonint]
        if not names:
            return self.assign(ctx)
        name = self.rng.choice(names)
        func.bound.add(name)  # local now: a candidate for a nested ``nonlocal``
        return [f"{ctx.indent}{name}: int"]

    def local_class(self, ctx: Ctx) -> list[str]:
        """A class body in a function: it runs at once and reads the function's variables
        as they are then (one assigned only later is a NameError)."""
        func = ctx.func
        assert func is not None
        names = [n for n in INTS if n not in ctx.nonint and n not in ctx.comp]
        read = self.rng.choice(names) if self.chance(0.3) else self.name(ctx)
        body = ctx.inner()
        return [f"{ctx.indent}class K:", f"{body.indent}t = {read}",
                f"{ctx.indent}{self.target(ctx)} = K.t"]

    def classdef(self, ctx: Ctx) -> list[str]:
        name = self.rng.choice(CLASSES)
        base = f"({self.klass()})" if self.chance(0.15 * max(map(self.likely, CLASSES))) else ""
        body = Ctx(level=4.5, indent=ctx.indent + "    ", cls=True, depth=ctx.depth + 1,
                   no_walrus=True)
        lines = [*self.decorators(ctx), f"{ctx.indent}class {name}{base}:",
                 f"{body.indent}z = {self.expr(body, 1)}"]
        for _ in range(self.rng.randint(0, 2)):
            lines += self.pick([
                (3, lambda: [f"{body.indent}{self.rng.choice(INTS)} = {self.expr(body, 1)}"]),
                (2, lambda: [f"{body.indent}{self.rng.choice(INTS)} = "
                             f"sum([{self.attribute(body)} + v for v in range(2)])"]),
                (1, lambda: [f"{body.indent}{self.rng.choice(INTS)} = "
                             f"sum([v for v in range({self.attribute(body)} % 3)])"]),
                (1, lambda: self.statement(body)),
            ])  # type: ignore[operator]
        method = Func("method", ("self", "p"), bound={"self", "p"})
        method_ctx = Ctx(level=CALL_LEVEL["method"], indent=body.indent + "    ",
                         func=method, depth=body.depth + 1)
        default = self.lit() if self.chance(0.7) else self.expr(body, 1)
        if self.chance(0.15):  # the names the compiler gives a class body
            lines.append(f"{body.indent}{self.rng.choice(INTS)} = "
                         f"len(__qualname__) + len(__module__)")
        # A method reads the class's ``__class__`` cell (filled once the class exists).
        class_cell = " + len(__class__.__name__)" if self.chance(0.15) else ""
        lines += [f"{body.indent}def m(self, p={default}):", *self.block(method_ctx, 0, 2),
                  f"{method_ctx.indent}return {self.expr(method_ctx)}{class_cell}"]
        self.note_bind(ctx, name)
        return lines

    def attribute(self, ctx: Ctx) -> str:
        """A name read in a class body: ``z`` (a class attribute) or some int."""
        return "z" if self.chance(0.4) else self.name(ctx)

    # --- programs ---------------------------------------------------------------------------

    def cell(self) -> str:
        self.needs_contextlib = False
        lines: list[str] = []
        for _ in range(self.rng.randint(1, 6)):
            lines += self.statement(Ctx())
        if self.needs_contextlib and self.chance(0.9):
            lines.insert(0, "import contextlib")
        return "\n".join(lines) + "\n"

    def program(self) -> list[str]:
        cells = [self.cell() for _ in range(self.rng.randint(2, 6))]
        for index, source in enumerate(cells, start=1):
            try:
                compile(source, f"<cell {index}>", "exec")
            except SyntaxError as exc:  # the generator must not write these
                raise AssertionError(f"generated a SyntaxError ({exc}):\n{source}") from exc
        return cells


def generate(seed: int) -> list[str]:
    """The program for ``seed``: always the same cells."""
    return Generator(seed).program()


def program_seeds(base: int, count: int) -> list[int]:
    """The seeds of a run: program ``j`` of run ``base`` has seed ``base * 10**7 + j``."""
    return [base * 10_000_000 + j for j in range(count)]


# --- CPython, the judge ----------------------------------------------------------------------

_RUNNER = r'''
import io, json, re, signal, sys, traceback

class _Timeout(BaseException):
    pass

def _alarm(signum, frame):
    raise _Timeout()

def _name(exc):
    name = getattr(exc, "name", None)
    if name is None:  # UnboundLocalError and free variables carry no .name in 3.11
        found = re.search(r"'(\w+)'", str(exc))
        name = found.group(1) if found else None
    return name

def _frames(exc):
    """The traceback inside the cells, outermost first:
    [cell, line, column (1-based), qualname, is a generator]."""
    frames = []
    tb = exc.__traceback__
    for summary, (frame, _) in zip(traceback.extract_tb(tb), traceback.walk_tb(tb)):
        filename = frame.f_code.co_filename
        if filename.startswith("<cell "):
            column = summary.colno + 1 if summary.colno is not None else 0
            frames.append([int(filename[6:-1]), summary.lineno, column,
                           frame.f_code.co_qualname, bool(frame.f_code.co_flags & 0x20)])
    return frames

def run(cells):
    namespace = {"__name__": "__main__"}
    for index, source in enumerate(cells, start=1):
        try:
            exec(compile(source, f"<cell {index}>", "exec"), namespace)
        except _Timeout:
            return [index, "Timeout", None, "", []]
        except NameError as exc:
            return [index, type(exc).__name__, _name(exc), str(exc), _frames(exc)]
        except Exception as exc:
            return [index, type(exc).__name__, None, str(exc)[:200], _frames(exc)]
    return None

signal.signal(signal.SIGALRM, _alarm)
out, sink = sys.stdout, io.StringIO()
sys.stdout = sink
results = []
for cells in json.load(sys.stdin):
    try:
        signal.setitimer(signal.ITIMER_REAL, 2.0, 0.05)  # repeats: a bare except can't hide it
        try:
            result = run(cells)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        result = [len(cells), "Timeout", None, "", []]
    results.append(result)
    sink.seek(0)
    sink.truncate()
sys.stdout = out
json.dump(results, out)
'''

NAME_ERRORS = ("NameError", "UnboundLocalError")


@dataclass(frozen=True)
class Outcome:
    """What CPython did: the first exception of Run All, or ``cell is None`` (ran through).

    ``frames`` are ``(cell, line, column, qualname, is_generator)`` from the failing
    cell's frame inwards (column 1-based, 0 if unknown); the last one is where the
    exception was raised, the first one is where the cell was when it stopped.
    """

    cell: int | None = None
    error: str | None = None
    name: str | None = None
    message: str = ""
    frames: tuple[tuple[int, int, int, str, bool], ...] = ()

    @property
    def name_error(self) -> bool:
        return self.error in NAME_ERRORS

    def __str__(self) -> str:
        if self.cell is None:
            return "runs through"
        what = f"{self.error}: {self.message}" if self.message else str(self.error)
        return f"cell {self.cell}: {what}"


def run_in_cpython(programs: Sequence[Sequence[str]]) -> list[Outcome]:
    """Run each program in a fresh namespace, all of them in one subprocess."""
    process = start_cpython(programs)
    return finish_cpython(process)


def start_cpython(programs: Sequence[Sequence[str]]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-c", _RUNNER], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, json.dumps([list(p) for p in programs])


def finish_cpython(started: tuple[subprocess.Popen, str]) -> list[Outcome]:
    process, data = started
    out, err = process.communicate(data, timeout=3600)
    if process.returncode != 0:
        raise RuntimeError(f"the CPython runner failed ({process.returncode}):\n{err}")
    return [Outcome() if r is None else Outcome(r[0], r[1], r[2], r[3],
                                                tuple(tuple(f) for f in r[4]))
            for r in json.loads(out)]


# --- nbscope ------------------------------------------------------------------------------

_WORKSPACE: Workspace | None = None


def workspace() -> Workspace:
    """One workspace over an empty folder: the stdlib's star imports are listed."""
    global _WORKSPACE
    if _WORKSPACE is None:
        _WORKSPACE = Workspace(tempfile.mkdtemp(prefix="nbscope-oracle-"))
    return _WORKSPACE


def analyse(cells: Sequence[str]) -> NotebookReport:
    notebook = Notebook("oracle.ipynb", tuple(
        Cell(index=i, cell_type="code", source=source, cell_id=f"c{i}")
        for i, source in enumerate(cells, start=1)), language="python")
    return check_notebook(notebook, workspace())


# --- the comparison -----------------------------------------------------------------------

AGREE = "agree"
WRONG_CERTAIN = "wrong-certain-failure"
MISSED = "missed-name-error"


@dataclass(frozen=True)
class Judgement:
    seed: int
    cells: tuple[str, ...]
    outcome: Outcome
    report: NotebookReport
    kind: str  # AGREE, WRONG_CERTAIN or MISSED
    limit: str | None = None  # the KNOWN_LIMITS entry that excuses a disagreement
    noise: bool = False

    @property
    def disagrees(self) -> bool:
        return self.kind != AGREE and self.limit is None

    def describe(self) -> str:
        found = self.report.first_failure
        lines = [f"seed {self.seed}: {self.kind}"
                 + (f" (known limit: {self.limit})" if self.limit else ""),
                 f"  CPython:  {self.outcome}",
                 "  nbscope:  first_failure = "
                 + (f"cell {found.cell}: {found.error} `{found.name}`" if found else "None")]
        lines += [f"    finding cell {f.cell} line {f.span.line if f.span else '-'}: "
                  f"{f.severity.value} {f.cause.value if f.cause else f.code} `{f.name}`"
                  for f in self.report.findings]
        for index, source in enumerate(self.cells, start=1):
            lines.append(f"  # --- cell {index}")
            lines += [f"  {line}" for line in source.rstrip("\n").split("\n")]
        return "\n".join(lines)


def _same_failure(found: FirstFailure | None, outcome: Outcome) -> bool:
    return found is not None and outcome.name_error and (
        found.cell, found.name, found.error) == (outcome.cell, outcome.name, outcome.error)


def _finds(report: NotebookReport, outcome: Outcome) -> bool:
    """Rule 2: a finding for the name at the failing cell or at the raising line."""
    raised_at = outcome.frames[-1][:2] if outcome.frames else None  # (cell, line)
    for found in report.findings:
        if found.name != outcome.name:
            continue
        if found.cell == outcome.cell:
            return True
        if found.span is not None and (found.cell, found.span.line) == raised_at:
            return True
    return _same_failure(report.first_failure, outcome)


def _function_lines(source: str) -> set[int]:
    """Lines of a cell that belong to a function or lambda body (run only when called)."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lines.update(range(node.body[0].lineno, (node.end_lineno or node.lineno) + 1))
        elif isinstance(node, ast.Lambda):
            lines.update(range(node.body.lineno, (node.body.end_lineno or node.lineno) + 1))
    return lines


def _failing_line(cells: Sequence[str], report: NotebookReport) -> int | None:
    """The latest line ``first_failure``'s read (or call) can be on in its cell: the last
    error finding for its name there, outside function bodies (the report does not say
    which finding is the certain one). None when no finding shows it (an
    ``unbound-local`` is reported in the function, not at the call)."""
    found = report.first_failure
    assert found is not None
    if found.error == "UnboundLocalError":
        return None  # the read is in a function; where the cell calls it is not reported
    inside = _function_lines(cells[found.cell - 1])
    lines = [f.span.line for f in report.findings
             if f.cell == found.cell and f.name == found.name and f.span is not None
             and f.severity is Severity.ERROR and f.span.line not in inside]
    return max(lines) if lines else None


def _stopped_before(cells: Sequence[str], report: NotebookReport, outcome: Outcome) -> bool:
    """Whether CPython stopped before reaching ``first_failure``'s read: in an earlier
    cell, or in the same cell on an earlier line or the same line (a line's reads are
    not ordered here), or at an unknown place of the same cell."""
    found = report.first_failure
    assert found is not None
    if outcome.cell is None or outcome.cell > found.cell:
        return False
    if outcome.cell < found.cell:
        return True
    if outcome.name_error and outcome.name == found.name and _reports_at_raise(report, outcome):
        return False  # the same read, another error (NameError/UnboundLocalError)
    line = _failing_line(cells, report)
    stop = outcome.frames[0][1] if outcome.frames else None
    return line is None or stop is None or stop <= line


def _reports_at_raise(report: NotebookReport, outcome: Outcome) -> bool:
    """Whether nbscope's certain read may be the one CPython raised at: an error finding
    for the name on that line, of the kind ``first_failure`` says (unbound-local or not)."""
    found = report.first_failure
    assert found is not None
    raised = outcome.frames[-1][:2] if outcome.frames else None
    local = found.error == "UnboundLocalError"
    return any((f.cell, f.span.line) == raised and (f.cause is Cause.UNBOUND_LOCAL) == local
               for f in report.findings
               if f.name == found.name and f.span and f.severity is Severity.ERROR)


def _unfolded(report: NotebookReport) -> NotebookReport:
    """The report with each ``repeat`` place (another line of the cell where the same
    name fails the same way, listed in the first finding's ``related``) as a finding of
    its own at that line: the rules below judge findings by their lines."""
    findings = list(report.findings)
    for found in report.findings:
        for item in found.related:
            if item.role == "repeat" and item.line is not None:
                span = Span(item.line, item.column or 1, item.line, item.column or 1)
                findings.append(replace(found, span=span, related=()))
    return replace(report, findings=tuple(findings))


def judge(seed: int, cells: Sequence[str], outcome: Outcome, report: NotebookReport
          ) -> Judgement:
    """Compare one program's CPython outcome with nbscope's report (rules 1-4 above)."""
    assert outcome.error != "SyntaxError", f"seed {seed}: the generator wrote a SyntaxError"
    report = _unfolded(report)
    found = report.first_failure
    kind = AGREE
    if found is not None and not _same_failure(found, outcome):
        if found.error == "SyntaxError" or not _stopped_before(cells, report, outcome):
            kind = WRONG_CERTAIN
    if kind == AGREE and outcome.name_error and not _finds(report, outcome):
        kind = MISSED
    noise = False
    if not outcome.name_error:
        last = outcome.cell if outcome.cell is not None else len(cells)
        noise = any(f.severity is Severity.ERROR and f.cell <= last for f in report.findings)
    judgement = Judgement(seed, tuple(cells), outcome, report, kind, noise=noise)
    if kind != AGREE:
        limit = next((limit.name for limit in KNOWN_LIMITS if limit.matches(judgement)), None)
        if limit is not None:
            judgement = Judgement(seed, tuple(cells), outcome, report, kind, limit, noise)
    return judgement


# --- known limits: design decisions of nbscope, not bugs ------------------------------------


@dataclass(frozen=True)
class KnownLimit:
    name: str
    reason: str
    kinds: tuple[str, ...]
    matches_outcome: Callable[[Judgement], bool]

    def matches(self, judgement: Judgement) -> bool:
        return judgement.kind in self.kinds and self.matches_outcome(judgement)


def _callees(judgement: Judgement) -> list[tuple[tuple, tuple]]:
    """(caller frame, callee frame) pairs of the failing call chain."""
    frames = judgement.outcome.frames
    return list(zip(frames, frames[1:], strict=False))


def _call_text(judgement: Judgement, frame: tuple) -> str:
    """The source from a frame's current position: the call it was making."""
    cell, line, column = frame[:3]
    lines = judgement.cells[cell - 1].split("\n")
    return lines[line - 1][max(column - 1, 0):] if 0 < line <= len(lines) else ""


def _through_method(judgement: Judgement) -> bool:
    return any(re.fullmatch(r"[A-Z]\w*\.\w+", callee[3]) for _, callee in _callees(judgement))


def _through_generator(judgement: Judgement) -> bool:
    """Raised inside a generator, or the name was deleted by one (``global n; del n``)."""
    if any(callee[4] and not callee[3].endswith("<genexpr>")  # generator expressions are
           for _, callee in _callees(judgement)):              # followed: not excused
        return True
    name = judgement.outcome.name
    for source in judgement.cells:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _deletes_global(
                    node, name) and any(isinstance(n, (ast.Yield, ast.YieldFrom))
                                        for n in ast.walk(node)):
                return True
    return False


def _deletes_global(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str | None) -> bool:
    nodes = list(ast.walk(function))
    return any(isinstance(n, ast.Global) and name in n.names for n in nodes) and any(
        isinstance(n, ast.Name) and isinstance(n.ctx, ast.Del) and n.id == name for n in nodes)


def _through_lambda_expression(judgement: Judgement) -> bool:
    return any(callee[3].endswith("<lambda>")
               and _call_text(judgement, caller).startswith("(lambda")
               for caller, callee in _callees(judgement))


def _through_returned_closure(judgement: Judgement) -> bool:
    for caller, callee in _callees(judgement):
        owner, nested, _ = callee[3].rpartition(".<locals>.")
        if nested and owner != caller[3]:  # called by someone other than its own function
            return True
    return False


def _free_variable(judgement: Judgement) -> bool:
    return judgement.outcome.error == "NameError" and judgement.outcome.message.startswith(
        "cannot access free variable")


KNOWN_LIMITS: list[KnownLimit] = [
    KnownLimit(
        "method-call",
        "calls are followed into functions called by name, not into methods "
        "(`C().m()`): the NameError is raised inside a method",
        (MISSED,), _through_method),
    KnownLimit(
        "generator-iteration",
        "a generator's body runs when something iterates it (`list(h())`, `for v in h()`), "
        "which nbscope does not follow: the NameError is raised inside a generator, or the "
        "name was deleted by one (`global n; del n`)",
        (MISSED,), _through_generator),
    KnownLimit(
        "lambda-called-where-written",
        "`(lambda: x)()` calls a function that has no name: only calls by name are followed",
        (MISSED,), _through_lambda_expression),
    KnownLimit(
        "returned-closure",
        "`mk()()` calls the function a call returned: not followed",
        (MISSED,), _through_returned_closure),
    KnownLimit(
        "free-variable",
        "an enclosing function's variable read by a nested function is assumed bound "
        "(free variables are not followed): CPython says `cannot access free variable`",
        (MISSED,), _free_variable),
]


# --- running many -----------------------------------------------------------------------


@dataclass
class Summary:
    programs: int = 0
    name_errors: int = 0  # programs where CPython raised a NameError/UnboundLocalError
    other_errors: Counter = field(default_factory=Counter)  # exception type -> programs
    agreements: int = 0
    disagreements: Counter = field(default_factory=Counter)  # kind -> programs
    excused: Counter = field(default_factory=Counter)  # known limit -> programs
    noise: int = 0
    noise_causes: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    failures: list[Judgement] = field(default_factory=list)

    def add(self, judgement: Judgement) -> None:
        self.programs += 1
        outcome = judgement.outcome
        if outcome.name_error:
            self.name_errors += 1
        elif outcome.error is not None:
            self.other_errors[outcome.error] += 1
        if judgement.kind == AGREE:
            self.agreements += 1
        elif judgement.limit is not None:
            self.excused[judgement.limit] += 1
        else:
            self.disagreements[judgement.kind] += 1
            self.failures.append(judgement)
        if judgement.noise:
            self.noise += 1
            last = outcome.cell if outcome.cell is not None else len(judgement.cells)
            self.noise_causes.update({
                f.cause.value if f.cause else f.code for f in judgement.report.findings
                if f.severity is Severity.ERROR and f.cell <= last})

    def text(self) -> str:
        other = sum(self.other_errors.values())
        lines = [
            f"programs:                 {self.programs}",
            f"CPython NameError:        {self.name_errors}",
            f"CPython other exception:  {other} ({_percent(other, self.programs)})  "
            + ", ".join(f"{k} {v}" for k, v in self.other_errors.most_common()),
            f"ran through:              {self.programs - self.name_errors - other}",
            f"agreements:               {self.agreements}",
            f"excused by known limits:  {sum(self.excused.values())}  "
            + ", ".join(f"{k} {v}" for k, v in self.excused.most_common()),
            f"disagreements:            {sum(self.disagreements.values())}  "
            + ", ".join(f"{k} {v}" for k, v in self.disagreements.most_common()),
            f"noise (error findings, no NameError in CPython): {self.noise}  "
            + ", ".join(f"{k} {v}" for k, v in self.noise_causes.most_common()),
            f"time:                     {self.seconds:.1f} s",
        ]
        return "\n".join(lines)


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def check_seeds(seeds: Sequence[int], chunk: int = 5000) -> Summary:
    """Generate, run in CPython (one subprocess per chunk, while nbscope analyses), judge."""
    start = time.perf_counter()
    summary = Summary()
    for offset in range(0, len(seeds), chunk):
        part = seeds[offset:offset + chunk]
        programs = [generate(seed) for seed in part]
        started = start_cpython(programs)
        reports = [analyse(cells) for cells in programs]
        outcomes = finish_cpython(started)
        for seed, cells, outcome, report in zip(part, programs, outcomes, reports, strict=True):
            summary.add(judge(seed, cells, outcome, report))
    summary.seconds = time.perf_counter() - start
    return summary


def check_program(cells: Sequence[str], seed: int = -1) -> Judgement:
    [outcome] = run_in_cpython([cells])
    return judge(seed, cells, outcome, analyse(cells))


# --- minimising a disagreement -----------------------------------------------------------

_BODIES = ("body", "orelse", "finalbody")


def _variants(body: list[ast.stmt]) -> Iterable[list[ast.stmt]]:
    """Smaller versions of a statement list: one statement dropped, unwrapped or shrunk."""
    for index, statement in enumerate(body):
        before, after = body[:index], body[index + 1:]
        yield before + after
        blocks = [getattr(statement, name) for name in _BODIES if getattr(statement, name, None)]
        blocks += [h.body for h in getattr(statement, "handlers", ())]
        blocks += [c.body for c in getattr(statement, "cases", ())]
        for block in blocks:
            if not isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                yield before + block + after
        for shrunk in _shrunk(statement):
            yield before + [shrunk] + after


def _shrunk(statement: ast.stmt) -> Iterable[ast.stmt]:
    import copy

    for name in _BODIES:
        block = getattr(statement, name, None)
        if not block:
            continue
        if name != "body":
            clone = copy.copy(statement)
            setattr(clone, name, [])
            yield clone
        for variant in _variants(block):
            clone = copy.copy(statement)
            setattr(clone, name, variant or [ast.Pass()])
            yield clone
    for field_name, inner in (("handlers", "body"), ("cases", "body")):
        parts = getattr(statement, field_name, None)
        if not parts:
            continue
        for index, part in enumerate(parts):
            if len(parts) > 1:
                clone = copy.copy(statement)
                setattr(clone, field_name, parts[:index] + parts[index + 1:])
                yield clone
            for variant in _variants(getattr(part, inner)):
                new_part = copy.copy(part)
                setattr(new_part, inner, variant or [ast.Pass()])
                clone = copy.copy(statement)
                setattr(clone, field_name, parts[:index] + [new_part] + parts[index + 1:])
                yield clone
    if getattr(statement, "decorator_list", None):
        clone = copy.copy(statement)
        clone.decorator_list = []
        yield clone


def _compiles(cells: Sequence[str]) -> bool:
    try:
        for index, source in enumerate(cells, start=1):
            compile(source, f"<cell {index}>", "exec")
    except SyntaxError:
        return False
    return True


def minimise(cells: Sequence[str], keep: Callable[[Judgement], bool],
             rounds: int = 200) -> list[str]:
    """Greedily drop cells and statements while ``keep(judgement)`` holds."""
    current = [ast.unparse(ast.parse(source)) + "\n" for source in cells]
    for _ in range(rounds):
        trees = [ast.parse(source).body for source in current]
        candidates: list[list[str]] = []
        for index in range(len(trees)):
            candidates.append(current[:index] + current[index + 1:])
            for variant in _variants(trees[index]):
                text = ast.unparse(ast.Module(variant, [])) + "\n" if variant else "pass\n"
                candidates.append(current[:index] + [text] + current[index + 1:])
        candidates = sorted((c for c in dict.fromkeys(map(tuple, candidates))
                             if c and list(c) != current and _compiles(c)),
                            key=lambda c: sum(map(len, c)))  # the biggest cuts first
        outcomes = run_in_cpython(candidates)
        for candidate, outcome in zip(candidates, outcomes, strict=True):
            if outcome.error == "SyntaxError":
                continue
            if keep(judge(-1, candidate, outcome, analyse(candidate))):
                current = list(candidate)
                break
        else:
            return current
    return current


def same_disagreement(original: Judgement) -> Callable[[Judgement], bool]:
    """A predicate for ``minimise``: the same kind of disagreement on the same names."""
    found = original.report.first_failure

    def keep(judgement: Judgement) -> bool:
        other = judgement.report.first_failure
        return (judgement.kind == original.kind and judgement.limit == original.limit
                and (judgement.outcome.error, judgement.outcome.name)
                == (original.outcome.error, original.outcome.name)
                and (found is None) == (other is None)
                and (found is None or (other.name, other.error) == (found.name, found.error)))
    return keep


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1, help="the run's base seed")
    parser.add_argument("--show", type=int, nargs="*", metavar="SEED",
                        help="print and judge these program seeds, then stop")
    parser.add_argument("--minimise", type=int, nargs="*", metavar="SEED",
                        help="shrink these programs' disagreements, print them, then stop")
    parser.add_argument("--max-print", type=int, default=20,
                        help="disagreements printed in full (all are counted)")
    args = parser.parse_args(argv)
    if args.show:
        for seed in args.show:
            print(check_program(generate(seed), seed).describe())
        return 0
    if args.minimise:
        for seed in args.minimise:
            original = check_program(generate(seed), seed)
            if original.kind == AGREE:
                print(f"seed {seed}: CPython and nbscope agree")
                continue
            small = minimise(original.cells, same_disagreement(original))
            print(check_program(small, seed).describe(), end="\n\n")
        return 0
    summary = check_seeds(program_seeds(args.seed, args.programs))
    for judgement in summary.failures[:args.max_print]:
        print(judgement.describe(), end="\n\n")
    print(f"seed {args.seed}, seeds {program_seeds(args.seed, 1)[0]}.."
          f"{program_seeds(args.seed, args.programs)[-1]}")
    print(summary.text())
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
