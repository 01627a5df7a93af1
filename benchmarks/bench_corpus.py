"""Time nbscope against ruff F821 and a parse-only baseline on the notebook corpus.

These commands run in the same process, on the same notebooks, interleaved, each
``--repeat`` times (default 3), and each as a subprocess so that interpreter and
binary start-up is part of the measurement:

ruff-1thread, ruff
    ``ruff check --isolated --select F821 --no-cache --output-format json ...``,
    with ``RAYON_NUM_THREADS=1`` and with ruff's default threads (``--isolated``
    so that no ``pyproject.toml`` of this repository or of the corpus changes what
    ruff checks; ruff 0.6+ includes ``*.ipynb`` by default and the script checks
    ruff's own file count with ``--show-files``).
baseline
    a Python subprocess that only ``json.loads`` every notebook and ``ast.parse``-es
    the source of every code cell (warnings suppressed, failures ignored): the
    floor any Python-based notebook checker pays.
nbscope-jobs1, nbscope-jobs2
    ``python3 -m nbscope check --format json --no-cache --jobs N ...`` from the
    repository root: a cold run, every notebook analysed.
nbscope-warm
    ``python3 -m nbscope check --format json --jobs 1 --cache-dir DIR ...`` with a
    cache filled by one untimed run first (whose report must equal the cold one).

Each run happens inside a small wrapper process, so that its peak resident memory
(``getrusage(RUSAGE_CHILDREN).ru_maxrss`` of the wrapper: the largest single
process of the run, a worker or the main one) belongs to that run alone. After the
timed runs, one more process times ``checking.check_path`` per notebook (cold, in
corpus order) for the 10 slowest notebooks, and ``--startup N`` times the start of
``nbscope check`` on one small notebook, cold and warm.

Without ``--limit`` the corpus folder is passed to ruff and nbscope (short,
copy-pasteable commands), after checking that both discover exactly the notebooks
this script found. With ``--limit N`` (or if discovery differs) the sorted file list
is passed explicitly, split into chunks that fit the OS command-line limit; the
time of a tool is then the sum over its chunks. The baseline always reads the same
sorted list from a file.

nbscope runs from cached bytecode, as an installed package does: when
``PYTHONDONTWRITEBYTECODE`` is set, the timed commands run without it (a note says
so), and the untimed run that fills the warm cache writes the ``__pycache__``
folders first. Otherwise every run would compile nbscope's modules again, about a
third of a second, which is most of a warm run and of a start-up.

Reported: min and median wall time per tool, child CPU time (ruff is multi-threaded,
nbscope with ``--jobs 2`` runs two workers), peak memory, the ratios of issue 14
(cold ``--jobs 1`` / baseline, warm / ruff, ``--jobs 1`` / ``--jobs 2``) with their
targets, and file and cell counts. ``--json`` prints the same as one JSON document.

Run from anywhere, e.g. ``python3 benchmarks/bench_corpus.py --repeat 3``.
Exit status: 0 success, 2 missing corpus, missing ruff or a tool that failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "notebooks"

RUFF_ARGS = ["check", "--isolated", "--select", "F821", "--no-cache", "--output-format", "json"]
NBSCOPE_ARGS = ["-m", "nbscope", "check", "--format", "json"]
COLD_ARGS = {"nbscope-jobs1": ["--no-cache", "--jobs", "1"],
             "nbscope-jobs2": ["--no-cache", "--jobs", "2"]}
# Issue 14's targets: (numerator, denominator, wanted relation, bound).
TARGETS = [("nbscope-jobs1", "baseline", "<=", 2.0), ("nbscope-warm", "ruff", "<", 1.0),
           ("nbscope-warm", "ruff-1thread", "<", 1.0),
           ("nbscope-jobs1", "nbscope-jobs2", ">=", 1.7)]

# Runs one command (argv[3:]) with its output in the files argv[1] and argv[2], and
# prints its wall time, CPU time and peak memory: the wrapper's children are that run.
WRAPPER_CODE = """\
import json, resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out, open(sys.argv[2], "wb") as err:
    start = time.perf_counter()
    code = subprocess.run(sys.argv[3:], stdout=out, stderr=err).returncode
    wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "maxrss_kib": usage.ru_maxrss}))
