"""Does nbscope name the right cause? Mutants of clean real notebooks, one cause at a time.

    python3 benchmarks/mutation_causes.py                   # every cause, seed 0
    python3 benchmarks/mutation_causes.py --per-cause 100 --seed 3 --misses 5

It takes the corpus notebooks that check clean (no finding at all, once their
saved session is made plain: every code cell run once, top to bottom, error
outputs removed; or, for the causes read from the code alone, with no counts and
no outputs), picks a name that one cell assigns (``name = ...`` at its top level,
bound nowhere else) and a later cell reads, and injects one cause:

- restart: the cells ran in order; then the kernel restarted and every cell up to
  the reader ran again, except the defining one (it keeps its first-session count);
  the reader's saved output is ``NameError``.
- out-of-order: one session in which the reader ran before the defining cell (a lower
  count), with a saved ``NameError``.
- failed-definition: the defining cell's saved output is an error raised at the
  assignment; the reader's is ``NameError``; nothing below it ran.
- hidden-state: the defining cell is deleted; the counts (with the gap it leaves) and
  the reader's outputs show the reader ran without error. Made only from notebooks
  that kept their outputs: the cause is, by its definition in the output contract,
  what the saved outputs show, and a notebook saved without any output (stripped
  before it was committed; the session's counts are made up here) shows nothing
  either way. ``--stripped`` makes them from those notebooks too, for comparison.
- missing-import: a local module. The assignment moves to a helper ``.py`` beside a
  temporary copy, and the defining cell imports another name from it.
- missing-name: the defining cell imports a misspelling of the name from that helper
  (``ImportError``).
- typo: one read of the name is misspelt by one edit (a dropped, doubled or swapped
  letter) into a name bound nowhere.
- missing-import (module): an ``import`` of a standard module, or of a package as its
  conventional alias (``np``), that a later cell uses is removed.

Each mutant is written to a temporary folder (with its helper module) and checked
with ``nbscope.check_path`` (the command line's answer, no configuration). A mutant
is *found* when nbscope reports the injected name in the expected cell, and *right*
when that finding's cause is the injected one. The table gives, per cause, the
mutants, found, right cause and the rate right/mutants; ``--misses N`` lists up to N
misses per cause with what nbscope said instead. The corpus is only read.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import random
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import nbscope  # noqa: E402
from nbscope.conventions import CONVENTIONAL_IMPORTS  # noqa: E402
from nbscope.names import BUILTIN_NAMES  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "notebooks"
HELPER = "nb_helpers"
SAVED_CAUSES = ("restart", "out-of-order", "failed-definition", "hidden-state")
CODE_CAUSES = ("missing-import", "missing-name", "typo", "missing-import (module)")


@dataclass
class Candidate:
    """A name ``name`` assigned by the statement at ``line`` (1-based, ``end`` its last line)
    of code cell ``define`` and first read by code cell ``use`` (indexes into ``cells``)."""

    name: str
    define: int
    use: int
    line: int
    end: int
    others_clear: bool  # no cell from the definition to the reader reads another of its names
    read_after: bool  # the defining cell itself reads the name after assigning it


@dataclass
class Mutant:
    cause: str
    path: str  # the corpus notebook
    document: dict
    cell: int  # 1-based over all cells: where the finding is expected
    name: str
    helper: str | None = None


@dataclass
class Tally:
    mutants: int = 0
    found: int = 0
    right: int = 0
    misses: list[str] = field(default_factory=list)


# --- reading the notebook -------------------------------------------------------------


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def top_level_reads(tree: ast.Module) -> list[ast.Name]:
    """Names read by the cell's own code, not inside a function, class or comprehension."""
    reads: list[ast.Name] = []
    skip = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp,
            ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, skip):
                continue
            if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                reads.append(child)
            visit(child)
    visit(tree)
    return sorted(reads, key=lambda n: (n.lineno, n.col_offset))


def module_bound(tree: ast.Module) -> set[str]:
    """Names a cell binds at its top level (a rough list: enough to keep mutants honest)."""
    names: set[str] = set()
    for node in tree.body:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, ast.alias):
                names.add((sub.asname or sub.name).split(".")[0])
    return names


