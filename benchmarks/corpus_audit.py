"""Compare nbscope's undefined-name findings with ruff F821 over the notebook corpus.

Both tools run once over the corpus folder (or their saved JSON is read with
``--ruff-json`` / ``--nbscope-json``). Each finding is mapped to the key
``(notebook path relative to the corpus, cell, name)`` where ``cell`` is 1-based over
ALL cells of the notebook (markdown and raw cells count), as in nbscope's output
contract:

ruff
    every ``F821`` record; the name comes from its message ``Undefined name `x```.
    ruff's JSON ``cell`` field is checked empirically on every record: the script
    looks for the name at ``location`` (row/column within the cell) under both
    numberings (all cells / code cells only) and uses the one that matches; the
    counts are printed. ``invalid-syntax`` records are not findings, but they mark
    notebooks ruff could not lint (ruff reports no F821 at all in a notebook with any
    syntax error in any cell). ruff also lints nothing, silently, in a notebook whose
    metadata does not say Python; those are found with a probe (see
    ``ruff_skipped_notebooks``).
nbscope
    findings with a ``cause`` (name-related) and severity ``error`` or ``warning``.

Keys reported by both tools are ``both``; the others are ``ruff-only`` or
``nbscope-only``. Each row gets a best-effort ``reason`` (first match wins) from
cheap facts: the nbscope cause, a kernel name (``In``, ``Out``, ``_``), a magic line
that mentions the name, a star import (ruff then reports F405, not F821), ruff's
syntax-error skip, the use being inside a function body (ruff defers those to the
end of the module), the other tool reporting the name in another cell, ...

Output: a summary table on stdout, a seeded random sample (``--sample N``,
``--seed``) of each disagreement kind with its source line, and every key as one
row of a TSV file (``--out``, default /tmp/nbscope_audit.tsv).

Run from the repository root: ``python3 benchmarks/corpus_audit.py --sample 25``.

``--by-cause N`` is the other mode, for a hand audit of nbscope alone (ruff is not
needed): it samples N findings of each cause (``NS100`` and other findings without a
cause are grouped by code) with a fixed seed, and prints each with its message, fix,
related places and the lines of its cell around the finding, so a reviewer can judge
it right, right but weak, or wrong. ``--seed`` picks another sample; the same seed
and the same findings give the same sample (each cause is drawn with its own
generator, so a change in one cause does not reshuffle the others).
Exit status: 0 success, 2 missing corpus, missing ruff or a tool that failed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "notebooks"
DEFAULT_OUT = Path("/tmp/nbscope_audit.tsv")

RUFF_ARGS = ["check", "--isolated", "--select", "F821", "--no-cache", "--output-format", "json"]
NBSCOPE_ARGS = ["-m", "nbscope", "check", "--format", "json", "--fail-on", "never"]
KEPT_SEVERITIES = {"error", "warning"}

RUFF_NAME = re.compile(r"Undefined name `(.+)`")
KERNEL_NAME = re.compile(r"^(In|Out|_|__|___|_i|_ii|_iii|_ih|_oh|_dh|_\d+|_i\d+|exit|quit)$")
MAGIC_LINE = re.compile(r"^\s*(%|!)|^\s*[\w.,\[\]\s]+=\s*[%!]")
STAR_IMPORT = re.compile(r"^\s*from\s+[\w.]+\s+import\s+\*", re.MULTILINE)
LINE_BREAK = re.compile(r"\r\n|\r|\n")
AUTOMAGICS = {"ls", "cd", "pwd", "cat", "clear", "mkdir", "rmdir", "rm", "mv", "cp", "less",
              "man", "ll", "lf", "lk", "lx", "ldir", "who", "whos", "pip", "conda", "env",
              "history", "alias", "pdb", "time", "timeit", "run", "load", "store", "reset"}
TSV_COLUMNS = ["kind", "path", "cell", "line", "column", "name", "nbscope_code",
               "nbscope_cause", "nbscope_severity", "ruff_message", "reason", "scope",
               "source_line"]
KINDS = ("both", "ruff-only", "nbscope-only")


class AuditError(Exception):
    """A problem that ends the audit with exit status 2 and a one-line message."""


@dataclass
class Cell:
    kind: str
    source: str

    @property
    def lines(self) -> list[str]:
        return LINE_BREAK.split(self.source)


@dataclass
class Notebook:
    cells: list[Cell]
    readable: bool = True

    def code_cell_numbers(self) -> list[int]:
        """1-based all-cells numbers of the code cells, in order."""
        return [i for i, c in enumerate(self.cells, 1) if c.kind == "code"]

    def line(self, cell: int, line: int) -> str:
        if not 1 <= cell <= len(self.cells):
            return ""
        lines = self.cells[cell - 1].lines
        return lines[line - 1] if 1 <= line <= len(lines) else ""


@dataclass
class Finding:
    tool: str
    path: str
    cell: int
    line: int
    column: int
    name: str
    code: str = ""
    cause: str = ""
    severity: str = ""
    message: str = ""


@dataclass
class NotebookFacts:
    """Per-notebook facts the reasons are computed from."""

    ruff_syntax: bool = False
    ruff_unreadable: bool = False
    ruff_skipped: bool = False  # not a Python notebook per its metadata: ruff lints nothing
    nbscope_error: str | None = None
    nbscope_dynamic: bool = False  # NS101: a call that can bind any name
    nbscope_all: dict[tuple[int, str], list[dict[str, Any]]] = field(default_factory=dict)
    ruff_names: set[str] = field(default_factory=set)
    nbscope_names: set[str] = field(default_factory=set)


@dataclass
class Row:
    kind: str
    path: str
    cell: int
    line: int
    column: int
    name: str
    nbscope_code: str
    nbscope_cause: str
    nbscope_severity: str
    ruff_message: str
    reason: str
    scope: str
    source_line: str

    def as_list(self) -> list[str]:
        return [clean(str(getattr(self, column))) for column in TSV_COLUMNS]


def clean(text: str) -> str:
    return text.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def load_notebook(path: Path) -> Notebook:
    """Cells (type and source) of an nbformat 3 or 4 notebook; empty if unreadable."""
    try:
        nb = json.loads(path.read_bytes())
        raw = nb.get("cells")
        if raw is None:
            raw = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        cells = []
        for cell in raw:
            source = cell.get("source", cell.get("input", ""))
            if isinstance(source, list):
                source = "".join(source)
            cells.append(Cell(str(cell.get("cell_type", "")), str(source)))
        return Notebook(cells)
    except (OSError, ValueError, AttributeError, TypeError):
        return Notebook([], readable=False)


def run_json(argv: list[str], what: str, ok: Iterable[int]) -> Any:
    try:
        proc = subprocess.run(argv, capture_output=True, cwd=REPO_ROOT, check=False)
    except OSError as exc:
        raise AuditError(f"cannot run {what}: {exc}") from exc
    if proc.returncode not in set(ok):
        tail = proc.stderr.decode("utf-8", "replace").strip()[-400:]
        raise AuditError(f"{what} exited with status {proc.returncode}: {tail}")
    try:
        return json.loads(proc.stdout)
    except ValueError as exc:
        raise AuditError(f"{what} did not print JSON: {exc}") from exc


def ruff_skipped_notebooks(ruff: str, corpus: Path, paths: Sequence[str]) -> set[str]:
    """Notebooks ruff reads but does not lint at all, found empirically.

    ruff 0.17 lints a notebook only if its metadata says Python (``language_info.name``,
    else ``kernelspec.language``); e.g. a Colab export with a kernelspec lacking
    ``language`` and no ``language_info`` is skipped without a word. For every notebook
    this writes a probe notebook to a temporary folder, with the same ``metadata`` and
    one code cell reading an undefined name, runs ruff once over the probes and returns
    the notebooks whose probe got no F821. No notebook code is copied.
    """
    probe_name = "nbscope_audit_probe_name"
    names: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="nbscope_ruff_probe_") as folder:
        for index, path in enumerate(paths):
            try:
                nb = json.loads((corpus / path).read_bytes())
                metadata = nb.get("metadata", {})
                if nb.get("nbformat") != 4:
                    continue  # nbformat 3: ruff cannot read it at all (reported separately)
            except (OSError, ValueError, AttributeError):
                continue
            probe = {"nbformat": 4, "nbformat_minor": nb.get("nbformat_minor", 4),
                     "metadata": metadata,
                     "cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                                "execution_count": None, "source": probe_name}]}
            name = f"probe_{index:06d}.ipynb"
            Path(folder, name).write_text(json.dumps(probe), encoding="utf-8")
            names[name] = path
        records = run_json([ruff, *RUFF_ARGS, folder], "ruff (metadata probe)", ok=(0, 1))
        linted = {Path(r["filename"]).name for r in records
                  if r.get("code") == "F821" and probe_name in r.get("message", "")}
    return {path for name, path in names.items() if name not in linted}


def versions(ruff: str) -> str:
    """ruff and nbscope versions and the repository commit (read-only git commands)."""
    def first_line(argv: list[str]) -> str:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, cwd=REPO_ROOT,
                                  check=False)
        except OSError:
            return "?"
        return (proc.stdout.strip().splitlines() or ["?"])[0]

    head = first_line(["git", "rev-parse", "--short", "HEAD"])
    dirty = first_line(["git", "--no-optional-locks", "status", "--porcelain",
                        "--untracked-files=no", "--", "nbscope"])
    state = head + (" + uncommitted changes under nbscope/" if dirty != "?" else "")
    return (f"{first_line([ruff, '--version'])}; "
            f"{first_line([sys.executable, '-m', 'nbscope', '--version'])} (git {state})")


def relative(path: str, corpus: Path) -> str:
    real = Path(os.path.realpath(REPO_ROOT / path))
    try:
        return real.relative_to(corpus).as_posix()
    except ValueError:
        return real.as_posix()


def starts_with_name(nb: Notebook, cell: int, row: int, column: int, name: str) -> bool:
    text = nb.line(cell, row)
    return text[column - 1:].startswith(name)


def ruff_numbering(records: list[dict[str, Any]], notebooks: dict[str, Notebook],
                   corpus: Path) -> tuple[str, dict[str, int]]:
    """Decide empirically whether ruff's ``cell`` counts all cells or only code cells."""
    score = Counter[str]()
    for rec in records:
        if rec.get("code") != "F821" or rec.get("cell") is None:
            continue
        match = RUFF_NAME.search(rec.get("message", ""))
        if not match:
            continue
        nb = notebooks[relative(rec["filename"], corpus)]
        loc = rec["location"]
        score["records"] += 1
        if starts_with_name(nb, rec["cell"], loc["row"], loc["column"], match.group(1)):
            score["all"] += 1
        codes = nb.code_cell_numbers()
        if 1 <= rec["cell"] <= len(codes) and starts_with_name(
                nb, codes[rec["cell"] - 1], loc["row"], loc["column"], match.group(1)):
            score["code"] += 1
    return ("code" if score["code"] > score["all"] else "all"), dict(score)


