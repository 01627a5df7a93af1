"""The loader's typed ``msgspec`` decoder against ``json.loads``, measured on the corpus.

    python3 benchmarks/bench_loader.py --repeat 5

The loader decodes a notebook with ``ipynb_decoder`` (msgspec: only the fields the
loader reads, the rest, outputs' payloads above all, skipped without being built)
and falls back to ``json.loads`` for a document that does not fit its types
(``NaN``, a lone surrogate escape, a metadata that is no object, nbformat < 4).
This compares it with ``json.loads`` for every document. For every corpus notebook (files read
into memory first: only decoding and model building are timed) it runs
``loader.parse_notebook`` both ways per round, interleaved, checks that both give
equal ``Notebook`` objects (or the same error), and prints the decoders alone and
the whole loader, min and median CPU seconds of this process (CPU rather than wall
time: on a shared machine other processes stretch wall time unevenly), each run
after a full garbage collection. Exit status 1 if any notebook loads
differently, 2 without corpus or msgspec.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.dont_write_bytecode = True

import json  # noqa: E402

from nbscope import ipynb_decoder, loader  # noqa: E402
from nbscope.model import NotebookReadError  # noqa: E402

DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "notebooks"


def load_all(files: list[tuple[str, bytes]], typed: bool) -> tuple[float, list[object]]:
    shipped = ipynb_decoder.decode
    if not typed:
        ipynb_decoder.decode = lambda text: None  # every document through json.loads
    results: list[object] = []
    gc.collect()
    try:
        start = time.process_time()
        for path, data in files:
            try:
                results.append(loader.parse_notebook(data, path))
            except NotebookReadError as error:
                results.append(f"error: {error}")
        return time.process_time() - start, results
    finally:
        ipynb_decoder.decode = shipped


def decode_only(texts: list[str], typed: bool) -> float:
    gc.collect()
    start = time.process_time()
    for text in texts:
        try:
            if typed:
                ipynb_decoder.decode(text)
            else:
                json.loads(text)
        except ValueError:
            pass
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"bench_loader: corpus folder not found: {args.corpus}", file=sys.stderr)
        return 2
    if not ipynb_decoder.available():
        print("bench_loader: needs msgspec (pip install msgspec)", file=sys.stderr)
        return 2
    paths = sorted(p for p in args.corpus.rglob("*.ipynb")
                   if not any(part.startswith(".") for part in p.relative_to(args.corpus).parts))
    files = [(str(path), path.read_bytes()) for path in paths]
    texts = []
    for _, data in files:
        try:
            texts.append(loader._decode(data))
        except NotebookReadError:
            pass
    fell_back = len(files) - len(texts) + sum(
        ipynb_decoder.decode(text) is None for text in texts)
    times: dict[str, list[float]] = {"decode: json.loads": [], "decode: msgspec typed": [],
                                     "loader: json.loads": [], "loader: msgspec typed": []}
    typed_results = plain_results = None
    for _ in range(args.repeat):
        times["decode: json.loads"].append(decode_only(texts, typed=False))
        times["decode: msgspec typed"].append(decode_only(texts, typed=True))
        seconds, plain_results = load_all(files, typed=False)
        times["loader: json.loads"].append(seconds)
        seconds, typed_results = load_all(files, typed=True)
        times["loader: msgspec typed"].append(seconds)
    different = [path for (path, _), a, b in zip(files, typed_results, plain_results, strict=True)
                 if a != b]
    megabytes = sum(len(data) for _, data in files) / 1e6
    print(f"corpus: {args.corpus} ({len(files)} notebooks, {megabytes:.1f} MB); "
          f"{args.repeat} rounds, interleaved")
    print(f"typed decoder fell back to json.loads for {fell_back} notebooks "
          "(unreadable, nbformat < 4, or a field of another type)")
    for name, runs in times.items():
        print(f"{name:22s} min {min(runs):.3f} s   median {statistics.median(runs):.3f} s")
    for what in ("decode", "loader"):
        ratio = (statistics.median(times[f"{what}: json.loads"])
                 / statistics.median(times[f"{what}: msgspec typed"]))
        print(f"{what} speed-up (median): {ratio:.2f}x")
    print(f"identical Notebook objects or errors: {len(files) - len(different)} of {len(files)}")
    for path in different[:20]:
        print(f"  differs: {path}")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
