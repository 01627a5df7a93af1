"""Property tests: any cell text is analysed without crashing, any file read without a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
import unicodedata
from pathlib import Path

# nbscope imports IPython lazily, and importing it raises the recursion limit; importing it
# here rather than inside the first example that needs it keeps Hypothesis from warning.
import IPython.core.inputtransformer2  # noqa: F401
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbscope.analyze import check_notebook
from nbscope.cli import main
from nbscope.model import Cell, Notebook

FRAGMENTS = [
    "x = 1", "def f():\n    return x", "%time y = 2", "!ls", "del x", "if a:\n    b = 1",
    "%%capture o\n", "class A:\n    z = 1", "[q for q in r]",
    "try:\n    pass\nexcept E as e:\n    pass", "print(x, y, z, e, o, b)", "f()", "A().z",
    "global x", "lambda: w", "for i in r:\n    w = i", "while x:\n    break", "%%timeit\n",
    "x = !echo hi", "%reset -f", "%xdel y", "%run s.py", "import os.path as p", "exec('v = 1')",
    "with f() as h:\n    pass", "match x:\n    case [k, *_]:\n        pass", "(n := 3)",
    "%%bash\n", "async def g():\n    await h", "@f\ndef d(a=x):\n    nonlocal a",
    "def gen():\n    yield x", "x +=", "    indented = 1", "é = 'ü'", "\t", "\\", "'''",
]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
TEXT = st.characters()


@st.composite
def snippets(draw: st.DrawFn) -> str:
    """A cell built from fragments, sometimes indented, sometimes with random text mixed in."""
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(TEXT, max_size=8)),
                          max_size=6))
    indent = draw(st.sampled_from(["", "", "    "]))
    return "\n".join(indent + part for part in parts)


CELL_SOURCES = st.one_of(snippets(), st.text(TEXT, max_size=60))


def _lines(source: str) -> list[str]:
    return _LINE_BREAK.split(source)


# IPython's transformer warns about control characters such as U+001C: see
# test_cli.py::test_stderr_stays_quiet_for_control_characters.
@pytest.mark.filterwarnings("ignore:`make_tokens_by_line`:UserWarning")
@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["code", "code", "markdown"]), CELL_SOURCES),
                min_size=1, max_size=5))
def test_any_cells_are_analysed_and_findings_point_inside_them(cells) -> None:
    notebook = Notebook("fuzz.ipynb", tuple(
        Cell(index=i, cell_type=kind, source=source)
        for i, (kind, source) in enumerate(cells, start=1)))
    report = check_notebook(notebook)
    code_cells = {cell.index: cell.source for cell in notebook.cells if cell.is_code}
    for found in report.findings:
        assert found.cell in code_cells, found
        span = found.span
        if span is None:
            continue
        source = code_cells[found.cell]
        lines = _lines(source)
        assert 1 <= span.line <= span.end_line <= len(lines), found
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, found
        assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, found
        if span.line == span.end_line:
            assert span.column <= span.end_column, found
            if found.name is not None:
                text = lines[span.line - 1][span.column - 1:span.end_column - 1]
                # Python names are NFKC-normalised: the source may say `ﬀ` for `ff`.
                assert unicodedata.normalize("NFKC", text) == found.name, found
    if report.first_failure is not None:
        assert report.first_failure.cell in code_cells


# --- found by fuzzing ---------------------------------------------------------------------


def _syntax_error(source: str):
    [found] = check_notebook(Notebook("t.ipynb", (Cell(1, "code", source),))).findings
    assert found.code == "NS100"
    return found.span


@pytest.mark.parametrize("source", ["x +=", "if x:\n", "\\"])
def test_syntax_error_position_at_end_of_line_stays_on_the_line(source: str) -> None:
    span = _syntax_error(source)
    assert span.end_column <= len(_lines(source)[span.end_line - 1]) + 1


@pytest.mark.parametrize("source, line, column", [
    ("\nprint(1", 2, 6), ("\n\nx +", 3, 4), ("\n-", 2, 2),
])
def test_syntax_error_position_after_leading_blank_lines(source: str, line: int,
                                                         column: int) -> None:
    span = _syntax_error(source)
    assert (span.line, span.column) == (line, column)


def test_syntax_error_position_is_cpythons() -> None:
    span = _syntax_error("x = 1\n\n-")
    assert (span.line, span.column) == (3, 2)


def _check(source: str):
    return check_notebook(Notebook("t.ipynb", (Cell(1, "code", source),)))


def test_bare_carriage_return_with_non_ascii_text_is_analysed() -> None:
    [found] = _check('x = 1\rprint("é", y)').findings
    assert (found.name, found.span.line) == ("y", 2)


def test_bare_carriage_return_ends_a_line() -> None:
    [found] = _check("x = 1\rprint(y)").findings
    assert (found.name, found.span.line, found.span.column) == ("y", 2, 7)


def test_crlf_line_ends() -> None:
    [found] = _check("x = 1\r\nprint(y)\r\n").findings
    assert (found.name, found.span.line, found.span.column) == ("y", 2, 7)


# --- mangled files through the command line ---------------------------------------------


def _notebook_bytes(sources: list[str]) -> bytes:
    cells = [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i,
              "source": source, "outputs": []} for i, source in enumerate(sources, start=1)]
    cells.insert(1, {"cell_type": "markdown", "id": "m", "metadata": {}, "source": ["# t"]})
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": cells}, indent=1).encode()


VALID = _notebook_bytes(["import os\nx = 1", "print(x, y)", "%time z = 2", "del x"])

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


@st.composite
def mangled_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        if action == "delete":
            del data[at:at + draw(st.integers(1, 20))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "replace":
            data[at] = draw(st.integers(0, 255))
        else:
            del data[at:]
    return bytes(data)


@st.composite
def mangled_structure(draw: st.DrawFn) -> bytes:
    """A notebook whose JSON is valid but one field, cell or key holds something odd."""
    document = json.loads(VALID)
    target = draw(st.sampled_from(["top", "metadata", "cell", "cells", "nbformat"]))
    value = draw(JSON_VALUES)
    if target == "top":
        document[draw(st.sampled_from(["cells", "metadata", "nbformat_minor"]))] = value
    elif target == "metadata":
        document["metadata"] = {draw(st.sampled_from(["kernelspec", "language_info",
                                                      "colab", "nbscope"])): value}
    elif target == "cell":
        cell = document["cells"][draw(st.integers(0, len(document["cells"]) - 1))]
        cell[draw(st.sampled_from(["source", "cell_type", "outputs", "metadata", "id",
                                   "execution_count"]))] = value
    elif target == "cells":
        document["cells"].append(value)
    else:
        document["nbformat"] = draw(st.sampled_from([1, 2, 3, 4, 5, "4", None, value]))
    return json.dumps(document).encode()


def _run_main(data: bytes) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nb.ipynb"
        path.write_bytes(data)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(["check", "--format", "json", str(path)])
    return status, out.getvalue(), err.getvalue()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mangled_bytes(), mangled_structure(), st.binary(max_size=40)))
def test_mangled_notebooks_give_an_exit_status_never_a_traceback(data: bytes) -> None:
    status, out, err = _run_main(data)
    assert status in (0, 1, 2)
    assert "Traceback" not in err
    [notebook] = json.loads(out)["notebooks"]
    if notebook["error"] is not None:
        assert status == 2
        assert "\n" not in notebook["error"]
        assert notebook["findings"] == []


def test_the_unmangled_notebook_is_read() -> None:
    status, out, _ = _run_main(VALID)
    [notebook] = json.loads(out)["notebooks"]
    assert notebook["error"] is None
    assert status == 1