"""

# Times checking.check_path per notebook (cold, one process, corpus order).
SLOWEST_CODE = """\
import json, sys, time
from nbscope.checking import Settings, check_path
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
times = []
for path in paths:
    start = time.perf_counter()
    check_path(path, Settings())
    times.append((time.perf_counter() - start, path))
times.sort(reverse=True)
print(json.dumps({"total": sum(t for t, _ in times), "slowest": times[:10]}))
"""

# The baseline worker: the cheapest honest "read every notebook and parse its code".
# It reads the list of notebook paths (one per line) from the file named by argv[1].
BASELINE_CODE = """\
import ast, json, sys, warnings
warnings.simplefilter("ignore")
files = cells = code = parsed = 0
with open(sys.argv[1], encoding="utf-8") as listing:
    paths = listing.read().splitlines()
for path in paths:
    try:
        with open(path, "rb") as handle:
            nb = json.loads(handle.read())
        cs = nb.get("cells")
        if cs is None:
            cs = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
    except Exception:
        continue
    files += 1
    for c in cs:
        cells += 1
        if not isinstance(c, dict) or c.get("cell_type") != "code":
            continue
        code += 1
        src = c.get("source", c.get("input", ""))
        if isinstance(src, list):
            src = "".join(src)
        try:
            ast.parse(src)
            parsed += 1
        except Exception:
            pass
print(json.dumps({"files": files, "cells": cells, "code_cells": code, "parsed": parsed}))
"""


class BenchError(Exception):
    """A problem that ends the benchmark with exit status 2 and a one-line message."""


@dataclass
class Counts:
    files: int = 0
    unreadable: int = 0
    cells: int = 0
    code_cells: int = 0
    bytes: int = 0


@dataclass
class Tool:
    """One measured command: how to run it (possibly in chunks) and its timings."""

    name: str
    chunks: list[list[str]]
    display: list[str]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    ok_codes: tuple[int, ...] = (0, 1)
    last_stdout: bytes = b""
    env: dict[str, str] | None = None


def find_notebooks(corpus: Path) -> list[Path]:
    """Every ``*.ipynb`` below ``corpus``, sorted; hidden folders and checkpoints skipped.

    This is the walk nbscope does for a folder argument; ruff's walk is compared
    against it with ``--show-files``.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".ipynb"):
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(corpus).as_posix())


def count_cells(paths: Sequence[Path]) -> Counts:
    """File, cell and code-cell counts (this also warms the OS page cache)."""
    counts = Counts()
    for path in paths:
        counts.files += 1
        try:
            data = path.read_bytes()
            counts.bytes += len(data)
            nb = json.loads(data)
            cells = nb.get("cells")
            if cells is None:  # nbformat 3
                cells = [c for ws in nb.get("worksheets", []) for c in ws.get("cells", [])]
        except (OSError, ValueError, AttributeError):
            counts.unreadable += 1
            continue
        counts.cells += len(cells)
        counts.code_cells += sum(
            1 for c in cells if isinstance(c, dict) and c.get("cell_type") == "code"
        )
    return counts


