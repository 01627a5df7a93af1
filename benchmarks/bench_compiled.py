"""What would a compiled build of the engine buy? A mypyc build of ``nbscope/dataflow``
timed against the same code interpreted and the parse floor, on the corpus.

    pip install mypy                                   # mypyc comes with it
    python3 benchmarks/bench_compiled.py --build /tmp/nbscope-compiled --repeat 3
    python3 benchmarks/bench_compiled.py --build /tmp/nbscope-compiled --reuse

``--build DIR`` copies the package into ``DIR/nbscope`` and compiles the modules of
``nbscope/dataflow`` there with ``mypyc`` (``--modules`` names others, as globs under
``nbscope/``; about two minutes on two CPUs for the default); the
interpreted modules of the copy import the compiled ones, as a wheel built with mypyc
would. ``--reuse`` times an earlier build of DIR without building again.

Then, interleaved ``--repeat`` times, each as a fresh process: the floor (read every
notebook, ``json.loads``, ``ast.parse`` every code cell: ``bench_corpus.py``'s
baseline), ``python3 -m nbscope check --format json --no-cache --jobs 1`` from this
repository (interpreted) and the same from DIR (compiled). The two nbscope reports
must be identical (the compiled build changes no finding), and the table gives wall
and CPU seconds (min, median) and the ratios to the floor: issue 14's cold target is
at most 2x.

A prototype of what a compiled wheel would do, not a build the project ships: mypyc
needs a C compiler, and a module it compiles must type-check.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_corpus import BASELINE_CODE, DEFAULT_CORPUS, REPO_ROOT, find_notebooks  # noqa: E402

COMPILED = ["dataflow/*.py"]  # the lowering and the replay: most of the engine's own time
NBSCOPE = ["-m", "nbscope", "check", "--format", "json", "--no-cache", "--jobs", "1"]


def build(target: Path, patterns: list[str]) -> None:
    mypyc = shutil.which("mypyc") or str(Path(sys.executable).parent / "mypyc")
    if not Path(mypyc).exists():
        sys.exit("bench_compiled: mypyc not found: `pip install mypy` (it brings mypyc)")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "nbscope", target / "nbscope",
                    ignore=shutil.ignore_patterns("__pycache__"))
    package = target / "nbscope"
    modules = sorted({str(p.relative_to(target)) for pattern in patterns
                      for p in package.glob(pattern) if p.name not in ("__init__.py",
                                                                       "__main__.py")})
    print(f"compiling {len(modules)} modules ({', '.join(patterns)}) in {target} ...",
          flush=True)
    start = time.perf_counter()
    done = subprocess.run([mypyc, "--ignore-missing-imports", "--follow-imports=silent",
                           *modules], cwd=target, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench_compiled: mypyc failed:\n{(done.stdout + done.stderr)[-2000:]}")
    print(f"built in {time.perf_counter() - start:.0f} s", flush=True)


def timed(argv: list[str], cwd: Path,
          env: dict[str, str] | None = None) -> tuple[float, float, bytes]:
    """Wall and CPU seconds of one run of ``argv`` in ``cwd``, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1, 2):
        sys.exit(f"{Path(sys.argv[0]).stem}: {argv[:4]} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, metavar="DIR",
                        help="folder for the compiled copy of the package")
    parser.add_argument("--reuse", action="store_true", help="time the build already in DIR")
    parser.add_argument("--modules", nargs="+", default=COMPILED, metavar="GLOB",
                        help="modules to compile, as globs under nbscope/ (default: "
                             "dataflow/*.py)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"bench_compiled: no corpus at {corpus}", file=sys.stderr)
        return 2
    target = args.build.resolve()
    if not args.reuse:
        build(target, args.modules)
    elif not any((target / "nbscope").rglob("*.so")):
        sys.exit(f"bench_compiled: no compiled modules in {target / 'nbscope'}")
    notebooks = find_notebooks(corpus)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(map(str, notebooks)) + "\n")
    runs = {"floor": ([sys.executable, "-c", BASELINE_CODE, listing.name], REPO_ROOT),
            "nbscope": ([sys.executable, *NBSCOPE, str(corpus)], REPO_ROOT),
            "nbscope-compiled": ([sys.executable, *NBSCOPE, str(corpus)], target)}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    reports: dict[str, bytes] = {}
    for _ in range(args.repeat):
        for name, (command, cwd) in runs.items():  # interleaved: drift hits all alike
            wall, cpu, out = timed(command, cwd)
            times[name].append((wall, cpu))
            reports[name] = out
    os.unlink(listing.name)
    same = reports["nbscope"] == reports["nbscope-compiled"]
    findings = json.loads(reports["nbscope"])["summary"]["findings"]
    print(f"{len(notebooks)} notebooks; best and median of {args.repeat} runs; "
          f"Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"{'':18s} {'wall min':>9s} {'median':>8s} {'cpu min':>8s} {'x floor':>8s}")
    floor = min(w for w, _ in times["floor"])
    for name, measured in times.items():
        walls = [w for w, _ in measured]
        print(f"{name:18s} {min(walls):9.2f} {statistics.median(walls):8.2f} "
              f"{min(c for _, c in measured):8.2f} {min(walls) / floor:7.2f}x")
    pure, compiled = (min(w for w, _ in times[n]) for n in ("nbscope", "nbscope-compiled"))
    print(f"compiled / interpreted: {compiled / pure:.2f}x; target (issue 14): nbscope "
          f"cold --jobs 1 at most 2x the floor")
    print(f"reports: {'identical' if same else 'DIFFERENT'} ({findings} findings)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
