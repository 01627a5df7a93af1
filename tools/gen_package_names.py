"""Developer script: write nbscope/data/package_names.json, the PyPI package-name table.

nbscope tells a module that is simply not installed where it runs (a PyPI
package: "install it with `%pip install pywin32`") from a helper module that is
missing (upload advice). It needs two facts it cannot learn from this Python,
since the package is not installed here: which import names are PyPI packages,
and under which distribution name (``win32com`` comes from ``pywin32``).
This script -- run by a developer, never imported by the package -- merges:

1. ``renamed``: import name -> distribution name where they differ, from the
   ``mapping`` file of pipreqs (https://github.com/bndr/pipreqs, Apache-2.0),
   read from its wheel on PyPI (``pip download --no-deps pipreqs``), then
   ``CURATED_RENAMED`` below, which adds common names pipreqs lacks and wins
   over it.
2. ``same_name``: PyPI projects among the 15,000 most downloaded whose
   project name is also their import name (``theano``, ``trino``,
   ``memory-profiler`` -> ``memory_profiler``). The ranking is PyPI's public
   download statistics as published by hugovk/top-pypi-packages
   (``top-pypi-packages.min.json``: ``{"rows": [{"project": ...}, ...]}``), or a
   tab-separated list with the columns ``name`` and
   ``rank_among_15000_most_downloaded``.

Names people give their own helper modules (``utils``, ``config``, ``helper``)
are left out of both tables even where a PyPI project has them: for those a
missing module is far more often a helper that was not shipped.

Usage (from the repository root):
    python tools/gen_package_names.py --top top-pypi-packages.min.json
    python tools/gen_package_names.py --top pypi.tsv --pipreqs-mapping mapping
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "nbscope" / "data" / "package_names.json"

# Import names pipreqs does not map (or maps to an outdated project), checked by hand
# against each project's PyPI page. Dotted keys name the package a submodule comes from.
CURATED_RENAMED = {
    "cv2": "opencv-python", "sklearn": "scikit-learn", "skimage": "scikit-image",
    "win32com": "pywin32", "win32api": "pywin32", "win32con": "pywin32",
    "win32gui": "pywin32", "win32clipboard": "pywin32", "win32file": "pywin32",
    "win32process": "pywin32", "win32print": "pywin32", "pythoncom": "pywin32",
    "pywintypes": "pywin32", "ignite": "pytorch-ignite", "osgeo": "GDAL",
    "neural_compressor": "neural-compressor", "tsfm_public": "granite-tsfm",
    "spire.xls": "Spire.Xls", "spire.doc": "Spire.Doc", "spire.pdf": "Spire.Pdf",
    "spire.presentation": "Spire.Presentation", "ColabTurtle": "ColabTurtle",
    "httpimport": "httpimport", "apyori": "apyori", "pytorchvideo": "pytorchvideo",
    "fitz": "PyMuPDF", "docx": "python-docx", "pptx": "python-pptx", "dotenv": "python-dotenv",
    "jwt": "PyJWT", "serial": "pyserial", "usb": "pyusb", "telegram": "python-telegram-bot",
    "telebot": "pyTelegramBotAPI", "speech_recognition": "SpeechRecognition",
    "talib": "TA-Lib", "Levenshtein": "python-Levenshtein", "dateutil": "python-dateutil",
    "magic": "python-magic", "jose": "python-jose", "attr": "attrs", "MySQLdb": "mysqlclient",
    "google.protobuf": "protobuf", "google.genai": "google-genai",
    "google.generativeai": "google-generativeai", "google.cloud.storage": "google-cloud-storage",
    "google.cloud.bigquery": "google-cloud-bigquery", "umap": "umap-learn",
    "faiss": "faiss-cpu", "Bio": "biopython", "sentence_transformers": "sentence-transformers",
    "pytesseract": "pytesseract", "tflite_runtime": "tflite-runtime",
    "optimum.intel": "optimum-intel", "optimum.habana": "optimum-habana",
    "optimum.neuron": "optimum-neuron",
}

# Hyphenated project names are kept from this many of the most downloaded only.
HYPHENATED_TOP = 3000

# Names people give their own modules: never taken as a PyPI package.
GENERIC_NAMES = frozenset({
    "utils", "util", "utilities", "helper", "helpers", "config", "configs", "common", "data",
    "dataset", "models", "model", "tools", "tool", "lib", "libs", "src", "app", "main", "test",
    "tests", "settings", "constants", "functions", "function", "module", "modules",
    "mymodule", "my_module", "mypackage", "package", "core", "base", "api", "client",
    "server", "first", "second", "one", "two", "demo", "example", "examples", "sample",
    "samples", "project", "setup", "script", "scripts", "run", "train", "predict",
    "preprocessing", "preprocess", "network", "networks", "layers", "loss", "losses",
    "dataloader", "loader", "plot", "plots", "plotting", "visualization", "calculator",
    "checker", "solution", "solutions", "answer", "answers", "homework", "assignment",
    "lab", "exercise", "task", "tasks", "problem", "problems", "parser", "db", "database",
    "logger", "log", "files", "file", "process", "processing", "analysis", "calc", "mod",
    "mymath", "greet", "hello", "package_name", "support", "shared", "local", "env",
    "environment", "secrets", "credentials", "keys", "private", "input_data",
    "common_utils", "my_utils", "myutils", "misc", "extras", "other", "temp", "tmp",
    "new", "old", "util_functions", "helper_functions", "custom", "user", "users", "views",
    "forms", "urls", "admin", "handlers", "routes", "schemas", "services",
})


def pipreqs_mapping(path: str | None) -> dict[str, str]:
    """pipreqs' ``import:distribution`` lines, from ``path`` or its wheel from PyPI."""
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                            "--only-binary", ":all:", "-d", folder, "pipreqs"], check=True)
            wheel = next(Path(folder).glob("pipreqs-*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                text = archive.read("pipreqs/mapping").decode("utf-8")
    pairs = (line.strip().split(":", 1) for line in text.splitlines() if ":" in line)
    return {module: dist for module, dist in pairs if module.isidentifier() and dist}


def top_projects(path: str) -> list[str]:
    """Project names of the top-downloads list (JSON from top-pypi-packages, or TSV)."""
    if path.endswith(".json"):
        rows = json.loads(Path(path).read_text(encoding="utf-8"))["rows"]
        return [row["project"] for row in rows]
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        ranked = [(int(row["rank_among_15000_most_downloaded"]), row["name"])
                  for row in reader if (row.get("rank_among_15000_most_downloaded") or "")
                  .strip().isdigit()]
    return [name for _, name in sorted(ranked)]


def import_key(name: str) -> str:
    """How nbscope compares names: ``memory-profiler`` and ``memory_profiler`` meet."""
    return name.lower().replace("-", "_").replace(".", "_")


def build(mapping: dict[str, str], projects: list[str]) -> dict[str, object]:
    """The table: pipreqs' renames of popular projects, the curated ones, and the popular
    projects importable under their own name."""
    popular = {import_key(project) for project in projects}
    renamed = {module: dist for module, dist in mapping.items()
               if module.lower() not in GENERIC_NAMES and import_key(dist) in popular
               and import_key(module) != import_key(dist)}
    renamed.update(CURATED_RENAMED)
    # A hyphenated project name is mostly not its import name (``google-cloud-storage``,
    # ``django-environ``): only the most downloaded ones are kept, to keep the table small.
    same_name = sorted({project for rank, project in enumerate(projects, 1)
                        if import_key(project).isidentifier()
                        and import_key(project) not in GENERIC_NAMES
                        and (rank <= HYPHENATED_TOP or not any(c in project for c in "-."))
                        and not project.lower().startswith(("types-", "types_"))},
                       key=str.lower)
    return {
        "about": "Import names of PyPI packages, for telling a package that is not installed "
                 "from a missing helper module. Written by tools/gen_package_names.py; see "
                 "its docstring for the sources (pipreqs' mapping, Apache-2.0; the PyPI "
                 "top-downloads ranking) and how to refresh.",
        "renamed": dict(sorted(renamed.items(), key=lambda item: item[0].lower())),
        "same_name": same_name,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", required=True,
                        help="top-pypi-packages JSON, or a TSV with a rank column")
    parser.add_argument("--pipreqs-mapping",
                        help="pipreqs' mapping file (default: from its wheel on PyPI)")
    parser.add_argument("-o", "--output", default=str(OUTPUT))
    args = parser.parse_args(argv)
    table = build(pipreqs_mapping(args.pipreqs_mapping), top_projects(args.top))
    Path(args.output).write_text(json.dumps(table, indent=0, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    print(f"{args.output}: {len(table['renamed'])} renamed, "
          f"{len(table['same_name'])} same-name packages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
