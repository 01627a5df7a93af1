"""Compare nbscope's findings on a corpus before and after a change, message by message.

A change that should not change what nbscope reports (a restructuring, a speed-up)
is proven by running both versions over the whole corpus and comparing every
finding, every notebook error and every Run-All first failure.

    python3 benchmarks/compare_findings.py snapshot --rev main -o /tmp/before.json
    python3 benchmarks/compare_findings.py snapshot -o /tmp/after.json   # this tree
    python3 benchmarks/compare_findings.py diff /tmp/before.json /tmp/after.json

``snapshot --rev REV`` checks REV out into a temporary git worktree and runs the
nbscope found there, so the "before" needs no second clone. Run both snapshots
with the same Python: findings depend on the IPython version (its input
transformer) and on the packages installed (what a star import binds), so each
snapshot records them and ``diff`` refuses to compare snapshots taken in
different environments unless given ``--any-environment``. ``diff`` prints a
summary by rule code and every difference (``--limit`` caps the listing) and exits
with status 1 when anything differs, 0 when the two snapshots are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(REPO, "..", "shared", "corpus", "notebooks")

# The fields that identify a finding; everything else is compared as its content.
KEY_FIELDS = ("code", "name", "cell", "line", "column")


def run_nbscope(source_dir: str, corpus: str, jobs: int) -> dict:
    """Run ``python -m nbscope check --format json`` from ``source_dir`` over the corpus."""
    env = dict(os.environ, PYTHONPATH=source_dir)
    command = [sys.executable, "-m", "nbscope", "check", "--format", "json",
               "--fail-on", "never", "--jobs", str(jobs), os.path.abspath(corpus)]
    done = subprocess.run(command, cwd=source_dir, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1, 2) or not done.stdout.strip():
        sys.exit(f"compare_findings: nbscope failed (exit {done.returncode}): "
                 f"{done.stderr.strip().splitlines()[-1:] or ['no output']}")
    return json.loads(done.stdout)


def environment() -> dict:
    """What besides nbscope's own code decides the findings: Python, IPython, packages."""
    from importlib import metadata

    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()
                      if d.metadata["Name"] and d.metadata["Name"].lower() != "nbscope")
    try:
        ipython = metadata.version("ipython")
    except metadata.PackageNotFoundError:
        ipython = None
    return {"python": sys.version.split()[0], "ipython": ipython,
            "packages": hashlib.sha256("\n".join(packages).encode()).hexdigest()[:16]}


def snapshot_at(rev: str | None, corpus: str, jobs: int) -> dict:
    if rev is None:
        return run_nbscope(REPO, corpus, jobs)
    with tempfile.TemporaryDirectory(prefix="nbscope-rev-") as tmp:
        tree = os.path.join(tmp, "tree")
        subprocess.run(["git", "-C", REPO, "worktree", "add", "--detach", tree, rev],
                       check=True, capture_output=True)
        try:
            return run_nbscope(tree, corpus, jobs)
        finally:
            subprocess.run(["git", "-C", REPO, "worktree", "remove", "--force", tree],
                           check=False, capture_output=True)


def index(document: dict, corpus: str) -> dict[tuple, list[dict]]:
    """Every finding, notebook error and first failure under a path-relative key."""
    root = os.path.abspath(corpus)
    entries: dict[tuple, list[dict]] = {}
    for notebook in document["notebooks"]:
        path = os.path.relpath(os.path.abspath(notebook["path"]), root)
        entries.setdefault((path, "error"), []).append({"error": notebook.get("error")})
        first = (notebook.get("run_all") or {}).get("first_failure")
        entries.setdefault((path, "first_failure"), []).append({"first_failure": first})
        for finding in notebook.get("findings", []):
            key = (path, "finding") + tuple(finding.get(f) for f in KEY_FIELDS)
            entries.setdefault(key, []).append(finding)
    return entries


def differences(before: dict[tuple, list[dict]], after: dict[tuple, list[dict]]
                ) -> Iterable[tuple[str, tuple, dict | None, dict | None]]:
    for key in sorted(set(before) | set(after), key=repr):
        old, new = before.get(key, []), after.get(key, [])
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else None
            b = new[i] if i < len(new) else None
            if a == b:
                continue
            kind = "removed" if b is None else "added" if a is None else "changed"
            yield kind, key, a, b