def ruff_findings(records: list[dict[str, Any]], notebooks: dict[str, Notebook],
                  facts: dict[str, NotebookFacts], corpus: Path,
                  numbering: str) -> list[Finding]:
    found = []
    for rec in records:
        path = relative(rec["filename"], corpus)
        nb = notebooks.setdefault(path, load_notebook(corpus / path))
        fact = facts[path]
        if rec.get("code") != "F821":
            if rec.get("cell") is None:
                fact.ruff_unreadable = True
            else:
                fact.ruff_syntax = True
            continue
        match = RUFF_NAME.search(rec.get("message", ""))
        name = match.group(1) if match else "?"
        cell = int(rec.get("cell") or 0)
        if numbering == "code":
            codes = nb.code_cell_numbers()
            cell = codes[cell - 1] if 1 <= cell <= len(codes) else cell
        loc = rec["location"]
        fact.ruff_names.add(name)
        found.append(Finding("ruff", path, cell, loc["row"], loc["column"], name,
                             code="F821", message=rec.get("message", "")))
    return found


def nbscope_findings(report: dict[str, Any], facts: dict[str, NotebookFacts],
                     corpus: Path) -> list[Finding]:
    found = []
    for nb in report.get("notebooks", []):
        path = relative(nb["path"], corpus)
        fact = facts[path]
        fact.nbscope_error = nb.get("error")
        for f in nb.get("findings", []):
            if f.get("code") == "NS101":
                fact.nbscope_dynamic = True
            if f.get("name") and f.get("cell"):
                fact.nbscope_all.setdefault((f["cell"], f["name"]), []).append(f)
            if not f.get("cause") or f.get("severity") not in KEPT_SEVERITIES:
                continue
            fact.nbscope_names.add(f["name"])
            found.append(Finding("nbscope", path, int(f["cell"]), int(f.get("line") or 0),
                                 int(f.get("column") or 0), f["name"], code=f["code"],
                                 cause=f["cause"], severity=f["severity"],
                                 message=f.get("message", "")))
    return found


