"""Would a JIT-compiled interpreter meet the cold target? nbscope under PyPy, timed
against the same code under CPython and the parse floor under both, on the corpus.

    pypy3 -m venv /tmp/pypy-venv                      # Debian: apt install pypy3 pypy3-venv
    /tmp/pypy-venv/bin/pip install nbformat asttokens 'ipython<9'
    python3 benchmarks/bench_pypy.py --pypy /tmp/pypy-venv/bin/python --repeat 3

``--build DIR`` (default: a temporary folder) receives a copy of the package that the
PyPy interpreter runs. Where that PyPy implements Python 3.9 (Debian 12's PyPy 7.3.11
does; nbscope needs 3.10), the copy is made to run there without changing what it
does: every module gets ``from __future__ import annotations``, unions of classes
written with ``|`` outside annotations become tuples (what ``isinstance`` is given),
import aliases take their statement's position (3.9 gives them none), and a
``sitecustomize`` module supplies what 3.10 added and the code calls (``slots`` and
``kw_only`` of dataclasses, ``zip(strict=...)``, ``sys.stdlib_module_names`` read from
this CPython, the ``match`` node classes). ``msgspec`` must not be installed in the
PyPy environment: the copy then decodes with ``json.loads``, as nbscope does without it.

Then, interleaved ``--repeat`` times, each a fresh process: the floor (read every
notebook, ``json.loads``, ``ast.parse`` every code cell: ``bench_corpus.py``'s
baseline) under CPython and under PyPy, and ``nbscope check --format json --no-cache
--jobs 1`` under each. ``--second-round`` also times, once, a PyPy process that checks
the corpus twice, and prints the second round: what a long-lived process (a worker
of a distributed run) would see once the JIT has compiled the engine.

The reports must agree on every finding but the syntax errors, by notebook, cell, rule,
name and message (exit status 1 otherwise): which cells parse, and what the parser
says of those that do not (``NS100``), depend on the Python version, and under 3.9
the columns of findings at import aliases differ, so columns are not compared. A
prototype measurement, not a supported runtime.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_compiled import NBSCOPE, timed  # noqa: E402
from bench_corpus import BASELINE_CODE, DEFAULT_CORPUS, REPO_ROOT, find_notebooks  # noqa: E402

# What Python 3.10 added that nbscope calls, for an interpreter of 3.9. Dataclass slots
# only save memory, ``strict`` only checks lengths already equal, and the ``match``
# classes are never met: 3.9's parser makes no such nodes.
SITECUSTOMIZE = '''\
import ast, builtins, dataclasses, json, sys

_dataclass = dataclasses.dataclass


def _dataclass_of_3_9(cls=None, **options):
    options.pop("slots", None)
    options.pop("kw_only", None)
    return _dataclass(**options) if cls is None else _dataclass(cls, **options)


dataclasses.dataclass = _dataclass_of_3_9
_zip = builtins.zip
builtins.zip = lambda *iterables, strict=False: _zip(*iterables)
sys.stdlib_module_names = frozenset(json.loads(STDLIB_NAMES))
ast.pattern = getattr(ast, "pattern", type("pattern", (ast.AST,), {}))
for _name in ("Match", "match_case", "MatchValue", "MatchSingleton", "MatchSequence",
              "MatchMapping", "MatchClass", "MatchStar", "MatchAs", "MatchOr"):
    if not hasattr(ast, _name):
        _base = ast.stmt if _name == "Match" else ast.AST if _name == "match_case" else ast.pattern
        setattr(ast, _name, type(_name, (_base,), {"_fields": ()}))
'''

# 3.9's ``alias`` nodes have no position: they take their import statement's.
ALIAS_POSITIONS = ("for _alias in node.names:\n"
                   "    if not hasattr(_alias, 'lineno'):\n"
                   "        _alias.lineno, _alias.col_offset = node.lineno, node.col_offset\n"
                   "        _alias.end_lineno, _alias.end_col_offset = "
                   "node.end_lineno, node.end_col_offset\n")


# What the interpreter is, what it lacks of nbscope's dependencies, and its version.
PROBE = """\
import importlib.util, json, sys
print(json.dumps({"implementation": sys.implementation.name,
                  "missing": [m for m in ("nbformat", "asttokens", "IPython")
                              if importlib.util.find_spec(m) is None],
                  "msgspec": importlib.util.find_spec("msgspec") is not None,
                  "version": sys.version_info[:2], "text": " ".join(sys.version.split())}))