def candidates(cells: list[dict]) -> list[Candidate]:
    code = [c for c in cells if c.get("cell_type") == "code"]
    sources = [cell_source(c) for c in code]
    if any(re.search(r"\bimport\s+\*", s) for s in sources):
        return []  # a star import may bind any name: no cause can be right
    trees = [parse(s) for s in sources]
    found = []
    for d, tree in enumerate(trees):
        if tree is None:
            continue
        for statement in tree.body:
            if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1
                    and isinstance(statement.targets[0], ast.Name)):
                continue
            name = statement.targets[0].id
            picked = _reader(name, d, statement, sources, trees)
            if picked is None:
                continue
            others = module_bound(tree) - {name}
            clear = not any(re.search(rf"\b{re.escape(o)}\b", sources[i])
                            for o in others for i in range(d + 1, picked + 1))
            after = len(re.findall(rf"\b{re.escape(name)}\b", sources[d])) > 1
            found.append(Candidate(name, d, picked, statement.lineno,
                                   statement.end_lineno or statement.lineno, clear, after))
    return found


def _reader(name: str, d: int, statement: ast.Assign, sources: list[str],
            trees: list[ast.Module | None]) -> int | None:
    """The first cell after ``d`` reading ``name`` at its top level, when ``name`` is bound
    only by ``statement`` and every other mention of it is a plain read after it."""
    if len(name) < 2 or name in BUILTIN_NAMES or name.startswith("_"):
        return None
    word = re.compile(rf"\b{re.escape(name)}\b")
    reader = None
    for i, (source, tree) in enumerate(zip(sources, trees, strict=True)):
        mentions = len(word.findall(source))
        if i == d:
            reads = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
            if mentions != len(reads) or sum(isinstance(n.ctx, ast.Store) for n in reads) != 1:
                return None
            if any(n.lineno <= statement.lineno and isinstance(n.ctx, ast.Load) for n in reads):
                return None
            continue
        if mentions == 0:
            continue
        if tree is None or i < d:
            return None
        loads = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name]
        if len(loads) != mentions or any(not isinstance(n.ctx, ast.Load) for n in loads):
            return None
        if reader is None and any(n.id == name for n in top_level_reads(tree)):
            reader = i
    return reader


# --- the saved session ------------------------------------------------------------------


def name_error(name: str, count: int | None, line: int, text: str) -> dict:
    return {"output_type": "error", "ename": "NameError",
            "evalue": f"name '{name}' is not defined",
            "traceback": ["-" * 75,
                          "NameError                                 Traceback (most recent "
                          "call last)",
                          f"Cell In[{count or ''}], line {line}\n----> {line} {text}\n",
                          f"NameError: name '{name}' is not defined"]}


def other_error(count: int | None, line: int, text: str) -> dict:
    return {"output_type": "error", "ename": "FileNotFoundError",
            "evalue": "[Errno 2] No such file or directory: 'data.csv'",
            "traceback": ["-" * 75, "FileNotFoundError                         Traceback (most "
                          "recent call last)",
                          f"Cell In[{count or ''}], line {line}\n----> {line} {text}\n",
                          "FileNotFoundError: [Errno 2] No such file or directory: 'data.csv'"]}


def plain_session(document: dict) -> dict:
    """Every code cell run once, top to bottom, in one session; no error outputs, and no
    saved run times (Colab's, JupyterLab's), which would tell another story."""
    plain = copy.deepcopy(document)
    count = 0
    for cell in plain["cells"]:
        if cell.get("cell_type") == "code":
            count += 1
            cell["execution_count"] = count
            metadata = cell.get("metadata")
            if isinstance(metadata, dict):
                metadata.pop("executionInfo", None)
                metadata.pop("execution", None)
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if o.get("output_type") != "error"]
    return plain


def never_run(document: dict) -> dict:
    cleared = copy.deepcopy(document)
    for cell in cleared["cells"]:
        if cell.get("cell_type") == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
    return cleared


def _code_positions(document: dict) -> list[int]:
    return [i for i, c in enumerate(document["cells"]) if c.get("cell_type") == "code"]


def _read_line(cell: dict, name: str) -> tuple[int, str]:
    tree = parse(cell_source(cell))
    first = next(n for n in top_level_reads(tree) if n.id == name)
    return first.lineno, cell_source(cell).split("\n")[first.lineno - 1]


def _set_error(cell: dict, error: dict) -> None:
    cell["outputs"] = [error]


