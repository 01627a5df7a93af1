"""A corpus that outgrows one machine: nbscope over a Dask bag of notebook paths.

``check_corpus`` maps the per-notebook check (``checking.check_path``, the same
function ``nbscope check`` runs for each notebook) over a ``dask.bag`` of paths,
and each partition writes its results where it ran: one JSON object per line
(``part-00000.jsonl``, ...; each line is the notebook's entry of
``nbscope check --format json``), and, when ``pyarrow`` is installed, one row
per finding in ``findings-00000.parquet``. Reading the parts in order gives the
notebooks in the order given. It runs on whatever Dask runs on: a
``distributed.Client`` made before the call (a ``LocalCluster``, or a scheduler
address on a real cluster), else Dask's local scheduler. ``nbscope check
--jobs`` stays the way to use the cores of one machine.

    pip install 'nbscope[dask]'
    python -m nbscope.distributed corpus/ --output results/ --workers 8
    python -m nbscope.distributed --files-from paths.txt -o results/ --scheduler tcp://host:8786

Needs ``dask[bag]`` and ``distributed`` (the ``dask`` extra); importing this
module without them raises ``ImportError`` naming the extra.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

try:
    import dask
    import dask.bag
except ImportError as error:  # pragma: no cover - depends on the installation
    raise ImportError("nbscope.distributed needs Dask: pip install 'nbscope[dask]'") from error

from . import config
from .checking import Settings, check_path
from .paths import select_notebooks
from .report.json_format import notebook_entry

_JSONL = "part-{:05d}.jsonl"
_PARQUET = "findings-{:05d}.parquet"
_PER_PARTITION = 200  # notebooks per partition when none is asked for


@dataclass(frozen=True)
class CorpusSummary:
    """What a ``check_corpus`` run did; ``parquet_note`` says why no Parquet was written."""

    notebooks: int
    findings: int
    unreadable: int
    files: tuple[str, ...]
    parquet_note: str | None = None


def check_corpus(paths: Sequence[str], output: str, *, settings: Settings | None = None,
                 partitions: int | None = None, parquet: bool | None = None,
                 progress: bool = True, overwrite: bool = False) -> CorpusSummary:
    """Check every notebook of ``paths`` with Dask and write the results into ``output``.

    ``paths`` are notebook files (folders are expanded by ``notebook_paths``);
    ``settings`` are the options of ``nbscope check`` (default: none);
    ``partitions`` defaults to one per 200 notebooks; ``parquet`` None writes
    Parquet files when pyarrow is installed, True requires it, False never does;
    ``progress`` shows a progress bar on stderr. Existing results in ``output``
    are an error unless ``overwrite``.
    """
    settings = settings or Settings()
    writes_parquet, note = _parquet_choice(parquet)
    _prepare_output(output, overwrite)
    count = partitions or max(1, -(-len(paths) // _PER_PARTITION))
    records = dask.bag.from_sequence(list(paths), npartitions=min(count, max(len(paths), 1)))
    records = records.map(_checked_entry, settings)
    tasks = [dask.delayed(_write_partition)(part, index, output, writes_parquet)
             for index, part in enumerate(records.to_delayed())]
    results = _compute(tasks, progress)
    files = tuple(name for result in results for name in result["files"])
    return CorpusSummary(
        notebooks=sum(result["notebooks"] for result in results),
        findings=sum(result["findings"] for result in results),
        unreadable=sum(result["unreadable"] for result in results),
        files=files, parquet_note=note)


def notebook_paths(paths: Sequence[str], exclude: Sequence[str] = (),
                   root: str | None = None) -> list[str]:
    """The notebooks below ``paths`` as ``nbscope check`` finds them (folders walked)."""
    return select_notebooks(paths, exclude, root or os.getcwd()).notebooks


def read_results(output: str) -> Iterator[dict[str, Any]]:
    """The notebooks' entries written by ``check_corpus``, in the order given."""
    for name in sorted(glob.glob(os.path.join(output, "part-*.jsonl"))):
        with open(name, encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


# ----------------------------------------------------------------- the tasks


def _checked_entry(path: str, settings: Settings) -> dict[str, Any]:
    return notebook_entry(check_path(path, settings))


def _write_partition(entries: list[dict[str, Any]], index: int, output: str,
                     parquet: bool) -> dict[str, Any]:
    """Write one partition's results where it ran; its counts for the summary."""
    files = [os.path.join(output, _JSONL.format(index))]
    with open(files[0], "w", encoding="utf-8") as lines:
        for entry in entries:
            lines.write(json.dumps(entry, ensure_ascii=False) + "\n")
    if parquet:
        files.append(os.path.join(output, _PARQUET.format(index)))
        _write_parquet(entries, files[-1])
    return {"notebooks": len(entries), "files": files,
            "findings": sum(len(entry["findings"]) for entry in entries),
            "unreadable": sum(1 for entry in entries if entry["error"] is not None)}


_COLUMNS = (("path", "string"), ("cell", "int32"), ("cell_id", "string"),
            ("execution_count", "int64"), ("line", "int32"), ("column", "int32"),
            ("end_line", "int32"), ("end_column", "int32"), ("code", "string"),
            ("cause", "string"), ("name", "string"), ("severity", "string"),
            ("message", "string"), ("fix", "string"), ("suggestion", "string"),
            ("evidence", "string"))


def _write_parquet(entries: list[dict[str, Any]], path: str) -> None:
    """One row per finding, with a fixed schema so that every part reads alike."""
    import pyarrow
    import pyarrow.parquet

    rows = [{"path": entry["path"], **{key: found[key] for key, _ in _COLUMNS[1:]}}
            for entry in entries for found in entry["findings"]]
    schema = pyarrow.schema([(name, getattr(pyarrow, kind)()) for name, kind in _COLUMNS])
    pyarrow.parquet.write_table(pyarrow.Table.from_pylist(rows, schema=schema), path)


# ----------------------------------------------------------------- running


def _parquet_choice(parquet: bool | None) -> tuple[bool, str | None]:
    if parquet is False:
        return False, "Parquet not asked for"
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        if parquet:
            raise ValueError("Parquet output needs pyarrow: pip install pyarrow") from None
        return False, "Parquet not written: pyarrow is not installed (pip install pyarrow)"
    return True, None


def _prepare_output(output: str, overwrite: bool) -> None:
    os.makedirs(output, exist_ok=True)
    old = [name for name in os.listdir(output)
           if name.startswith(("part-", "findings-")) and name.endswith((".jsonl", ".parquet"))]
    if old and not overwrite:
        raise FileExistsError(f"{output} already holds results ({len(old)} files such as "
                              f"{sorted(old)[0]}); choose another folder or overwrite")
    for name in old:
        os.remove(os.path.join(output, name))


def _compute(tasks: list[Any], progress: bool) -> list[dict[str, Any]]:
    """Run the tasks on the active ``distributed.Client``, else on Dask's local scheduler."""
    client = _active_client()
    if client is not None:
        futures = client.compute(tasks)
        if progress:
            from distributed import progress as show_progress

            with contextlib.redirect_stdout(sys.stderr):  # its text bar prints to stdout
                show_progress(futures)
        return list(client.gather(futures))
    if not progress:
        return list(dask.compute(*tasks))
    from dask.diagnostics import ProgressBar

    with ProgressBar(out=sys.stderr):
        return list(dask.compute(*tasks))


def _active_client() -> Any:
    try:
        from distributed import get_client
    except ImportError:
        return None
    try:
        return get_client()
    except ValueError:  # no client made in this process
        return None


# ----------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nbscope.distributed``: 0 done, 2 a usage or input error."""
    args = _parser().parse_args(argv)
    try:
        paths = _paths(args)
        settings = _settings(args.paths or ["."])
        if not paths:
            raise ValueError("no notebooks to check")
        with _client(args.scheduler, args.workers):
            summary = check_corpus(paths, args.output, settings=settings,
                                   partitions=args.partitions,
                                   parquet=False if args.no_parquet else None,
                                   progress=not args.quiet, overwrite=args.overwrite)
    except (OSError, ValueError) as error:
        print(f"nbscope: {error}", file=sys.stderr)
        return 2
    print(f"nbscope: checked {summary.notebooks} notebooks ({summary.unreadable} unreadable), "
          f"{summary.findings} findings; results in {args.output} "
          f"({len(summary.files)} files)")
    if summary.parquet_note:
        print(f"nbscope: {summary.parquet_note}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nbscope.distributed",
        description="Check a corpus of notebooks with Dask; write one JSON line per notebook "
                    "(and a Parquet row per finding when pyarrow is installed).")
    parser.add_argument("paths", nargs="*", metavar="PATH", help=".ipynb files or folders")
    parser.add_argument("--files-from", metavar="FILE",
                        help="read notebook paths from FILE, one per line")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="folder for part-NNNNN.jsonl and findings-NNNNN.parquet")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a Dask scheduler to run on (e.g. tcp://host:8786)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="start a LocalCluster of N worker processes")
    parser.add_argument("--partitions", type=int, metavar="N",
                        help="partitions of the bag (default: one per 200 notebooks)")
    parser.add_argument("--no-parquet", action="store_true", help="only write JSON lines")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace results already in the output folder")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser


def _paths(args: argparse.Namespace) -> list[str]:
    found = notebook_paths(args.paths) if args.paths else []
    if args.files_from:
        with open(args.files_from, encoding="utf-8") as listing:
            found.extend(line.strip() for line in listing if line.strip())
    return found


def _settings(paths: Sequence[str]) -> Settings:
    """The ``[tool.nbscope]`` settings found above the paths, as ``nbscope check`` reads them."""
    found = config.find(paths)
    if found is None:
        return Settings()
    from .rules import find_rule

    chosen = config.load(found, lambda code: getattr(find_rule(code), "code", None))
    return Settings(select=chosen.select, ignore=chosen.ignore,
                    saved_session=chosen.saved_session, module_folders=chosen.module_folders,
                    extra_builtins=chosen.extra_builtins)


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[None]:
    if scheduler is None and workers is None:
        yield
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler):
            yield
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1) as cluster, Client(cluster):
        yield


if __name__ == "__main__":
    raise SystemExit(main())