def mask_magics(source: str) -> str | None:
    """The cell with magic, shell and help lines replaced by ``pass`` (same line numbers)."""
    lines = LINE_BREAK.split(source)
    if lines and lines[0].lstrip().startswith("%%"):
        return None
    out = []
    for text in lines:
        stripped = text.rstrip()
        if MAGIC_LINE.match(text) or (stripped.endswith("?") and not stripped.startswith("#")):
            indent = text[: len(text) - len(text.lstrip())]
            out.append(indent + "pass")
        else:
            out.append(text)
    return "\n".join(out)


def enclosing_scope(nb: Notebook, cell: int, line: int, column: int) -> str:
    """``function`` if the position is inside a def/lambda body, ``class``, ``module``,
    or ``?`` when the cell does not parse."""
    if not 1 <= cell <= len(nb.cells):
        return "?"
    masked = mask_magics(nb.cells[cell - 1].source)
    if masked is None:
        return "?"
    try:
        tree = ast.parse(masked)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "?"
    text = nb.line(cell, line)
    pos = (line, len(text[: max(column - 1, 0)].encode("utf-8")))

    def inside(node: ast.AST) -> bool:
        start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
        end = (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)
        return start <= pos < end

    scope = "module"
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(inside(stmt) for stmt in node.body):
                return "function"
        elif isinstance(node, ast.Lambda):
            if inside(node.body):
                return "function"
        elif isinstance(node, ast.ClassDef) and any(inside(stmt) for stmt in node.body):
            scope = "class"
    return scope