def restart(base: dict, c: Candidate) -> dict | None:
    if not c.others_clear:
        return None
    mutant = copy.deepcopy(base)
    code = [mutant["cells"][i] for i in _code_positions(mutant)]
    count = 0
    for k, cell in enumerate(code[:c.use + 1]):
        if k != c.define:
            count += 1
            cell["execution_count"] = count
    line, text = _read_line(code[c.use], c.name)
    _set_error(code[c.use], name_error(c.name, count, line, text))
    return mutant


def out_of_order(base: dict, c: Candidate) -> dict | None:
    if not c.others_clear:
        return None
    mutant = copy.deepcopy(base)
    code = [mutant["cells"][i] for i in _code_positions(mutant)]
    order = [k for k in range(c.use) if k != c.define] + [c.use, c.define]
    order += list(range(c.use + 1, len(code)))
    for count, k in enumerate(order, 1):
        code[k]["execution_count"] = count
    line, text = _read_line(code[c.use], c.name)
    _set_error(code[c.use], name_error(c.name, code[c.use]["execution_count"], line, text))
    return mutant


def failed_definition(base: dict, c: Candidate) -> dict | None:
    if not c.others_clear:
        return None
    mutant = copy.deepcopy(base)
    code = [mutant["cells"][i] for i in _code_positions(mutant)]
    defining = code[c.define]
    text = cell_source(defining).split("\n")[c.line - 1]
    _set_error(defining, other_error(defining["execution_count"], c.line, text))
    line, read = _read_line(code[c.use], c.name)
    _set_error(code[c.use], name_error(c.name, code[c.use]["execution_count"], line, read))
    for cell in code[c.use + 1:]:
        cell["execution_count"] = None
        cell["outputs"] = []
    return mutant


def deleted_cell(base: dict, c: Candidate) -> dict | None:
    mutant = copy.deepcopy(base)
    del mutant["cells"][_code_positions(mutant)[c.define]]
    return mutant


# --- the code ---------------------------------------------------------------------------


def _replace_lines(cell: dict, first: int, last: int, text: str) -> None:
    lines = cell_source(cell).split("\n")
    cell["source"] = "\n".join(lines[:first - 1] + [text] + lines[last:])


def local_module(base: dict, c: Candidate) -> tuple[dict, str] | None:
    """The assignment moves to the helper; the cell imports another of its names."""
    mutant = copy.deepcopy(base)
    defining = mutant["cells"][_code_positions(mutant)[c.define]]
    indent = re.match(r"\s*", cell_source(defining).split("\n")[c.line - 1]).group()
    _replace_lines(defining, c.line, c.end, f"{indent}from {HELPER} import SETTINGS")
    helper = f"SETTINGS = {{'seed': 0}}\n{c.name} = None\n"
    return mutant, helper


def misspelt(name: str, rng: random.Random) -> str | None:
    """A one-edit slip of ``name``: a dropped, doubled or swapped letter."""
    slips = []
    for i in range(len(name)):
        slips.append(name[:i] + name[i + 1:])
        slips.append(name[:i] + name[i] + name[i:])
        if i + 1 < len(name) and name[i] != name[i + 1]:
            slips.append(name[:i] + name[i + 1] + name[i] + name[i + 2:])
    slips = [s for s in slips if len(s) >= 2 and s.isidentifier() and s != name
             and s not in BUILTIN_NAMES]
    return rng.choice(sorted(set(slips))) if slips else None


def misspelt_import(base: dict, c: Candidate, rng: random.Random) -> tuple[dict, str, str] | None:
    slip = misspelt(c.name, rng)
    if slip is None:
        return None
    mutant = copy.deepcopy(base)
    defining = mutant["cells"][_code_positions(mutant)[c.define]]
    indent = re.match(r"\s*", cell_source(defining).split("\n")[c.line - 1]).group()
    _replace_lines(defining, c.line, c.end, f"{indent}from {HELPER} import {slip}")
    return mutant, f"SETTINGS = {{'seed': 0}}\n{c.name} = None\n", slip


