"""Lower a notebook cell as IPython runs it: cell magics, line magics, ``!`` commands, ``%run``.

IPython rewrites a cell before Python sees it (``transform``): automagic lines
and ``%magic``/``!command`` become ``get_ipython()`` calls, a ``%%magic`` line
hands the cell body to the magic. ``CellLowering`` turns each magic's effect on
the user's names (``magics``) into operations, runs the Python a magic runs
(``%time``, ``%%capture``, ``%timeit`` in a namespace of its own), reads
scripts run by ``%run``, and records shell commands and written files for the
rules. ``build_cell`` is the entry point: one cell's source in, its replay
program and its facts out.
"""

from __future__ import annotations

import ast
import re

from ..environment import NameEnvironment
from ..magics import MagicEffect, cell_magic_effect, line_magic_effect
from ..model import Span
from ..transform import (
    Fragment,
    SyntaxProblem,
    automagic,
    normalize_newlines,
    parse_python,
    split_cell_magic,
)
from . import scopes
from .cellfacts import CellFacts, ScopeKind
from .ir import BindingKind, CellIR, Construct, Event, EventKind, Reset, Scope, Site
from .statements import PythonLowering

__all__ = ["build_cell"]

_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_IPYTHON_METHODS = ("run_line_magic", "run_cell_magic", "system", "getoutput")
_SHELL_LINE_MAGICS = ("pip", "conda", "mamba", "sx", "system")


def build_cell(cell: int, source: str, env: NameEnvironment) -> tuple[CellIR, CellFacts]:
    """Lower one code cell's raw source: the program the replay runs, and the cell's facts.

    Lines end where Python ends them (``\\n``, ``\\r\\n`` or a bare ``\\r``).
    """
    lowering = CellLowering(cell, normalize_newlines(source), env)
    lowering.lower_cell()
    return CellIR(cell, tuple(lowering.out)), lowering.facts