def magic_mentions(nb: Notebook, upto_cell: int, name: str) -> int:
    """Cell number of the first magic line at or above ``upto_cell`` mentioning ``name``."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    for number, cell in enumerate(nb.cells[:upto_cell], 1):
        if cell.kind != "code":
            continue
        for text in cell.lines:
            if MAGIC_LINE.match(text) and word.search(text):
                return number
    return 0


def word_in(name: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}\b", text) is not None


def in_string(text: str, column: int) -> bool:
    """Whether 1-based ``column`` of one line falls inside a one-line string literal."""
    quote = ""
    index = 0
    while index < min(column - 1, len(text)):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return False
        index += 1
    return bool(quote)


def cell_magic_mentions(nb: Notebook, name: str) -> bool:
    return any(c.kind == "code" and c.source.lstrip().startswith("%%") and word_in(name, c.source)
               for c in nb.cells)


def has_star_import(nb: Notebook) -> bool:
    return any(c.kind == "code" and STAR_IMPORT.search(c.source) for c in nb.cells)


# Causes that only the saved session (execution counts, outputs, run times) proves.
SAVED_SESSION_CAUSES = frozenset({"out-of-order", "failed-definition", "restart",
                                  "hidden-state"})


def reason_nbscope_only(key: tuple[str, int, str], line: int, cause: str,
                        fact: NotebookFacts, nb: Notebook, scope: str) -> str:
    path, cell, name = key
    if fact.ruff_unreadable:
        return "ruff cannot read this notebook (nbformat 3 / schema)"
    if fact.ruff_skipped:
        return "ruff skips the notebook (metadata not Python), so no F821 at all"
    if fact.ruff_syntax:
        return "ruff: syntax error somewhere in the notebook, so no F821 at all"
    if cause == "missing-module":
        return "missing-module: ruff does not check that imports resolve"
    if cause == "conditional":
        return "conditional: ruff does not flag possibly-unbound names"
    if cause == "unbound-local":
        return "unbound-local: ruff F821 does not cover UnboundLocalError"
    if cause in SAVED_SESSION_CAUSES and name not in fact.ruff_names:
        return f"{cause}: from the saved counts and outputs, which ruff does not read"
    if has_star_import(nb):
        return "star import in notebook: ruff reports F405, not F821"
    if name.startswith("__") and name.endswith("__"):
        return "module dunder: ruff treats it as defined"
    if scope == "function":
        return f"{cause}: use inside a function body (ruff resolves at end of module)"
    if not word_in(name, nb.line(cell, line)):
        return f"{cause}: reported at a call; the read is inside the called function"
    if name in fact.ruff_names:
        return f"{cause}: ruff reports `{name}` in another cell"
    if cause == "defined-later":
        return "defined-later at module level: ruff silent (unexplained)"
    return f"{cause}: unexplained"


def reason_ruff_only(key: tuple[str, int, str], line: int, column: int,
                     fact: NotebookFacts, nb: Notebook, scope: str) -> str:
    path, cell, name = key
    if fact.nbscope_error:
        return "nbscope could not read the notebook"
    other = fact.nbscope_all.get((cell, name))
    if other:
        f = other[0]
        return f"nbscope reports it as {f['code']}/{f.get('severity')} (filtered out)"
    if KERNEL_NAME.match(name):
        return "kernel name (In/Out/_...): defined in IPython"
    text = nb.line(cell, line)
    if in_string(text, column):
        return "inside a string (annotation): ruff parses it as a forward reference"
    first_word = re.split(r"[\s(\[]", text.strip(), maxsplit=1)[0]
    if name in AUTOMAGICS and first_word == name:
        return "IPython automagic/alias line (e.g. `ls`, `pwd()`)"
    if cell_magic_mentions(nb, name):
        return "name appears in a %%cell-magic cell (e.g. %%cython), which ruff skips"
    if magic_mentions(nb, cell, name):
        return "a line magic mentions the name (e.g. %time x = ...): it may bind it"
    if fact.nbscope_dynamic:
        return "nbscope NS101: a dynamic binding in the notebook silences later reads"
    if name in fact.nbscope_names:
        return "nbscope reports the name in another cell"
    if cell <= len(nb.cells) and any(MAGIC_LINE.match(t) for t in nb.cells[cell - 1].lines):
        return "cell contains a magic"
    if scope in ("function", "class"):
        return f"use inside a {scope} body"
    return "unexplained"


def build_rows(ruff: list[Finding], nbscope: list[Finding], facts: dict[str, NotebookFacts],
               notebooks: dict[str, Notebook], corpus: Path) -> list[Row]:
    by_key: dict[tuple[str, int, str], dict[str, list[Finding]]] = defaultdict(
        lambda: {"ruff": [], "nbscope": []})
    for f in [*ruff, *nbscope]:
        by_key[(f.path, f.cell, f.name)][f.tool].append(f)
    rows = []
    for key in sorted(by_key):
        path, cell, name = key
        hits = by_key[key]
        r, n = hits["ruff"], hits["nbscope"]
        kind = "both" if r and n else ("ruff-only" if r else "nbscope-only")
        first = min(n or r, key=lambda f: (f.line, f.column))
        nb = notebooks.setdefault(path, load_notebook(corpus / path))
        fact = facts[path]
        scope = enclosing_scope(nb, cell, first.line, first.column)
        cause = ",".join(sorted({f.cause for f in n}))
        if kind == "both":
            reason = cause
        elif kind == "nbscope-only":
            reason = reason_nbscope_only(key, first.line, cause, fact, nb, scope)
        else:
            reason = reason_ruff_only(key, first.line, first.column, fact, nb, scope)
        ruff_message = r[0].message + (f" (x{len(r)})" if len(r) > 1 else "") if r else ""
        rows.append(Row(
            kind=kind, path=path, cell=cell, line=first.line, column=first.column, name=name,
            nbscope_code=",".join(sorted({f.code for f in n})), nbscope_cause=cause,
            nbscope_severity=",".join(sorted({f.severity for f in n})),
            ruff_message=ruff_message, reason=reason, scope=scope,
            source_line=nb.line(cell, first.line),
        ))
    return rows


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(x) for x in header], *[[str(x) for x in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for index, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])]
        parts += [value.rjust(width) for value, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(parts).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def ruff_linted(fact: NotebookFacts) -> bool:
    return not (fact.ruff_skipped or fact.ruff_syntax or fact.ruff_unreadable)


def print_summary(rows: list[Row], ruff: list[Finding], nbscope: list[Finding],
                  facts: dict[str, NotebookFacts], n_notebooks: int, numbering: str,
                  score: dict[str, int], commands: list[str], version: str) -> None:
    print("commands (run from the repository root):")
    for command in commands:
        print(f"  {command}")
    print()
    print(f"versions: {version}")
    print(f"notebooks: {n_notebooks}")
    print(f"ruff `cell` numbering: name found at ruff's row/column in {score.get('all', 0)} of "
          f"{score.get('records', 0)} F821 records counting ALL cells, "
          f"{score.get('code', 0)} counting only code cells -> using {numbering.upper()} cells")
    skipped = sum(1 for f in facts.values() if f.ruff_skipped)
    syntax = sum(1 for f in facts.values() if f.ruff_syntax)
    unreadable = sum(1 for f in facts.values() if f.ruff_unreadable)
    nbs_err = sum(1 for f in facts.values() if f.nbscope_error)
    print(f"notebooks ruff did not lint (no F821 possible): {skipped} skipped silently "
          f"(metadata not Python), {syntax} with a syntax error in some cell, {unreadable} "
          f"unreadable; linted: {n_notebooks - skipped - syntax - unreadable}")
    print(f"notebooks nbscope could not read: {nbs_err}")
    print()

    by_cause: dict[str, Counter[str]] = defaultdict(Counter)
    for f in nbscope:
        by_cause[f.cause]["findings"] += 1
        by_cause[f.cause][f.severity] += 1
    for row in rows:
        if row.kind == "ruff-only":
            continue
        for cause in row.nbscope_cause.split(","):
            by_cause[cause]["keys"] += 1
            by_cause[cause][row.kind] += 1
            if row.kind == "nbscope-only" and ruff_linted(facts[row.path]):
                by_cause[cause]["linted"] += 1
    header = ["nbscope cause", "findings", "error", "warning", "keys", "both",
              "nbscope-only", "(ruff linted nb)"]
    body = [[cause, c["findings"], c["error"], c["warning"], c["keys"], c["both"],
             c["nbscope-only"], c["linted"]]
            for cause, c in sorted(by_cause.items(), key=lambda kv: -kv[1]["findings"])]
    total = Counter[str]()
    for c in by_cause.values():
        total.update(c)
    body.append(["TOTAL", total["findings"], total["error"], total["warning"], total["keys"],
                 total["both"], total["nbscope-only"], total["linted"]])
    print("nbscope findings (cause set, severity error/warning) by cause; keys = distinct "
          "(notebook, cell, name):")
    print(table(header, body))
    print()

    kinds = Counter(row.kind for row in rows)
    linted = Counter(row.kind for row in rows if ruff_linted(facts[row.path]))
    ruff_keys = kinds["both"] + kinds["ruff-only"]
    print(f"ruff F821: {len(ruff)} findings, {ruff_keys} keys, in "
          f"{len({f.path for f in ruff})} notebooks")
    print(table(["agreement (keys)", "all notebooks", "notebooks ruff linted"],
                [[kind, kinds[kind], linted[kind]] for kind in KINDS]
                + [["total", sum(kinds.values()), sum(linted.values())]]))
    print()
    for kind in ("ruff-only", "nbscope-only"):
        reasons = Counter(row.reason for row in rows if row.kind == kind)
        print(table([f"{kind} reason (first match)", "keys"], reasons.most_common()))
        print()


def print_samples(rows: list[Row], sample: int, seed: int) -> None:
    rng = random.Random(seed)
    for kind in ("ruff-only", "nbscope-only"):
        pool = [row for row in rows if row.kind == kind]
        chosen = rng.sample(pool, min(sample, len(pool)))
        print(f"=== sample of {len(chosen)} of {len(pool)} {kind} (seed {seed}) ===")
        for index, row in enumerate(chosen, 1):
            said = (f"nbscope {row.nbscope_code} {row.nbscope_cause} {row.nbscope_severity}"
                    if row.nbscope_code else f"ruff {row.ruff_message}")
            print(f"[{kind} {index}] {row.path}  cell {row.cell} line {row.line}  "
                  f"`{row.name}`  ({said}; scope {row.scope})")
            print(f"    reason: {row.reason}")
            print(f"    | {row.source_line.rstrip()}")
        print()


CELL_CONTEXT = 6  # lines shown on each side of the finding's line


def finding_group(finding: dict[str, Any]) -> str:
    return finding.get("cause") or finding.get("code") or "?"


def sample_by_cause(report: dict[str, Any], corpus: Path, per_cause: int,
                    seed: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Up to ``per_cause`` findings of each cause, drawn reproducibly: the findings are
    put in a fixed order first (path, cell, line, column, code, name), then each cause
    is sampled by its own generator seeded with ``seed`` and the cause's name."""
    groups: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for nb in report.get("notebooks", []):
        path = relative(nb["path"], corpus)
        for finding in nb.get("findings", []):
            groups[finding_group(finding)].append((path, finding))
    chosen = {}
    for cause, pool in sorted(groups.items()):
        pool.sort(key=lambda item: (item[0], item[1].get("cell") or 0,
                                    item[1].get("line") or 0, item[1].get("column") or 0,
                                    item[1].get("code") or "", item[1].get("name") or ""))
        rng = random.Random(f"{seed}:{cause}")
        picked = rng.sample(range(len(pool)), min(per_cause, len(pool)))
        chosen[cause] = [pool[index] for index in sorted(picked)]
    return chosen


