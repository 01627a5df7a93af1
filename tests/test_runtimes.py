"""Names a managed Spark runtime binds before the first cell (``spark``, ``sc``,
``sqlContext``), when the saved kernel or the notebook's imports show that runtime."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_notebook

from nbscope import ipynb_decoder
from nbscope.analyze import check_notebook
from nbscope.findings import Finding, Severity
from nbscope.loader import load_notebook
from nbscope.workspace import Workspace


def check(folder: Path, *cells: str) -> list[Finding]:
    return list(check_notebook(make_notebook(*cells), Workspace(str(folder))).findings)


def names(findings: list[Finding]) -> list[str]:
    return sorted(f.name for f in findings if f.severity is not Severity.INFO and f.name)


def test_spark_names_are_undefined_in_a_plain_kernel(tmp_path: Path) -> None:
    cells = ("import pyspark", "df = spark.read.csv('x')\nrdd = sc.parallelize([1])")
    assert names(check(tmp_path, *cells)) == ["sc", "spark"]


def test_a_glue_import_shows_the_runtime_that_injects_spark(tmp_path: Path) -> None:
    cells = ("from awsglue.context import GlueContext",
             "glue = GlueContext(sc)\ndf = spark.read.csv('x')\nsqlContext.sql('q')")
    assert names(check(tmp_path, *cells)) == []
    assert names(check(tmp_path, *cells, "dbutils.fs.ls('/')")) == ["dbutils"]


def _saved(tmp_path: Path, metadata: dict, *sources: str) -> Path:
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
              "outputs": [], "source": source} for i, source in enumerate(sources)]
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata,
                                "cells": cells}))
    return path


@pytest.mark.parametrize(("metadata", "expected"), [
    ({"kernelspec": {"name": "pysparkkernel", "display_name": "PySpark",
                     "language": "python"}}, []),
    ({"kernelspec": {"name": "glue_pyspark", "display_name": "Glue PySpark",
                     "language": "python"}}, []),
    ({"application/vnd.databricks.v1+notebook": {"notebookName": "x"},
      "language_info": {"name": "python"}}, []),
    ({"kernelspec": {"name": "python3", "display_name": "Python 3 (spark env)",
                     "language": "python"}}, ["sc", "spark"]),
])
def test_the_saved_kernel_shows_a_spark_runtime(tmp_path: Path, metadata: dict,
                                                expected: list[str]) -> None:
    path = _saved(tmp_path, metadata, "df = spark.range(3)\nsc.stop()")
    notebook = load_notebook(str(path))
    assert names(list(check_notebook(notebook, Workspace(str(tmp_path))).findings)) == expected


def test_the_typed_decoder_keeps_what_the_kernel_check_reads(tmp_path: Path) -> None:
    if not ipynb_decoder.available():
        pytest.fail("msgspec is a dependency of nbscope")
    metadata = {"kernelspec": {"name": "synapse_pyspark", "display_name": "Synapse PySpark"},
                "application/vnd.databricks.v1+notebook": {"x": 1}}
    text = _saved(tmp_path, metadata, "x = 1").read_text()
    decoded = ipynb_decoder.decode(text.replace('"x": 1', '"x": 1, "pad": "' + "a" * 300_000
                                                + '"'))
    assert decoded is not None
    assert decoded["metadata"]["kernelspec"]["name"] == "synapse_pyspark"
    assert "application/vnd.databricks.v1+notebook" in decoded["metadata"]
