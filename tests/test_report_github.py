"""``--format github``: each annotation's ``line=``/``col=`` is checked against the raw .ipynb text.

That line of the file must hold the offending name at that column, however the
notebook stores its source (a list of lines, one string, minified JSON, escapes).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nbscope.cli import main
from nbscope.loader import load_notebook
from nbscope.transform import normalize_newlines

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "notebooks"
ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def notebook(*sources: str | list[str], nbformat_minor: int = 5) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A notebook\n"]}]
    for number, source in enumerate(sources):
        cells.append({"cell_type": "code", "id": f"c{number}", "metadata": {},
                      "execution_count": None, "outputs": [], "source": source})
    return {"nbformat": 4, "nbformat_minor": nbformat_minor, "metadata": {}, "cells": cells}


def lines_of(source: str) -> list[str]:
    return source.splitlines(keepends=True)


def annotations(capsys, *paths: Path, options: tuple[str, ...] = ()) -> list[dict]:
    main(["check", "--format", "github", *options, *map(str, paths)])
    found = []
    for line in capsys.readouterr().out.splitlines():
        match = ANNOTATION.match(line)
        if match:
            props = dict(item.split("=", 1) for item in match.group("props").split(","))
            found.append({"level": match.group(1), **props, "message": match.group("message")})
    return found


def assert_lands_on(path: Path, annotation: dict, name: str) -> None:
    """The annotated line of the file holds ``name`` (a name, or the text a finding's span
    covers) at the annotated column, as stored (raw or JSON-escaped)."""
    text = path.read_text(encoding="utf-8")
    file_line = text.split("\n")[int(annotation["line"]) - 1]
    at = file_line[int(annotation["col"]) - 1:]
    assert at.startswith(name) or at.startswith(json.dumps(name)[1:-1]), (file_line, annotation)


def write(path: Path, document: dict, **dump) -> Path:
    path.write_text(json.dumps(document, **dump), encoding="utf-8")
    return path


SOURCE = "import os\n\nresult = len(session_conf)\nprint(result)\n"
DEFINE = "session_conf = {}\n"


@pytest.mark.parametrize("form", ["list-of-lines", "one-string", "minified", "one-line-list"])
def test_line_holds_the_offending_name(tmp_path: Path, capsys, form: str) -> None:
    if form == "list-of-lines":
        path = write(tmp_path / "nb.ipynb", notebook(lines_of(SOURCE), lines_of(DEFINE)),
                     indent=1)
    elif form == "one-string":
        path = write(tmp_path / "nb.ipynb", notebook(SOURCE, DEFINE), indent=1)
    elif form == "minified":
        path = write(tmp_path / "nb.ipynb", notebook(lines_of(SOURCE), lines_of(DEFINE)),
                     separators=(",", ":"))
    else:
        path = write(tmp_path / "nb.ipynb", notebook(lines_of(SOURCE), lines_of(DEFINE)))
    [annotation] = annotations(capsys, path)
    assert annotation["level"] == "error"
    assert annotation["file"] == str(path).replace(":", "%3A").replace(",", "%2C")
    assert_lands_on(path, annotation, "session_conf")
    if form in ("minified", "one-line-list"):
        assert annotation["line"] == "1"
    if form == "list-of-lines":
        text = path.read_text(encoding="utf-8").split("\n")
        assert text[int(annotation["line"]) - 1].strip() == json.dumps(lines_of(SOURCE)[2]) + ","
        assert annotation["col"] == str(text[int(annotation["line"]) - 1].index("session_conf") + 1)
    assert "cell 2, line 3, column 14" in annotation["message"]
    assert "defined-later" in annotation["title"]


def test_escaped_characters_before_the_name_keep_the_column(tmp_path: Path, capsys) -> None:
    source = ['s = "\\t\\u00e9\\"\U0001f600"; print(s, typo_name_here)\n']
    path = write(tmp_path / "esc.ipynb", notebook(source), indent=1, ensure_ascii=True)
    [annotation] = annotations(capsys, path)
    assert_lands_on(path, annotation, "typo_name_here")


def test_crlf_source_lines_and_several_lines_in_one_string(tmp_path: Path, capsys) -> None:
    source = ["x = 1\r\ny = 2\r\n", "z = (x,\n", "     missing_one)\n"]
    path = write(tmp_path / "crlf.ipynb", notebook(source), indent=1)
    [annotation] = annotations(capsys, path)
    assert_lands_on(path, annotation, "missing_one")
    assert "line 4" in annotation["message"]


def test_nbformat_3_input_key(tmp_path: Path, capsys) -> None:
    document = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "markdown", "source": ["text"]},
        {"cell_type": "code", "input": ["a = 1\n", "print(a, b_never)\n"], "outputs": [],
         "language": "python"},
    ]}]}
    path = write(tmp_path / "old.ipynb", document, indent=1)
    [annotation] = annotations(capsys, path)
    assert_lands_on(path, annotation, "b_never")


def test_finding_without_a_span_points_at_the_cell(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "syntax.ipynb", notebook(["x = 1\n", "def broken(:\n"]), indent=1)
    [annotation] = annotations(capsys, path)
    assert "NS100" in annotation["title"]
    assert int(annotation["line"]) > 1


def test_severity_levels_and_message_escaping(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "warn.ipynb", notebook(
        lines_of("import random\nif random.random() > 0.5:\n    b = 1\n"), ["print(b)"]),
        indent=1)
    [annotation] = annotations(capsys, path)
    assert annotation["level"] == "warning"
    assert "\n" not in annotation["message"] and "%0A" in annotation["message"]


def test_unreadable_notebook_and_empty_folder_are_error_annotations(tmp_path: Path,
                                                                    capsys) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    status = main(["check", "--format", "github", str(bad), str(tmp_path / "empty")])
    out = capsys.readouterr().out
    assert status == 2
    assert out.count("::error ") == 2
    assert "not valid JSON" in out and "no notebooks" in out


def span_text(path: Path, found: dict) -> str:
    """The text of the cell source that a JSON finding's span covers."""
    source = load_notebook(path).cells[found["cell"] - 1].source
    line = normalize_newlines(source).split("\n")[found["line"] - 1]
    return line[found["column"] - 1:found["end_column"] - 1]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the notebook corpus (../shared/corpus) is absent")
def test_corpus_annotations_land_on_their_names(capsys) -> None:
    """Every annotation of 300 real notebooks lands on the text its finding points at."""
    paths = sorted(CORPUS.rglob("*.ipynb"))[:300]
    main(["check", "--format", "json", "--jobs", "1", *map(str, paths)])
    document = json.loads(capsys.readouterr().out)
    with_names = [Path(nb["path"]) for nb in document["notebooks"]
                  if any(f["name"] and f["line"] for f in nb["findings"])]
    assert len(with_names) > 30
    main(["check", "--format", "github", "--jobs", "1", *map(str, with_names)])
    checked = 0
    by_path = {nb["path"]: nb["findings"] for nb in document["notebooks"]}
    lines = [line for line in capsys.readouterr().out.splitlines() if ANNOTATION.match(line)]
    for path in with_names:
        findings = by_path[str(path)]
        mine = [line for line in lines if f"file={str(path).replace(',', '%2C')}," in line]
        assert len(mine) == len(findings)
        for line, found in zip(mine, findings, strict=True):
            match = ANNOTATION.match(line)
            props = dict(item.split("=", 1) for item in match.group("props").split(","))
            if found["line"] and found["line"] == found["end_line"]:
                assert_lands_on(path, props, span_text(path, found))
                checked += 1
    assert checked > 100
