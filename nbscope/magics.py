"""What IPython magics do to the user's names: the binds-by-magic table.

Each function takes a magic's name and arguments as IPython hands them over
and returns a ``MagicEffect``: the Python code it runs in the user namespace
(``%time y = 3``), the names it binds or deletes, files it writes, or the
reason nothing can be said about names after it. Pure: no IPython, no I/O.
"""

from __future__ import annotations

import ast
import re
import shlex
import warnings
from dataclasses import dataclass

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class MagicEffect:
    """The effect of one magic on the user namespace.

    ``python`` is code run as if typed in the cell (bindings persist), unless
    ``isolated``: then it runs in a namespace of its own, as ``%timeit`` does,
    and reads globals without binding any.
    """

    python: str | None = None
    python_offset: int = 0
    setup: str | None = None  # a statement on the magic's own line, run before ``python``
    setup_offset: int = 0  # where it starts in the magic's arguments
    isolated: bool = False
    binds: tuple[str, ...] = ()
    maybe_binds: tuple[str, ...] = ()
    deletes: tuple[str, ...] = ()
    opaque: str | None = None
    reset: bool = False
    star_imports: tuple[str, ...] = ()
    run_script: str | None = None
    writes_file: str | None = None
    shell: str | None = None


NO_EFFECT = MagicEffect()

# Cell magics whose body is Python run in the user namespace.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "capture", "prun", "debug", "lprun", "mprun"})
# Cell magics whose body is Python run in a throwaway namespace (after the setup
# statement on the magic line, in the same namespace).
ISOLATED_BODY_CELL_MAGICS = frozenset({"timeit"})
# Cell magics that run the statement on their line, then the body, in the user namespace
# (memory_profiler's ``%%memit`` executes both in the kernel's namespace).
SETUP_AND_BODY_CELL_MAGICS = frozenset({"memit"})
FILE_WRITING_CELL_MAGICS = frozenset({"writefile", "file"})
SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "system", "!"})
# Cell magics known to bind nothing in the user namespace.
INERT_CELL_MAGICS = frozenset({
    "html", "HTML", "javascript", "js", "latex", "markdown", "svg", "perl", "ruby",
    "python", "python2", "python3", "pypy", "cmd", "powershell", "md", "dot", "graphviz",
})

# Options that take a value, per statement-running line magic.
_VALUE_OPTIONS = {
    "timeit": {"-n", "-r", "-p"},
    "prun": {"-l", "-s", "-T", "-D"},
    "lprun": {"-f", "-m", "-D", "-T"},
    "mprun": {"-f", "-T"},
    "memit": {"-r", "-i", "-t"},
    "time": set(),
}


def line_magic_effect(name: str, args: str) -> MagicEffect:
    """The effect of ``%name args`` (``args`` as IPython passes them)."""
    if name in _VALUE_OPTIONS:
        code, offset = _statement_after_options(args, _VALUE_OPTIONS[name])
        if code is None:
            return NO_EFFECT
        isolated = name == "timeit"
        return MagicEffect(python=code, python_offset=offset, isolated=isolated)
    handler = _LINE_HANDLERS.get(name)
    if handler is not None:
        return handler(args)
    return NO_EFFECT