def typo(base: dict, c: Candidate, rng: random.Random, bound: set[str]) -> tuple[dict, str] | None:
    slip = misspelt(c.name, rng)
    if slip is None or slip in bound:
        return None
    mutant = copy.deepcopy(base)
    cell = mutant["cells"][_code_positions(mutant)[c.use]]
    line, _ = _read_line(cell, c.name)
    read = next(n for n in top_level_reads(parse(cell_source(cell))) if n.id == c.name)
    lines = cell_source(cell).split("\n")
    text = lines[line - 1].encode()
    start = read.col_offset
    lines[line - 1] = (text[:start] + slip.encode() + text[start + len(c.name.encode()):]).decode()
    cell["source"] = "\n".join(lines)
    return mutant, slip


def removed_imports(base: dict) -> list[tuple[dict, int, str]]:
    """Mutants without one import of a module (``import os``, ``import numpy as np``) whose
    name a later cell uses, each with the using cell and the name."""
    code = _code_positions(base)
    sources = [cell_source(base["cells"][i]) for i in code]
    trees = [parse(s) for s in sources]
    found = []
    for k, tree in enumerate(trees):
        if tree is None:
            continue
        for statement in tree.body:
            if not isinstance(statement, ast.Import) or len(statement.names) != 1:
                continue
            alias = statement.names[0]
            bound = alias.asname or alias.name
            if not _known_module(alias):
                continue
            word = re.compile(rf"\b{re.escape(bound)}\b")
            if any(word.search(s) for s in sources[:k]) or len(word.findall(sources[k])) != 1:
                continue
            if sum(bool(re.search(rf"import\s.*\b{re.escape(bound)}\b", s)) for s in sources) > 1:
                continue
            users = [i for i in range(k + 1, len(trees)) if trees[i] is not None and any(
                n.id == bound for n in top_level_reads(trees[i]))]
            if not users:
                continue
            mutant = copy.deepcopy(base)
            _replace_lines(mutant["cells"][code[k]], statement.lineno,
                           statement.end_lineno or statement.lineno, "pass")
            found.append((mutant, code[users[0]] + 1, bound))
    return found


def _known_module(alias: ast.alias) -> bool:
    """A standard module imported as itself, or an import as its conventional alias."""
    if alias.asname is None:
        return "." not in alias.name and (alias.name in sys.stdlib_module_names
                                          or alias.name in CONVENTIONAL_IMPORTS)
    return CONVENTIONAL_IMPORTS.get(alias.asname) == f"import {alias.name} as {alias.asname}"


# --- running --------------------------------------------------------------------------


def check(document: dict, folder: Path, helper: str | None = None) -> nbscope.NotebookReport:
    folder.mkdir()
    path = folder / "mutant.ipynb"
    path.write_text(json.dumps(document), encoding="utf-8")
    if helper is not None:
        (folder / f"{HELPER}.py").write_text(helper, encoding="utf-8")
    return nbscope.check_path(path, use_config=False)


def _kept_outputs(document: dict) -> bool:
    """Whether the notebook was saved with the outputs of its runs (any code cell has one)."""
    return any(output.get("output_type") != "error" for cell in document["cells"]
               if cell.get("cell_type") == "code" for output in cell.get("outputs", []))


def build_mutants(path: Path, document: dict, rng: random.Random, fresh,
                  stripped: bool = False) -> list[Mutant]:
    plain, bare = plain_session(document), never_run(document)
    mutants: list[Mutant] = []
    found = candidates(document["cells"])
    if not found:
        return []
    code = _code_positions(document)
    bound = set().union(*(module_bound(t) for t in map(parse, map(cell_source, (
        document["cells"][i] for i in code))) if t is not None))
    plain_clean = not check(plain, fresh()).findings
    bare_clean = not check(bare, fresh()).findings
    pick = rng.choice(found)
    at_use = code[pick.use] + 1
    if plain_clean:
        for cause, make in (("restart", restart), ("out-of-order", out_of_order),
                            ("failed-definition", failed_definition)):
            made = make(plain, pick)
            if made is not None:
                mutants.append(Mutant(cause, str(path), made, at_use, pick.name))
        if stripped or _kept_outputs(document):
            made = deleted_cell(plain, pick)
            mutants.append(Mutant("hidden-state", str(path), made, at_use - 1, pick.name))
    if bare_clean:
        moved = local_module(bare, pick)
        if moved is not None:
            first_read = code[pick.define] + 1 if pick.read_after else at_use
            mutants.append(Mutant("missing-import", str(path), moved[0], first_read, pick.name,
                                  moved[1]))
        wrong = misspelt_import(bare, pick, rng)
        if wrong is not None:
            mutants.append(Mutant("missing-name", str(path), wrong[0], code[pick.define] + 1,
                                  wrong[2], wrong[1]))
        slipped = typo(bare, pick, rng, bound)
        if slipped is not None:
            mutants.append(Mutant("typo", str(path), slipped[0], at_use, slipped[1]))
        removed = removed_imports(bare)
        if removed:
            mutant, cell, name = rng.choice(removed)
            mutants.append(Mutant("missing-import (module)", str(path), mutant, cell, name))
    return mutants