def cell_excerpt(nb: Notebook, cell: int, line: int | None) -> list[str]:
    """The cell's lines around ``line`` (all of a short cell), numbered, ``>`` marking it."""
    if not 1 <= cell <= len(nb.cells):
        return ["    (cell not found)"]
    lines = nb.cells[cell - 1].lines
    if len(lines) <= 2 * CELL_CONTEXT + 1 or not line:
        start, end = 1, len(lines)
    else:
        start, end = max(1, line - CELL_CONTEXT), min(len(lines), line + CELL_CONTEXT)
    out = [f"    {'>' if number == line else ' '}{number:4} | {lines[number - 1].rstrip()[:160]}"
           for number in range(start, end + 1)]
    if start > 1:
        out.insert(0, f"    ... ({start - 1} lines above)")
    if end < len(lines):
        out.append(f"    ... ({len(lines) - end} lines below)")
    return out


def print_cause_samples(chosen: dict[str, list[tuple[str, dict[str, Any]]]],
                        totals: Counter[str], corpus: Path, seed: int) -> None:
    notebooks: dict[str, Notebook] = {}
    for cause, items in chosen.items():
        print(f"=== {cause}: {len(items)} of {totals[cause]} findings (seed {seed}) ===")
        for index, (path, f) in enumerate(items, 1):
            nb = notebooks.setdefault(path, load_notebook(corpus / path))
            print(f"[{cause} {index}] {path}  cell {f.get('cell')} line {f.get('line')}  "
                  f"`{f.get('name')}`  {f.get('code')} {f.get('severity')}")
            print(f"    message: {f.get('message')}")
            if f.get("fix"):
                print(f"    fix: {f['fix']}")
            for rel in f.get("related") or []:
                text = nb.line(rel.get("cell") or 0, rel.get("line") or 0).strip()[:120]
                print(f"    related {rel.get('role')}: cell {rel.get('cell')} line "
                      f"{rel.get('line')} [{rel.get('execution_count')}]  {text}")
            print(f"    cell {f.get('cell')} [{f.get('execution_count')}]:")
            print("\n".join(cell_excerpt(nb, int(f.get("cell") or 0), f.get("line"))))
            print()