def cell_magic_effect(name: str, line: str, body: str) -> MagicEffect:
    """The effect of a ``%%name line`` cell with ``body`` below it."""
    if name in PYTHON_BODY_CELL_MAGICS:
        binds: tuple[str, ...] = ()
        if name == "capture":
            binds = tuple(word for word in _words(line) if not word.startswith("-"))[:1]
        return MagicEffect(python=body, binds=binds)
    if name in ISOLATED_BODY_CELL_MAGICS or name in SETUP_AND_BODY_CELL_MAGICS:
        setup, offset = _statement_after_options(line, _VALUE_OPTIONS[name])
        return MagicEffect(python=body, setup=setup, setup_offset=offset,
                           isolated=name in ISOLATED_BODY_CELL_MAGICS)
    if name in FILE_WRITING_CELL_MAGICS:
        target = [word for word in _words(line) if not word.startswith("-")]
        return MagicEffect(writes_file=target[0] if target else None)
    if name in SHELL_CELL_MAGICS:
        return MagicEffect(shell=body)
    if name in INERT_CELL_MAGICS:
        return MagicEffect()
    if name == "sql":
        return MagicEffect(binds=_sql_target(line))
    if name == "cython":
        # Cython code defines functions and classes like Python does.
        defined = re.findall(r"^\s*(?:c?p?def|class)\s+(?:[\w\[\], ]+\s+)?(\w+)\s*[(:]",
                             body, re.M)
        return MagicEffect(maybe_binds=tuple(dict.fromkeys(defined)))
    if name == "bigquery":
        target = [word for word in _words(line) if IDENTIFIER.match(word)]
        return MagicEffect(binds=tuple(target[:1]))
    # An unknown cell magic may bind a name given on its line; never claim otherwise.
    maybe = tuple(word for word in _words(line) if IDENTIFIER.match(word))
    return MagicEffect(maybe_binds=maybe)


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _statement_after_options(args: str, value_options: set[str]) -> tuple[str | None, int]:
    """The Python statement after a magic's options, and where it starts in ``args``."""
    position = 0
    for _ in range(8):
        rest = args[position:]
        stripped = rest.lstrip()
        position += len(rest) - len(stripped)
        if not stripped:
            return None, 0
        if _parses(stripped):
            return stripped, position
        option = re.match(r"-(\w)(\S*)\s*", stripped)
        if option is None:
            return None, 0
        position += option.end()
        takes_value = "-" + option.group(1) in value_options and not option.group(2)
        if takes_value:
            value = re.match(r"\S+\s*", args[position:])
            position += value.end() if value else 0
    return None, 0


def _parses(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def _sql_target(line: str) -> tuple[str, ...]:
    match = re.match(r"\s*(?:--?\S+\s+)*([A-Za-z_]\w*)\s*<<", line)
    return (match.group(1),) if match else ()


def _store(args: str) -> MagicEffect:
    words = _words(args)
    if not words or words[0] != "-r":
        return NO_EFFECT
    names = tuple(word for word in words[1:] if IDENTIFIER.match(word))
    if names:
        return MagicEffect(binds=names)
    return MagicEffect(opaque="`%store -r` restores every stored variable")


def _run(args: str) -> MagicEffect:
    words = [word for word in _words(args) if not word.startswith("-")]
    if not words:
        return NO_EFFECT
    return MagicEffect(run_script=words[0])


def _reset(args: str) -> MagicEffect:
    words = _words(args)
    if any(word in ("in", "out", "dhist", "array") for word in words):
        return NO_EFFECT
    return MagicEffect(reset=True)


def _xdel(args: str) -> MagicEffect:
    return MagicEffect(deletes=tuple(w for w in _words(args) if IDENTIFIER.match(w)))


def _macro(args: str) -> MagicEffect:
    names = [word for word in _words(args) if not word.startswith("-")]
    if names and IDENTIFIER.match(names[0]):
        return MagicEffect(binds=(names[0],))
    return NO_EFFECT


def _pylab(args: str) -> MagicEffect:
    # What IPython's pylabtools.import_pylab puts in the user namespace.
    return MagicEffect(
        binds=("numpy", "matplotlib", "pylab", "mlab", "pyplot", "np", "plt",
               "display", "figsize", "getfigs"),
        star_imports=("pylab", "numpy") if "--no-import-all" not in args else (),
    )


def _sql_line(args: str) -> MagicEffect:
    return MagicEffect(binds=_sql_target(args))


_LINE_HANDLERS = {
    "store": _store,
    "run": _run,
    "reset": _reset,
    "xdel": _xdel,
    "macro": _macro,
    "pylab": _pylab,
    "sql": _sql_line,
}