def arg_budget() -> int:
    """Bytes available for file arguments on one command line, with a wide margin."""
    try:
        arg_max = int(os.sysconf("SC_ARG_MAX"))
    except (ValueError, OSError, AttributeError):
        arg_max = 32_768
    env = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    return max(16_384, min(arg_max - env - 8_192, 1_000_000) // 2)


def chunked(prefix: list[str], files: Sequence[str], budget: int) -> list[list[str]]:
    """Split ``files`` into commands ``prefix + chunk`` that each fit ``budget`` bytes."""
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for name in files:
        cost = len(os.fsencode(name)) + 1
        if current and size + cost > budget:
            chunks.append(prefix + current)
            current, size = [], 0
        current.append(name)
        size += cost
    if current or not chunks:
        chunks.append(prefix + current)
    return chunks


def run_once(tool: Tool) -> None:
    """Run every chunk of ``tool`` once, each in a fresh wrapper process; record wall and
    CPU seconds (summed over chunks) and peak memory (the largest chunk's)."""
    wall = cpu = rss = 0.0
    outputs: list[bytes] = []
    env = {**os.environ, **(tool.env or {})}
    with tempfile.TemporaryDirectory(prefix="nbscope_bench_run_") as folder:
        out_path, err_path = os.path.join(folder, "out"), os.path.join(folder, "err")
        for argv in tool.chunks:
            wrapper = [sys.executable, "-c", WRAPPER_CODE, out_path, err_path, *argv]
            done = subprocess.run(wrapper, capture_output=True, text=True, cwd=REPO_ROOT,
                                  env=env, check=False)
            if done.returncode != 0:
                raise BenchError(f"the timing wrapper failed: {done.stderr.strip()[-300:]}")
            measured = json.loads(done.stdout)
            if measured["code"] not in tool.ok_codes:
                message = Path(err_path).read_text("utf-8", "replace").strip().splitlines()
                tail = message[-1] if message else "(no stderr)"
                raise BenchError(
                    f"{tool.name} exited with status {measured['code']}: {tail}\n"
                    f"  command: {shlex.join(argv[:12])}{' ...' if len(argv) > 12 else ''}"
                )
            wall += measured["wall"]
            cpu += measured["cpu"]
            rss = max(rss, measured["maxrss_kib"] / 1024)
            outputs.append(Path(out_path).read_bytes())
    tool.wall.append(wall)
    tool.cpu.append(cpu)
    tool.rss_mib.append(rss)
    tool.last_stdout = b"\n".join(outputs)


def tool_version(argv: list[str]) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    except OSError as exc:
        return f"unavailable ({exc})"
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else "?"


def git_state() -> str:
    """Commit of the repository and whether the nbscope sources differ from it (read-only)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=REPO_ROOT, check=False).stdout.strip()
        dirty = subprocess.run(
            ["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no",
             "--", "nbscope"],
            capture_output=True, text=True, cwd=REPO_ROOT, check=False).stdout.strip()
    except OSError:
        return "unknown"
    if not head:
        return "unknown"
    changed = len(dirty.splitlines())
    return head + (f" + {changed} modified file(s) under nbscope/" if changed else "")


def ruff_discovered(ruff: str, targets: list[str]) -> set[str]:
    """The files ruff would check for ``targets`` (its own ``--show-files`` walk)."""
    prefix = [ruff, "check", "--isolated", "--select", "F821", "--show-files", "--"]
    seen: set[str] = set()
    for argv in chunked(prefix, targets, arg_budget()):
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=REPO_ROOT, check=False)
        if proc.returncode != 0:
            raise BenchError(f"`ruff check --show-files` failed: {proc.stderr.strip()[:300]}")
        seen.update(os.path.realpath(line.strip()) for line in proc.stdout.splitlines()
                    if line.strip())
    return seen


def json_documents(stdout: bytes, what: str) -> list[Any]:
    """The JSON documents printed one after the other (one per chunk)."""
    docs: list[Any] = []
    decoder = json.JSONDecoder()
    text = stdout.decode("utf-8", "replace")
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return docs
        try:
            doc, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            raise BenchError(f"{what} did not print JSON: {exc}") from exc
        docs.append(doc)


def nbscope_paths(stdout: bytes) -> set[str]:
    """Notebook paths in nbscope JSON output."""
    return {os.path.realpath(REPO_ROOT / nb["path"])
            for doc in json_documents(stdout, "nbscope") for nb in doc.get("notebooks", [])}


def ruff_not_linted(ruff: str, corpus: Path, files: Sequence[str], stdout: bytes) -> str:
    """How many notebooks ruff read but ran no rule on (metadata not Python, syntax error)."""
    records = [r for doc in json_documents(stdout, "ruff") for r in doc]
    syntax = {r["filename"] for r in records if r.get("code") != "F821"}
    try:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        sys.dont_write_bytecode = True  # no __pycache__ in benchmarks/
        from corpus_audit import ruff_skipped_notebooks

        relative = [str(Path(f).resolve().relative_to(corpus)) for f in files]
        skipped = len(ruff_skipped_notebooks(ruff, corpus, relative))
    except Exception as exc:  # the probe is informative only
        return (f"ruff reported a syntax error (and so no F821) in {len(syntax)} notebooks; "
                f"metadata probe failed: {exc}")
    linted = len(files) - skipped - len(syntax)
    return (f"ruff ran F821 on {linted} of {len(files)} notebooks: {skipped} skipped silently "
            f"(metadata not Python), {len(syntax)} with a syntax error or unreadable")


def describe(tool: Tool, list_note: str | None) -> str:
    shown = shlex.join(tool.display)
    if len(tool.chunks) > 1:
        shown += f"    # in {len(tool.chunks)} chunks"
    if list_note:
        shown += f"    # {list_note}"
    return shown


def summary_row(tool: Tool) -> dict[str, Any]:
    return {
        "min_s": min(tool.wall),
        "median_s": statistics.median(tool.wall),
        "cpu_min_s": min(tool.cpu),
        "cpu_median_s": statistics.median(tool.cpu),
        "peak_rss_mib": max(tool.rss_mib),
        "runs_s": tool.wall,
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Time ruff F821, nbscope and a json+ast baseline on the notebook corpus.")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="folder of notebooks (default: ../shared/corpus/notebooks "
                             "relative to the repository root)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool (default 3)")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N notebooks in sorted path order")
    parser.add_argument("--ruff", default="ruff", help="ruff executable (default: ruff)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--startup", type=int, default=10, metavar="N",
                        help="runs of each start-up command (default 10; 0: skip)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return bench(args)
    except BenchError as exc:
        print(f"bench_corpus: {exc}", file=sys.stderr)
        return 2


def bench(args: argparse.Namespace) -> int:
    corpus: Path = args.corpus.resolve()
    if not corpus.is_dir():
        raise BenchError(f"corpus folder not found: {corpus} (pass --corpus PATH)")
    if args.repeat < 1:
        raise BenchError("--repeat must be at least 1")
    ruff = shutil.which(args.ruff)
    if ruff is None:
        raise BenchError(f"ruff not found (looked for {args.ruff!r} on PATH); install it "
                         "with `pip install ruff` or pass --ruff /path/to/ruff")
    if not (REPO_ROOT / "nbscope" / "__main__.py").is_file():
        raise BenchError(f"nbscope package not found under {REPO_ROOT}")

    notebooks = find_notebooks(corpus)
    if args.limit is not None:
        notebooks = notebooks[: max(args.limit, 0)]
    if not notebooks:
        raise BenchError(f"no .ipynb files under {corpus}")
    files = [str(p) for p in notebooks]
    wanted = {os.path.realpath(f) for f in files}
    counts = count_cells(notebooks)

    python = sys.executable
    budget = arg_budget()
    # The sorted list every tool gets: kept after the run so the commands can be replayed.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="nbscope_bench_files_",
                                     delete=False, encoding="utf-8") as listing:
        listing.write("\n".join(files) + "\n")
        list_path = listing.name
    notes: list[str] = []
    if os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        notes.append("PYTHONDONTWRITEBYTECODE was set: the timed commands run without it, "
                     "from cached bytecode")
    use_folder = args.limit is None and ruff_discovered(ruff, [str(corpus)]) == wanted
    if args.limit is None and not use_folder:
        notes.append("ruff's folder walk differs from this script's: passing file lists")
    if not use_folder and ruff_discovered(ruff, files) != wanted:
        raise BenchError("ruff does not check every listed notebook (see --show-files)")
    cache_dir = tempfile.mkdtemp(prefix="nbscope_bench_cache_")

    def command(name: str, prefix: list[str], shown: list[str], **options: Any) -> Tool:
        if use_folder:
            return Tool(name, [prefix + [str(corpus)]], shown + [str(corpus)], **options)
        tail = ["--"] if prefix[0] == ruff else []
        return Tool(name, chunked(prefix + tail, files, budget),
                    ["xargs", "-d", r"\n", "-a", list_path, *shown, *tail], **options)

    tools = [
        command("ruff-1thread", [ruff, *RUFF_ARGS], ["RAYON_NUM_THREADS=1", "ruff", *RUFF_ARGS],
                env={"RAYON_NUM_THREADS": "1"}),
        command("ruff", [ruff, *RUFF_ARGS], ["ruff", *RUFF_ARGS]),
        Tool("baseline", [[python, "-c", BASELINE_CODE, list_path]],
             ["python3", "-c", "<BASELINE_CODE>", list_path], ok_codes=(0,)),
        *[command(name, [python, *NBSCOPE_ARGS, *extra], ["python3", *NBSCOPE_ARGS, *extra],
                  ok_codes=(0, 1, 2)) for name, extra in COLD_ARGS.items()],
        command("nbscope-warm", [python, *NBSCOPE_ARGS, "--jobs", "1", "--cache-dir", cache_dir],
                ["python3", *NBSCOPE_ARGS, "--jobs", "1", "--cache-dir", "DIR"],
                ok_codes=(0, 1, 2)),
    ]
    warm = tools[-1]
    run_once(warm)  # fills the cache: not timed
    filled_report = warm.last_stdout
    warm.wall.clear()
    warm.cpu.clear()
    warm.rss_mib.clear()

    for _ in range(args.repeat):
        for tool in tools:  # interleaved, so drift hits every tool alike
            run_once(tool)
            if len(tool.wall) == 1:
                check_first_run(tool, wanted, counts, notes, corpus)
    if warm.last_stdout != filled_report:
        raise BenchError("the warm run's report differs from the run that filled the cache")
    notes.append("nbscope-warm printed exactly the report of the run that filled its cache")

    rows = {tool.name: summary_row(tool) for tool in tools}
    ratios = {f"{num} / {den}": {**ratio(rows[num], rows[den]), "target": f"{rel} {bound}"}
              for num, den, rel, bound in TARGETS}
    report: dict[str, Any] = {
        "corpus": str(corpus),
        "repeat": args.repeat,
        "limit": args.limit,
        "counts": asdict(counts),
        "mode": "folder" if use_folder else "file list",
        "commands": {tool.name: describe(tool, None) for tool in tools},
        "file_list": list_path,
        "python3": python,
        "baseline_code": BASELINE_CODE,
        "versions": {
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "ruff": tool_version([ruff, "--version"]),
            "nbscope": tool_version([python, "-m", "nbscope", "--version"]),
            "nbscope_git": git_state(),
        },
        "cpus": os.cpu_count(),
        "notes": notes,
        "results": rows,
        "ratios": ratios,
        "slowest": slowest_notebooks(python, list_path),
        "startup": startup_times(python, args.startup, cache_dir),
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_text(report)
    return 0


def slowest_notebooks(python: str, list_path: str) -> dict[str, Any]:
    """Seconds per notebook for the 10 slowest (one cold process, corpus order)."""
    done = subprocess.run([python, "-c", SLOWEST_CODE, list_path], capture_output=True,
                          text=True, cwd=REPO_ROOT, check=False)
    if done.returncode != 0:
        raise BenchError(f"timing each notebook failed: {done.stderr.strip()[-300:]}")
    return json.loads(done.stdout)


STARTUP_NOTEBOOK = "notebooks/typo.ipynb"


def startup_times(python: str, runs: int, cache_dir: str) -> dict[str, dict[str, float]]:
    """Wall time of short commands, ``runs`` times each, interleaved (like hyperfine)."""
    if runs < 1:
        return {}
    commands = {
        "python3 -c pass": [python, "-c", "pass"],
        "nbscope --version": [python, "-m", "nbscope", "--version"],
        "check typo.ipynb, cold": [python, "-m", "nbscope", "check", "--no-cache",
                                   STARTUP_NOTEBOOK],
        "check typo.ipynb, warm": [python, "-m", "nbscope", "check", "--cache-dir",
                                   cache_dir, STARTUP_NOTEBOOK],
    }
    subprocess.run(commands["check typo.ipynb, warm"], capture_output=True, cwd=REPO_ROOT,
                   check=False)  # fills the cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, cwd=REPO_ROOT, check=False)
            times[name].append(time.perf_counter() - start)
    return {name: {"mean_ms": statistics.mean(t) * 1000,
                   "stdev_ms": statistics.stdev(t) * 1000 if len(t) > 1 else 0.0,
                   "min_ms": min(t) * 1000, "median_ms": statistics.median(t) * 1000}
            for name, t in times.items()}


def check_first_run(tool: Tool, wanted: set[str], counts: Counts, notes: list[str],
                    corpus: Path) -> None:
    """Make sure each tool saw exactly the intended notebooks (checked on its first run)."""
    if tool.name.startswith("nbscope"):
        seen = nbscope_paths(tool.last_stdout)
        if seen != wanted:
            raise BenchError(f"nbscope checked {len(seen)} notebooks, expected {len(wanted)}")
        notes.append(f"{tool.name} reported on {len(seen)} notebooks")
    elif tool.name == "baseline":
        done = json.loads(tool.last_stdout.decode())
        if done["files"] != counts.files - counts.unreadable:
            raise BenchError(f"baseline read {done['files']} notebooks, expected "
                             f"{counts.files - counts.unreadable}")
        notes.append(f"baseline read {done['files']} notebooks, {done['cells']} cells, "
                     f"parsed {done['parsed']} of {done['code_cells']} code cells "
                     "(the rest have magics, Python 2 or syntax errors)")
    elif tool.name == "ruff-1thread":
        notes.append(f"ruff --show-files lists {len(wanted)} notebooks (same set)")
        notes.append(ruff_not_linted(tool.chunks[0][0], corpus, sorted(wanted),
                                     tool.last_stdout))


def ratio(num: dict[str, Any], den: dict[str, Any]) -> dict[str, float]:
    return {
        "min": num["min_s"] / den["min_s"] if den["min_s"] else float("inf"),
        "median": num["median_s"] / den["median_s"] if den["median_s"] else float("inf"),
    }


def print_text(report: dict[str, Any]) -> None:
    counts = report["counts"]
    versions = report["versions"]
    print(f"corpus:   {report['corpus']}")
    print(f"files:    {counts['files']} notebooks ({counts['unreadable']} unreadable as JSON), "
          f"{counts['cells']} cells, {counts['code_cells']} code cells, "
          f"{counts['bytes'] / 1e6:.1f} MB")
    print(f"versions: {versions['python']}; {versions['ruff']}; {versions['nbscope']} "
          f"(git {versions['nbscope_git']}); {report['cpus']} CPUs")
    print(f"mode:     {report['mode']}, {report['repeat']} run(s) per tool, interleaved")
    print("commands (run from the repository root):")
    for name, command in report["commands"].items():
        print(f"  {name:13s} {command}")
    print(f"  python3 = {report['python3']}; file list (sorted, kept): {report['file_list']}")
    print("  BASELINE_CODE =")
    for line in report["baseline_code"].splitlines():
        print(f"    | {line}")
    for note in report["notes"]:
        print(f"note:     {note}")
    print()
    print(f"{'tool':14s} {'min s':>8s} {'median s':>9s} {'cpu min s':>10s} {'cpu med s':>10s}"
          f" {'peak MiB':>9s}   runs")
    for name, row in report["results"].items():
        runs = " ".join(f"{r:.3f}" for r in row["runs_s"])
        print(f"{name:14s} {row['min_s']:8.3f} {row['median_s']:9.3f} {row['cpu_min_s']:10.3f}"
              f" {row['cpu_median_s']:10.3f} {row['peak_rss_mib']:9.1f}   {runs}")
    print()
    print(f"{'ratio (wall)':30s} {'min':>7s} {'median':>7s}   target (issue 14)")
    for name, value in report["ratios"].items():
        print(f"{name:30s} {value['min']:7.2f} {value['median']:7.2f}   {value['target']}")
    results = report["results"]
    files = max(counts["files"], 1)
    print()
    print("per notebook (median wall): " + ", ".join(
        f"{name} {results[name]['median_s'] / files * 1000:.2f} ms" for name in results))
    slowest = report["slowest"]
    print()
    print(f"slowest notebooks (checking.check_path, one cold process in corpus order; all "
          f"{slowest['total']:.2f} s):")
    for seconds, path in slowest["slowest"]:
        print(f"  {seconds:7.3f} s  {os.path.relpath(path, report['corpus'])}")
    if report["startup"]:
        print()
        print(f"start-up (from the repository root; {STARTUP_NOTEBOOK}):")
        for name, row in report["startup"].items():
            print(f"  {name:26s} mean {row['mean_ms']:6.1f} ms ± {row['stdev_ms']:5.1f}   "
                  f"min {row['min_ms']:6.1f}   median {row['median_ms']:6.1f}")


if __name__ == "__main__":
    sys.exit(main())