def audit_by_cause(args: argparse.Namespace, corpus: Path) -> int:
    if args.nbscope_json:
        report = json.loads(args.nbscope_json.read_text(encoding="utf-8"))
        command = f"(nbscope JSON read from {args.nbscope_json})"
    else:
        command = " ".join(["python3", *NBSCOPE_ARGS, str(corpus)])
        report = run_json([sys.executable, *NBSCOPE_ARGS, str(corpus)], "nbscope",
                          ok=(0, 1, 2))
    totals = Counter(finding_group(f) for nb in report.get("notebooks", [])
                     for f in nb.get("findings", []))
    chosen = sample_by_cause(report, corpus, args.by_cause, args.seed)
    print(f"command: {command}")
    print(f"notebooks: {len(report.get('notebooks', []))}; findings: {sum(totals.values())}")
    print(table(["cause (or code)", "findings", "sampled"],
                [[cause, totals[cause], len(chosen.get(cause, []))]
                 for cause in sorted(totals, key=lambda c: -totals[c])]))
    print()
    print_cause_samples(chosen, totals, corpus, args.seed)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Audit nbscope against ruff F821 on the notebook corpus.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of notebooks (default: ../shared/corpus/notebooks "
                             "relative to the repository root)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"TSV with one row per key (default {DEFAULT_OUT})")
    parser.add_argument("--sample", type=int, default=20,
                        help="rows to print per disagreement kind (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for the sample")
    parser.add_argument("--by-cause", type=int, metavar="N",
                        help="hand-audit mode: print N findings of each cause (seeded "
                             "sample) with their cells; runs nbscope only, not ruff")
    parser.add_argument("--ruff", default="ruff", help="ruff executable (default: ruff)")
    parser.add_argument("--ruff-json", type=Path,
                        help="read this saved ruff JSON instead of running ruff")
    parser.add_argument("--nbscope-json", type=Path,
                        help="read this saved nbscope JSON instead of running nbscope")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return audit(args)
    except AuditError as exc:
        print(f"corpus_audit: {exc}", file=sys.stderr)
        return 2


def audit(args: argparse.Namespace) -> int:
    corpus = Path(os.path.realpath(args.corpus))
    if not corpus.is_dir():
        raise AuditError(f"corpus folder not found: {corpus} (pass --corpus PATH)")
    if args.by_cause is not None:
        if args.by_cause < 1:
            raise AuditError("--by-cause needs a positive number of findings per cause")
        return audit_by_cause(args, corpus)
    commands = []
    ruff = shutil.which(args.ruff)
    if ruff is None:
        raise AuditError(f"ruff not found (looked for {args.ruff!r} on PATH); install it "
                         "with `pip install ruff` or pass --ruff PATH")
    if args.ruff_json:
        ruff_records = json.loads(args.ruff_json.read_text(encoding="utf-8"))
        commands.append(f"(ruff JSON read from {args.ruff_json})")
    else:
        commands.append(" ".join(["ruff", *RUFF_ARGS, str(corpus)]))
        ruff_records = run_json([ruff, *RUFF_ARGS, str(corpus)], "ruff", ok=(0, 1))
    if args.nbscope_json:
        report = json.loads(args.nbscope_json.read_text(encoding="utf-8"))
        commands.append(f"(nbscope JSON read from {args.nbscope_json})")
    else:
        commands.append(" ".join(["python3", *NBSCOPE_ARGS, str(corpus)]))
        report = run_json([sys.executable, *NBSCOPE_ARGS, str(corpus)], "nbscope",
                          ok=(0, 1, 2))

    facts: dict[str, NotebookFacts] = defaultdict(NotebookFacts)
    notebooks: dict[str, Notebook] = {}
    for nb in report.get("notebooks", []):
        path = relative(nb["path"], corpus)
        notebooks[path] = load_notebook(corpus / path)
    for rec in ruff_records:
        path = relative(rec["filename"], corpus)
        if path not in notebooks:
            notebooks[path] = load_notebook(corpus / path)

    for path in ruff_skipped_notebooks(ruff, corpus, sorted(notebooks)):
        facts[path].ruff_skipped = True
    commands.append(f"ruff {' '.join(RUFF_ARGS)} <probe folder>   # metadata probe, see --help")
    numbering, score = ruff_numbering(ruff_records, notebooks, corpus)
    ruff_found = ruff_findings(ruff_records, notebooks, facts, corpus, numbering)
    nbscope_found = nbscope_findings(report, facts, corpus)
    rows = build_rows(ruff_found, nbscope_found, facts, notebooks, corpus)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\t".join(TSV_COLUMNS) + "\n")
        handle.writelines("\t".join(row.as_list()) + "\n" for row in rows)

    print_summary(rows, ruff_found, nbscope_found, facts, len(report.get("notebooks", [])),
                  numbering, score, commands, versions(ruff))
    print(f"TSV: {args.out} ({len(rows)} rows)")
    print()
    print_samples(rows, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