"""


def check_environment(pypy: str) -> tuple[tuple[int, int], str]:
    """The PyPy's Python version and its description; exits when it cannot run the copy."""
    try:
        done = subprocess.run([pypy, "-c", PROBE], capture_output=True, text=True)
    except OSError as error:
        sys.exit(f"bench_pypy: cannot run {pypy}: {error.strerror}")
    if done.returncode != 0:
        sys.exit(f"bench_pypy: {pypy} does not run: {done.stderr.strip()[-300:]}")
    found = json.loads(done.stdout)
    version = (found["version"][0], found["version"][1])
    if found["implementation"] != "pypy":
        sys.exit(f"bench_pypy: {pypy} is {found['implementation']}, not PyPy")
    if found["missing"]:
        sys.exit(f"bench_pypy: {pypy} lacks {', '.join(found['missing'])}: "
                 f"`{pypy} -m pip install nbformat asttokens 'ipython<9'`")
    if found["msgspec"] and version < (3, 10):
        sys.exit(f"bench_pypy: uninstall msgspec from {pypy}'s environment (its typed "
                 "decoder reads annotations the 3.9 copy turns into strings)")
    return version, found["text"]


class _For39(ast.NodeTransformer):
    """A module's rewrites for Python 3.9: ``A | B`` of classes outside annotations
    becomes ``(A, B)``, and the import handlers give aliases their statement's
    position."""

    def __init__(self, classes: set[str]) -> None:
        self.classes = classes
        self.changed = False

    def _is_class(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return node.value is None
        if isinstance(node, ast.Name):
            return node.id in self.classes
        if isinstance(node, ast.Attribute):
            return (isinstance(node.value, ast.Name) and node.value.id in ("ast", "types")
                    and node.attr[:1].isupper())
        return (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                and node.value.id in self.classes)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        parts = _union_parts(node)
        if len(parts) > 1 and all(map(self._is_class, parts)):
            self.changed = True
            return ast.Tuple([ast.parse("type(None)", mode="eval").body
                              if isinstance(part, ast.Constant) else part
                              for part in parts], ast.Load())
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        if node.name in ("stmt_Import", "stmt_ImportFrom"):
            node.body[:0] = ast.parse(ALIAS_POSITIONS).body
            self.changed = True
        self.generic_visit(node)
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:  # annotations stay as written: strings at run time
            node.value = self.visit(node.value)
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node  # an annotation


def _union_parts(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_parts(node.left) + _union_parts(node.right)
    return [node]


def copy_for_3_9(package: Path, build: Path) -> None:
    """Rewrite the copy in ``package`` to run on Python 3.9 (see the module docstring)."""
    modules = sorted(package.rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in modules}
    classes = {"str", "int", "float", "bool", "bytes", "list", "dict", "tuple", "set",
               "frozenset", "type", "object", "Path"}
    classes.update(node.name for tree in trees.values() for node in ast.walk(tree)
                   if isinstance(node, ast.ClassDef))
    future = ast.parse("from __future__ import annotations").body
    for path, tree in trees.items():
        rewrite = _For39(classes)
        tree = rewrite.visit(tree)
        has_future = any(isinstance(s, ast.ImportFrom) and s.module == "__future__"
                         for s in tree.body)
        if not has_future:
            docstring = (tree.body and isinstance(tree.body[0], ast.Expr)
                         and isinstance(tree.body[0].value, ast.Constant))
            tree.body[1 if docstring else 0:1 if docstring else 0] = future
        if rewrite.changed or not has_future:
            path.write_text(ast.unparse(ast.fix_missing_locations(tree)) + "\n",
                            encoding="utf-8")
    names = json.dumps(sorted(sys.stdlib_module_names))
    (build / "sitecustomize.py").write_text(
        f"STDLIB_NAMES = {names!r}\n" + SITECUSTOMIZE, encoding="utf-8")
    # The name-site helper reads an alias's position; the rewrite above gave aliases one.


def make_copy(build: Path, version: tuple[int, int]) -> None:
    if build.exists():
        shutil.rmtree(build)
    build.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "nbscope", build / "nbscope",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if version < (3, 10):
        copy_for_3_9(build / "nbscope", build)


def findings(report: bytes) -> tuple[Counter, int]:
    """Every finding but a syntax error's, by notebook, cell, rule, name and message; and
    how many syntax errors (``NS100``: which cells parse, and what the parser says,
    depend on the Python version)."""
    found_by: Counter = Counter()
    syntax_errors = 0
    for notebook in json.loads(report)["notebooks"]:
        for found in notebook.get("findings", []):
            if found["code"] == "NS100":
                syntax_errors += 1
            else:
                found_by[(notebook["path"], found["cell"], found["code"], found.get("name"),
                          found["message"])] += 1
    return found_by, syntax_errors


SECOND_ROUND = """\
import sys, time
from nbscope import checking
paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
settings = checking.Settings()
for round in (1, 2):
    start = time.perf_counter()
    for path in paths:
        checking.check_path(path, settings)
    print(time.perf_counter() - start)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pypy", required=True, metavar="PYTHON",
                        help="a PyPy interpreter with nbformat, asttokens and IPython")
    parser.add_argument("--build", type=Path, metavar="DIR",
                        help="folder for the copy PyPy runs (default: a temporary one)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--second-round", action="store_true",
                        help="also time a second pass over the corpus in one PyPy process")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"bench_pypy: no corpus at {corpus}", file=sys.stderr)
        return 2
    version, description = check_environment(args.pypy)
    build = (args.build or Path(tempfile.mkdtemp(prefix="nbscope-pypy-"))).resolve()
    make_copy(build, version)
    notebooks = find_notebooks(corpus)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(map(str, notebooks)) + "\n")
    env = {**os.environ, "PYTHONPATH": str(build)}
    runs = {"floor-cpython": [sys.executable, "-c", BASELINE_CODE, listing.name],
            "floor-pypy": [args.pypy, "-c", BASELINE_CODE, listing.name],
            "nbscope-cpython": [sys.executable, *NBSCOPE, str(corpus)],
            "nbscope-pypy": [args.pypy, *NBSCOPE, str(corpus)]}
    times: dict[str, list[float]] = {name: [] for name in runs}
    reports: dict[str, bytes] = {}
    for _ in range(args.repeat):
        for name, command in runs.items():  # interleaved: drift hits all alike
            pypy_copy = name == "nbscope-pypy"
            wall, _, out = timed(command, build if pypy_copy else REPO_ROOT,
                                 env if pypy_copy else None)
            times[name].append(wall)
            reports[name] = out
    second = None
    if args.second_round:
        done = subprocess.run([args.pypy, "-c", SECOND_ROUND, listing.name], cwd=build,
                              env=env, capture_output=True, text=True, check=True)
        second = float(done.stdout.split()[-1])
    os.unlink(listing.name)
    (found_c, syntax_c), (found_p, syntax_p) = (findings(reports[name]) for name in
                                                ("nbscope-cpython", "nbscope-pypy"))
    print(f"{len(notebooks)} notebooks; min and median of {args.repeat} runs; CPython "
          f"{sys.version.split()[0]}; PyPy: {description}")
    # Medians: on a shared machine the floor's fastest run can be far off its others.
    floor = statistics.median(times["floor-cpython"])
    print(f"{'':16s} {'wall min':>9s} {'median':>8s} {'median / CPython floor':>23s}")
    for name, walls in times.items():
        print(f"{name:16s} {min(walls):9.2f} {statistics.median(walls):8.2f} "
              f"{statistics.median(walls) / floor:22.2f}x")
    if second is not None:
        print(f"{'pypy, round 2':16s} {second:9.2f} {'':8s} {second / floor:22.2f}x  "
              "(one process, the corpus checked a second time)")
    same = found_c == found_p
    print(f"findings other than syntax errors: {sum(found_c.values())} under CPython, "
          f"{sum(found_p.values())} under PyPy, {'the same' if same else 'DIFFERENT'} by "
          f"notebook, cell, rule, name and message; syntax errors (NS100): {syntax_c} and "
          f"{syntax_p}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
