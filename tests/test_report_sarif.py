"""``--format sarif``: valid SARIF 2.1.0, rules with their help, results at the right line."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from nbscope.cli import main
from nbscope.rules import REGISTRY

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "spec" / "sarif-schema-2.1.0.json"


def write(path: Path, *sources: str, ids: bool = True) -> Path:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": source.splitlines(keepends=True), **({"id": f"id{n}"} if ids else {})}
             for n, source in enumerate(sources)]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5 if ids else 4,
                                "metadata": {}, "cells": cells}, indent=1), encoding="utf-8")
    return path


def sarif(capsys, *args: str) -> tuple[int, dict]:
    status = main(["check", "--format", "sarif", *map(str, args)])
    return status, json.loads(capsys.readouterr().out)


@pytest.fixture
def mixed(tmp_path: Path) -> list[Path]:
    bad = tmp_path / "unreadable.ipynb"
    bad.write_text("{", encoding="utf-8")
    return [
        write(tmp_path / "late.ipynb", "import os\nprint(os.sep, session_conf)\n",
              "session_conf = 1\n"),
        write(tmp_path / "warn.ipynb", "import random\nif random.random() > 0.5:\n    b = 1\n",
              "print(b)\n", ids=False),
        bad,
    ]


@pytest.mark.skipif(not SCHEMA.is_file(), reason="the SARIF schema (../shared/spec) is absent")
def test_valid_against_the_official_schema(mixed: list[Path], capsys) -> None:
    _, document = sarif(capsys, *mixed)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        document)


def test_structure_rules_and_results(mixed: list[Path], capsys) -> None:
    status, document = sarif(capsys, *mixed)
    assert status == 2  # one notebook could not be read
    assert document["version"] == "2.1.0"
    [run] = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(REGISTRY)
    for rule in rules:
        assert rule["help"]["text"].startswith("## What it does")
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    late, warn = run["results"]
    assert (late["ruleId"], late["level"]) == ("NS001", "error")
    assert rules[late["ruleIndex"]]["id"] == "NS001"
    assert late["properties"]["cell"] == 1
    assert late["properties"]["cellId"] == "id0"
    assert (late["properties"]["cellLine"], late["properties"]["cellColumn"]) == (2, 15)
    assert late["relatedLocations"][0]["properties"]["cell"] == 2
    location = late["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == mixed[0].as_uri()
    region = location["region"]
    line = mixed[0].read_text(encoding="utf-8").split("\n")[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:].startswith("session_conf")
    assert "cell 1, line 2" in late["message"]["text"]
    assert (warn["ruleId"], warn["level"], warn["properties"]["cellId"]) == (
        "NS006", "warning", None)
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["exitCode"] == 2
    [note] = invocation["toolExecutionNotifications"]
    assert "unreadable.ipynb" in note["message"]["text"]


def test_relative_paths_are_relative_uris(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "my notebooks").mkdir()
    write(tmp_path / "my notebooks" / "late.ipynb", "print(x)\n", "x = 1\n")
    monkeypatch.chdir(tmp_path)
    status, document = sarif(capsys, "my notebooks/late.ipynb")
    assert status == 1
    [result] = document["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20notebooks/late.ipynb"