def describe(kind: str, key: tuple, a: dict | None, b: dict | None) -> str:
    where = f"{key[0]}"
    if key[1] == "finding":
        code, name, cell, line, column = key[2:]
        where += f" cell {cell}:{line}:{column} {code} `{name}`"
    else:
        where += f" {key[1]}"
    lines = [f"{kind}: {where}"]
    if kind == "changed" and a is not None and b is not None:
        for field in sorted(set(a) | set(b)):
            if a.get(field) != b.get(field):
                lines.append(f"    {field}: {json.dumps(a.get(field))}")
                lines.append(f"  -> {field}: {json.dumps(b.get(field))}")
    else:
        shown = a if b is None else b
        lines.append(f"    {json.dumps(shown)[:400]}")
    return "\n".join(lines)


def diff(before_file: str, after_file: str, limit: int, any_environment: bool) -> int:
    with open(before_file, encoding="utf-8") as f:
        before_doc = json.load(f)
    with open(after_file, encoding="utf-8") as f:
        after_doc = json.load(f)
    env_a, env_b = before_doc.get("environment"), after_doc.get("environment")
    if env_a != env_b and not any_environment:
        print(f"compare_findings: the snapshots come from different environments "
              f"({env_a} vs {env_b}); findings depend on them. Take both with the same "
              f"Python, or pass --any-environment.", file=sys.stderr)
        return 2
    corpus_a = before_doc.get("corpus", "")
    corpus_b = after_doc.get("corpus", "")
    before = index(before_doc["report"], corpus_a)
    after = index(after_doc["report"], corpus_b)
    found = list(differences(before, after))
    per_code: Counter[tuple[str, str]] = Counter()
    for kind, key, _before, _after in found:
        code = key[2] if key[1] == "finding" else key[1]
        per_code[(kind, str(code))] += 1
    total_a = sum(len(v) for k, v in before.items() if k[1] == "finding")
    total_b = sum(len(v) for k, v in after.items() if k[1] == "finding")
    print(f"findings: {total_a} before, {total_b} after; "
          f"notebooks: {len(before_doc['report']['notebooks'])} before, "
          f"{len(after_doc['report']['notebooks'])} after")
    if not found:
        print("identical: every finding, message, notebook error and first failure")
        return 0
    print(f"{len(found)} differences")
    for (kind, code), count in sorted(per_code.items()):
        print(f"  {kind:8} {code:14} {count}")
    for entry in found[:limit]:
        print(describe(*entry))
    if len(found) > limit:
        print(f"... {len(found) - limit} more (raise --limit)")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    snap = commands.add_parser("snapshot", help="run nbscope over the corpus, save the report")
    snap.add_argument("-o", "--out", required=True, help="where to write the snapshot (JSON)")
    snap.add_argument("--rev", help="a git revision to run instead of this work tree")
    snap.add_argument("--corpus", default=DEFAULT_CORPUS, help="folder of notebooks")
    snap.add_argument("--jobs", type=int, default=0, help="nbscope --jobs (default: per CPU)")
    compare = commands.add_parser("diff", help="compare two snapshots message by message")
    compare.add_argument("before")
    compare.add_argument("after")
    compare.add_argument("--limit", type=int, default=200, help="differences to print")
    compare.add_argument("--any-environment", action="store_true",
                         help="compare snapshots taken with different Pythons or packages")
    args = parser.parse_args(argv)
    if args.command == "diff":
        return diff(args.before, args.after, args.limit, args.any_environment)
    if not os.path.isdir(args.corpus):
        print(f"compare_findings: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    report = snapshot_at(args.rev, args.corpus, args.jobs)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"rev": args.rev or "work tree", "corpus": os.path.abspath(args.corpus),
                   "environment": environment(), "report": report}, f)
    print(f"{args.out}: {len(report['notebooks'])} notebooks, "
          f"{report['summary']['findings']} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