def judge(mutant: Mutant, report: nbscope.NotebookReport, tally: Tally) -> None:
    tally.mutants += 1
    here = [f for f in report.findings if f.cell == mutant.cell and f.name == mutant.name]
    cause = mutant.cause.split(" ")[0]
    if here:
        tally.found += 1
    if any(f.cause is not None and f.cause.value == cause for f in here):
        tally.right += 1
        return
    said = "; ".join(f"{f.code} {f.cause}: {f.message}" for f in here) or "nothing: "
    if mutant.cause in SAVED_CAUSES:
        outputs = mutant.document["cells"][mutant.cell - 1].get("outputs", [])
        kept = any(c.get("outputs") for c in mutant.document["cells"]
                   if c.get("cell_type") == "code")
        said = (f"(the reader has {len(outputs)} outputs"
                f"{'' if kept else ', no cell has any'}) {said}")
    others = [f"{f.code} {f.cause} `{f.name}` cell {f.cell}" for f in report.findings
              if f not in here]
    tally.misses.append(f"{mutant.path} cell {mutant.cell} `{mutant.name}`: {said}"
                        + (f" [elsewhere: {', '.join(others[:3])}]" if others else ""))


def notebooks(corpus: Path) -> list[Path]:
    found = []
    for root, folders, files in os.walk(corpus):
        folders[:] = sorted(f for f in folders if not f.startswith(".")
                            and f != ".ipynb_checkpoints")
        found += [Path(root) / f for f in sorted(files) if f.endswith(".ipynb")]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-cause", type=int, default=150,
                        help="at most this many mutants per cause (default 150)")
    parser.add_argument("--misses", type=int, default=3, help="misses listed per cause")
    parser.add_argument("--stripped", action="store_true",
                        help="also make hidden-state mutants from notebooks saved without "
                             "outputs (their reader's success is then shown by nothing)")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"mutation_causes: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    paths = notebooks(args.corpus)
    rng.shuffle(paths)
    tallies = {cause: Tally() for cause in SAVED_CAUSES + CODE_CAUSES}
    clean = 0
    with tempfile.TemporaryDirectory(prefix="nbscope-mutants-") as temp:
        serial = iter(range(10**9))

        def fresh() -> Path:
            return Path(temp) / f"m{next(serial):06d}"

        for path in paths:
            if all(t.mutants >= args.per_cause for t in tallies.values()):
                break
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if document.get("nbformat") != 4 or not isinstance(document.get("cells"), list):
                continue
            if check(document, fresh()).findings:
                continue
            clean += 1
            for mutant in build_mutants(path, document, rng, fresh, args.stripped):
                tally = tallies[mutant.cause]
                if tally.mutants < args.per_cause:
                    judge(mutant, check(mutant.document, fresh(), mutant.helper), tally)
    print(f"seed {args.seed}; {clean} clean notebooks used of {len(paths)}")
    print(f"{'cause':<26}{'mutants':>8}{'found':>8}{'right':>8}{'rate':>8}")
    for cause, tally in tallies.items():
        rate = f"{100 * tally.right / tally.mutants:.1f}%" if tally.mutants else "-"
        print(f"{cause:<26}{tally.mutants:>8}{tally.found:>8}{tally.right:>8}{rate:>8}")
    for cause, tally in tallies.items():
        counted = Counter(m.split("`: ", 1)[1].split(":")[0].split(") ")[-1]
                          for m in tally.misses)
        if tally.misses and args.misses:
            print(f"\n{cause}: {len(tally.misses)} misses ({dict(counted.most_common(4))})")
            for miss in tally.misses[:args.misses]:
                print(f"  {miss[:400]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