class CellLowering(PythonLowering):
    """Python's lowering, plus what IPython does around and inside a cell."""

    special_call_words = PythonLowering.special_call_words | frozenset(_IPYTHON_METHODS)

    # --- the cell as a whole ---------------------------------------------------------

    def lower_cell(self) -> None:
        magic = split_cell_magic(self.source)
        if magic is None:
            parsed = parse_python(automagic(self.source) or self.source)
            if isinstance(parsed, SyntaxProblem):
                self._unparsable(parsed)
            else:
                self.run_fragment(parsed)
            return
        self.facts.evaluates_text = True
        effect = cell_magic_effect(magic.name, magic.line, magic.body)
        if effect.python is not None:
            parsed = parse_python(effect.python, first_line=magic.body_first_line,
                                  indent=magic.indent)
            if isinstance(parsed, SyntaxProblem):
                self._unparsable(parsed)
                return
            fragments = [parsed]
            setup = self._setup_fragment(effect, magic.magic_line, magic.line)
            if setup is not None:
                fragments.insert(0, setup)
            if effect.isolated:
                self.isolated(*fragments)
            else:
                for fragment in fragments:
                    self.run_fragment(fragment)
        self._apply_effect(effect, self._line_site(magic.magic_line), magic.magic_line)

    def _unparsable(self, problem: SyntaxProblem) -> None:
        # Names in a cell nbscope cannot read may be bound by it: never claim otherwise.
        self.out = []
        site = Site(self.cell, Span(problem.line, problem.column, problem.line, problem.column))
        for name in dict.fromkeys(_IDENTIFIER.findall(self.source)):
            event = Event(EventKind.UNKNOWN, name, site, construct=Construct.UNPARSABLE_CELL,
                          detail="unparsable cell")
            self.emit_maybe(name, 0, event)
        text = self.raw_line(problem.line)
        column = min(problem.column, len(text) + 1)
        span = Span(problem.line, column, problem.line, min(column + 1, len(text) + 1))
        self.facts.parsed = False
        self.facts.syntax_error = (problem.message, span)

    def _setup_fragment(self, effect: MagicEffect, raw_line: int, magic_args: str
                        ) -> Fragment | None:
        """The statement on a ``%%timeit``/``%%memit`` line, placed where it is written."""
        if effect.setup is None:
            return None
        text = self.raw_line(raw_line)
        found = text.find(magic_args)
        column = (found if found >= 0 else 0) + effect.setup_offset
        parsed = parse_python(effect.setup, first_line=raw_line, first_col=column)
        return None if isinstance(parsed, SyntaxProblem) else parsed

    def isolated(self, *fragments: Fragment) -> None:
        """Run code in one namespace of its own, as ``%timeit`` does."""
        names = scopes.block_names([s for f in fragments for s in f.tree.body])
        depth = self.scope.depth + 1
        with self.nested_scope(ScopeKind.ISOLATED, depth, names, None) as body:
            for fragment in fragments:
                self.run_fragment(fragment)
        self.out.append(Scope(depth, tuple(body)))

    def _line_site(self, line: int) -> Site:
        text = self.raw_line(line)
        start = len(text) - len(text.lstrip())
        return Site(self.cell, Span(line, start + 1, line, len(text.rstrip()) + 1))

    def _word_site(self, raw_line: int, word: str, fallback: Site) -> Site:
        found = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", self.raw_line(raw_line))
        if not found:
            return fallback
        return Site(self.cell, Span(raw_line, found.start() + 1, raw_line, found.end() + 1))

    # --- magics and shell commands inside the cell's Python ------------------------------

    def lower_ipython_call(self, node: ast.Call) -> bool:
        call = _ipython_call(node)
        if call is None:
            return False
        method, args = call
        self.facts.evaluates_text = True  # a magic or shell line: its text runs at run time
        assert self.fragment is not None
        raw_line, _ = self.fragment.point(node.lineno, node.col_offset)
        site = self._line_site(raw_line)
        if method in ("system", "getoutput"):
            if args:
                self.facts.shell_commands.append(args[0])
        elif method == "run_line_magic" and len(args) == 2:
            if args[0] in _SHELL_LINE_MAGICS:
                self.facts.shell_commands.append(f"{args[0]} {args[1]}")
            effect = line_magic_effect(args[0], args[1])
            self._apply_effect(effect, site, raw_line, args[1])
        elif method == "run_cell_magic" and len(args) == 3:
            effect = cell_magic_effect(args[0], args[1], args[2])
            if effect.python is not None:
                # The body starts on the line after the ``%%magic`` line.
                parsed = parse_python(effect.python, first_line=raw_line + 1)
                if isinstance(parsed, Fragment):
                    self.run_fragment(parsed)
            self._apply_effect(effect, site, raw_line)
        return True

    def _apply_effect(self, effect: MagicEffect, site: Site, raw_line: int,
                      magic_args: str | None = None) -> None:
        if effect.python is not None and magic_args is not None:
            self._line_magic_code(effect, raw_line, magic_args)
        for name in effect.binds:
            self.bind(name, self._word_site(raw_line, name, site), BindingKind.MAGIC)
        for name in effect.maybe_binds:
            event = Event(EventKind.UNKNOWN, name, site, construct=Construct.UNKNOWN_CELL_MAGIC,
                          detail="cell magic")
            self.emit_maybe(name, 0, event)
        for name in effect.deletes:
            self.delete(name, self._word_site(raw_line, name, site))
        unlisted = False
        for module in effect.star_imports:
            # One module nbscope cannot list already makes every name unknown here; a
            # second event at the same place would only tie with it in messages.
            unlisted = self._pylab_star_import(module, site, unlisted) or unlisted
        if effect.opaque:
            self.emit_opaque(site, Construct.MAGIC, None, effect.opaque)
        if effect.reset:
            self.out.append(Reset(Event(EventKind.RESET, None, site)))
        if effect.run_script is not None:
            self._run_script(effect.run_script, site)
        if effect.writes_file:
            self.facts.written_files.append(effect.writes_file)
        if effect.shell:
            self.facts.shell_commands.append(effect.shell)

    def _pylab_star_import(self, module: str, site: Site, unlisted_before: bool) -> bool:
        """Bind the names ``%pylab`` imports from ``module``; True if nbscope cannot list them."""
        names = self.env.star_import_names(module)
        if names is None:
            if not unlisted_before:
                self.emit_opaque(site, Construct.PYLAB, "%pylab",
                                 f"`%pylab` imports every name of `{module}`, which nbscope "
                                 f"cannot list")
            return True
        for name in sorted(names):
            self.bind(name, site, BindingKind.STAR_IMPORT)
        return False

    def _line_magic_code(self, effect: MagicEffect, raw_line: int, magic_args: str) -> None:
        assert effect.python is not None
        text = self.raw_lines[raw_line - 1] if raw_line <= len(self.raw_lines) else ""
        found = text.find(magic_args)
        column = (found if found >= 0 else 0) + effect.python_offset
        parsed = parse_python(effect.python, first_line=raw_line, first_col=column)
        if isinstance(parsed, SyntaxProblem):
            return
        if effect.isolated:
            self.isolated(parsed)
        else:
            self.run_fragment(parsed)

    def _run_script(self, path: str, site: Site) -> None:
        source = self.env.script_source(path)
        names = _script_names(source) if source is not None else None
        if names is None:
            self.emit_opaque(site, Construct.RUN_SCRIPT, f"%run {path}",
                             f"`%run {path}`: nbscope cannot read the script, so not what it "
                             f"defines")
            return
        for name in names:
            self.bind(name, site, BindingKind.SCRIPT)


def _ipython_call(node: ast.Call) -> tuple[str, list[str]] | None:
    """``get_ipython().method('a', 'b')`` as IPython's transformer emits it."""
    func = node.func
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call)):
        return None
    inner = func.value.func
    if not (isinstance(inner, ast.Name) and inner.id == "get_ipython"):
        return None
    if func.attr not in _IPYTHON_METHODS:
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    if len(args) != len(node.args):
        return None
    return func.attr, args


def _script_names(source: str) -> list[str] | None:
    """Names a script run by ``%run`` leaves in the user namespace (its globals)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    names = scopes.block_names(tree.body)
    if any(isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
           for node in tree.body):
        return None
    return sorted(names.bound)
