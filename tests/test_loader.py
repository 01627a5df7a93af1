"""Tests for nbscope.loader: reading .ipynb files into the immutable model."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbformat import v3, v4

from nbscope.loader import load_notebook, parse_notebook
from nbscope.model import Notebook, NotebookReadError, SavedError


def write(tmp_path: Path, content: bytes | str | dict[str, Any], name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    if isinstance(content, dict):
        content = json.dumps(content)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def v4_dict(cells: list[Any], metadata: dict[str, Any] | None = None, minor: int = 4) -> dict:
    return {"nbformat": 4, "nbformat_minor": minor, "metadata": metadata or {}, "cells": cells}


def code(source: Any = "x = 1\n", **fields: Any) -> dict[str, Any]:
    cell = {"cell_type": "code", "metadata": {}, "source": source, "outputs": []}
    cell["execution_count"] = None
    cell.update(fields)
    return cell


# --- well-formed notebooks ---------------------------------------------------


def test_v45_notebook_with_ids(tmp_path: Path) -> None:
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_code_cell("import os\n", execution_count=1),
        v4.new_markdown_cell("# Title"),
        v4.new_code_cell("print(os.sep)", execution_count=2),
    ]
    path = write(tmp_path, nbformat.writes(nb))
    ids = [cell.id for cell in nb.cells]

    notebook = load_notebook(path)

    assert isinstance(notebook, Notebook)
    assert notebook.path == str(path)
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    assert [cell.cell_id for cell in notebook.cells] == ids
    assert [cell.index for cell in notebook.cells] == [1, 2, 3]
    assert [cell.cell_type for cell in notebook.cells] == ["code", "markdown", "code"]
    assert notebook.cells[0].source == "import os\n"
    assert notebook.cells[2].source == "print(os.sep)"
    assert [cell.execution_count for cell in notebook.cells] == [1, None, 2]


def test_v44_notebook_without_ids(tmp_path: Path) -> None:
    notebook = load_notebook(write(tmp_path, v4_dict([code(), code("y = 2")], minor=4)))
    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 4)
    assert [cell.cell_id for cell in notebook.cells] == [None, None]


def test_colab_metadata_id_is_not_a_cell_id() -> None:
    cell = code(metadata={"id": "Xy12abc"})
    notebook = parse_notebook(json.dumps(v4_dict([cell])), "nb.ipynb")
    assert notebook.cells[0].cell_id is None


def test_source_as_list_as_string_and_missing() -> None:
    cells = [code(["a = 1\n", "b = a\n", "print(b)"]), code("c = 3\n"), {"cell_type": "code"}]
    notebook = parse_notebook(json.dumps(v4_dict(cells)), "nb.ipynb")
    assert [cell.source for cell in notebook.cells] == ["a = 1\nb = a\nprint(b)", "c = 3\n", ""]


def test_markdown_and_raw_cells_count_in_index() -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "intro"},
        code("a = 1"),
        {"cell_type": "raw", "metadata": {}, "source": "raw text"},
        code("b = a"),
    ]
    notebook = parse_notebook(json.dumps(v4_dict(cells)), "nb.ipynb")
    assert [cell.index for cell in notebook.cells] == [1, 2, 3, 4]
    assert [cell.index for cell in notebook.code_cells] == [2, 4]
    assert [cell.is_code for cell in notebook.cells] == [False, True, False, True]


def test_saved_error_outputs(tmp_path: Path) -> None:
    nb = v4.new_notebook()
    outputs = [
        v4.new_output("stream", name="stdout", text="hello\n"),
        v4.new_output(
            "error",
            ename="NameError",
            evalue="name 'df' is not defined",
            traceback=["\x1b[0;31mNameError\x1b[0m", "line 2"],
        ),
    ]
    nb.cells = [v4.new_code_cell("print('hello')\ndf", execution_count=3, outputs=outputs)]
    notebook = load_notebook(write(tmp_path, nbformat.writes(nb)))
    cell = notebook.cells[0]
    assert cell.output_count == 2
    assert cell.errors == (
        SavedError(
            "NameError", "name 'df' is not defined", ("\x1b[0;31mNameError\x1b[0m", "line 2")
        ),
    )


def test_malformed_error_outputs_are_tolerated() -> None:
    outputs = [{"output_type": "error"}, {"output_type": "error", "ename": 3, "traceback": "tb"}, 7]
    notebook = parse_notebook(json.dumps(v4_dict([code(outputs=outputs)])), "nb.ipynb")
    cell = notebook.cells[0]
    assert cell.output_count == 3
    assert cell.errors == (SavedError("", "", ()), SavedError("", "", ("tb",)))


def test_tolerant_field_values() -> None:
    cells = [
        {"source": "no type"},
        code(execution_count=True),
        code(execution_count="4"),
        code(execution_count=4.0),
        code(outputs={"not": "a list"}),
        code(execution_count=7, outputs=None, metadata=None, id=12),
    ]
    notebook = parse_notebook(json.dumps(v4_dict(cells)), "nb.ipynb")
    assert notebook.cells[0].cell_type == "raw"
    assert [cell.execution_count for cell in notebook.cells] == [None, None, None, None, None, 7]
    assert notebook.cells[4].output_count == 0
    assert notebook.cells[5].cell_id is None


def test_colab_timestamps_and_is_colab() -> None:
    info = {"status": "ok", "timestamp": 1_683_000_000_123, "user_tz": -120, "elapsed": 35}
    cells = [code(metadata={"executionInfo": info, "id": "abc"}), code()]
    notebook = parse_notebook(json.dumps(v4_dict(cells)), "nb.ipynb")
    assert notebook.is_colab
    assert notebook.cells[0].executed_at == pytest.approx(1_683_000_000.123)
    assert notebook.cells[0].timestamp_source == "colab"
    assert notebook.cells[1].executed_at is None
    assert notebook.cells[1].timestamp_source is None


@pytest.mark.parametrize(
    "metadata, cell_metadata, expected",
    [
        ({"colab": {"provenance": []}}, {}, True),
        ({}, {"colab": {"base_uri": "https://localhost:8080/"}}, True),
        ({}, {"executionInfo": {}}, True),
        ({"kernelspec": {"name": "python3"}}, {"id": "abc"}, False),
    ],
)
def test_is_colab(metadata: dict, cell_metadata: dict, expected: bool) -> None:
    document = v4_dict([code(metadata=cell_metadata)], metadata=metadata)
    assert parse_notebook(json.dumps(document), "nb.ipynb").is_colab is expected


@pytest.mark.parametrize("timestamp", [True, "1683000000000", None, 10**400, {"a": 1}])
def test_bad_colab_timestamps_are_ignored(timestamp: Any) -> None:
    cell = code(metadata={"executionInfo": {"timestamp": timestamp}})
    assert parse_notebook(json.dumps(v4_dict([cell])), "nb.ipynb").cells[0].executed_at is None


def epoch(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def test_jupyterlab_timestamps() -> None:
    full = {
        "iopub.status.busy": "2023-05-01T10:00:00.000100Z",
        "iopub.execute_input": "2023-05-01T10:00:00.123456Z",
        "shell.execute_reply.started": "2023-05-01T10:00:00.120000Z",
        "shell.execute_reply": "2023-05-01T10:00:05.000000Z",
    }
    started_only = {
        "iopub.status.busy": "2023-05-01T11:00:00.000000Z",
        "shell.execute_reply.started": "2023-05-01T11:00:00.500000Z",
    }
    busy_only = {"iopub.status.busy": "2023-05-01T12:00:00Z"}
    offset = {"iopub.execute_input": "2023-05-01T14:00:00+02:00"}
    cells = [code(metadata={"execution": meta}) for meta in (full, started_only, busy_only, offset)]
    notebook = parse_notebook(json.dumps(v4_dict(cells)), "nb.ipynb")
    assert [cell.executed_at for cell in notebook.cells] == [
        pytest.approx(epoch("2023-05-01T10:00:00.123456")),
        pytest.approx(epoch("2023-05-01T11:00:00.500000")),
        pytest.approx(epoch("2023-05-01T12:00:00")),
        pytest.approx(epoch("2023-05-01T12:00:00")),
    ]
    assert {cell.timestamp_source for cell in notebook.cells} == {"jupyterlab"}
    assert not notebook.is_colab


@pytest.mark.parametrize("execution", [{"iopub.execute_input": "yesterday"}, {}, "x", None])
def test_bad_jupyterlab_timestamps_are_ignored(execution: Any) -> None:
    cell = code(metadata={"execution": execution})
    loaded = parse_notebook(json.dumps(v4_dict([cell])), "nb.ipynb").cells[0]
    assert (loaded.executed_at, loaded.timestamp_source) == (None, None)


def test_colab_and_jupyterlab_records_take_the_later_run() -> None:
    metadata = {
        "executionInfo": {"timestamp": 1_600_000_000_000},
        "execution": {"iopub.execute_input": "2023-05-01T10:00:00Z"},
    }
    cell = parse_notebook(json.dumps(v4_dict([code(metadata=metadata)])), "nb.ipynb").cells[0]
    assert cell.timestamp_source == "jupyterlab"
    assert cell.executed_at == pytest.approx(epoch("2023-05-01T10:00:00"))


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"kernelspec": {"language": "Python", "name": "python3"}}, "python"),
        ({"kernelspec": {"name": "ir"}, "language_info": {"name": "R"}}, "r"),
        ({"kernelspec": {"language": "julia"}, "language_info": {"name": "python"}}, "julia"),
        ({"kernelspec": "python3"}, None),
        ({}, None),
    ],
)
def test_language(metadata: dict, expected: str | None) -> None:
    document = v4_dict([code()], metadata=metadata)
    assert parse_notebook(json.dumps(document), "nb.ipynb").language == expected


def test_bom_and_str_content() -> None:
    text = json.dumps(v4_dict([code("a = 1")]))
    for content in (b"\xef\xbb\xbf" + text.encode(), "\ufeff" + text, text):
        assert parse_notebook(content, "nb.ipynb").cells[0].source == "a = 1"


# --- nbformat 3 and older ----------------------------------------------------


def test_nbformat3_notebook_is_converted(tmp_path: Path) -> None:
    cells = [
        v3.new_heading_cell("Analysis", level=2),
        v3.new_code_cell(input="import math\nx = math.pi", prompt_number=1),
        v3.new_text_cell("markdown", source="Some *text*\nover two lines"),
        v3.new_code_cell(
            input="print(y)",
            prompt_number=2,
            outputs=[
                v3.new_output("stream", output_text="partial\n"),
                v3.new_output(
                    "pyerr", ename="NameError", evalue="name 'y' is not defined", traceback=["tb"]
                ),
            ],
        ),
        v3.new_text_cell("raw", source="raw"),
    ]
    nb = v3.new_notebook(worksheets=[v3.new_worksheet(cells=cells)], metadata=v3.new_metadata())
    text = nbformat.writes(nb, version=3)
    assert '"worksheets"' in text and '"input"' in text  # really v3 on disk

    notebook = load_notebook(write(tmp_path, text))

    assert (notebook.nbformat, notebook.nbformat_minor) == (4, 5)
    assert [cell.cell_type for cell in notebook.cells] == [
        "markdown",
        "code",
        "markdown",
        "code",
        "raw",
    ]
    assert [cell.index for cell in notebook.cells] == [1, 2, 3, 4, 5]
    assert notebook.cells[0].source == "## Analysis"
    assert notebook.cells[1].source == "import math\nx = math.pi"
    assert notebook.cells[2].source == "Some *text*\nover two lines"
    assert [cell.execution_count for cell in notebook.cells] == [None, 1, None, 2, None]
    assert notebook.cells[3].output_count == 2
    assert notebook.cells[3].errors == (
        SavedError("NameError", "name 'y' is not defined", ("tb",)),
    )
    # nbformat invents random ids while upgrading; they are not in the file.
    assert all(cell.cell_id is None for cell in notebook.cells)
    assert notebook.language == "python"  # from the v3 cells' "language"


def test_nbformat3_with_several_worksheets_is_flattened() -> None:
    sheets = [
        {"cells": [{"cell_type": "code", "input": "a = 1", "outputs": [], "language": "python"}]},
        {"cells": [{"cell_type": "markdown", "source": ["b\n", "c"]}]},
    ]
    document = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": sheets}
    notebook = parse_notebook(json.dumps(document), "nb.ipynb")
    assert [(cell.index, cell.source) for cell in notebook.cells] == [(1, "a = 1"), (2, "b\nc")]


def test_nbformat2_and_1_are_converted() -> None:
    error = {"output_type": "pyerr", "etype": "KeyError", "evalue": "'k'", "traceback": []}
    v2_cell = {"cell_type": "code", "input": ["d = {}", "d['k']"], "outputs": [error]}
    v2_doc = {"nbformat": 2, "metadata": {}, "worksheets": [{"cells": [v2_cell]}]}
    v1_doc = {"nbformat": 1, "cells": [{"cell_type": "code", "code": "z = 1", "prompt_number": 4}]}

    two = parse_notebook(json.dumps(v2_doc), "nb.ipynb")
    one = parse_notebook(json.dumps(v1_doc), "nb.ipynb")

    assert two.cells[0].source == "d = {}\nd['k']"
    assert two.cells[0].errors == (SavedError("KeyError", "'k'", ()),)
    assert (one.cells[0].source, one.cells[0].execution_count) == ("z = 1", 4)


# --- unreadable input --------------------------------------------------------

BAD_CONTENT = [
    (b"", "empty file"),
    (b" \n\t\n", "empty file"),
    (b"\xef\xbb\xbf", "empty file"),
    (b'{"cells": [', "not valid JSON: Expecting value at line 1, column 12"),
    (b"{'cells': []}", "not valid JSON: "),
    (b"[" * 100_000, "not valid JSON: nested too deeply"),
    (b"[1, 2]", 'not a notebook: the JSON is a list, expected an object with "cells"'),
    (b"42", "not a notebook: the JSON is a number"),
    (b'"text"', "not a notebook: the JSON is a string"),
    (b"null", "not a notebook: the JSON is null"),
    (b'{"metadata": {}}', 'not a notebook: no "cells" list'),
    (b'{"cells": {}}', 'not a notebook: no "cells" list'),
    (b'{"cells": [{}, {}, 5]}', "not a notebook: cell 3 is not an object"),
    (b'{"cells": [{"source": ["a", 1]}]}', 'not a notebook: cell 1 "source" is not text'),
    (b"\xff\xfe garbage", "not UTF-8 text: byte 0xff at offset 0"),
    (b'{"cells": ["\xe9t\xe9"]}', "not UTF-8 text: byte 0xe9 at offset 12"),
    (b'{"nbformat": 5, "cells": []}', "unsupported nbformat 5"),
    (b'{"nbformat": 0, "cells": []}', "unsupported nbformat 0"),
    (b'{"nbformat": 3, "metadata": {}}', 'not a notebook: no "worksheets" list'),
    (
        b'{"nbformat": 3, "worksheets": [{"cells": [{}]}, {"cells": [1]}]}',
        "not a notebook: cell 2 is not an object",
    ),
    (
        b'{"nbformat": 3, "worksheets": [{"cells": 1}]}',
        'not a notebook: a worksheet has no "cells"',
    ),
    (b'{"nbformat": 3, "worksheets": [{"cells": [{}]}]}', "not a notebook: cannot convert it"),
    (b'{"nbformat": 1, "cells": [{"cell_type": "code"}, []]}', "not a notebook: cell 2 is not"),
]


@pytest.mark.parametrize("content, message", BAD_CONTENT)
def test_unreadable_content(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(NotebookReadError) as caught:
        load_notebook(write(tmp_path, content))
    text = str(caught.value)
    assert text.startswith(message)
    assert "\n" not in text
    assert str(tmp_path) not in text


def test_directory_path(tmp_path: Path) -> None:
    with pytest.raises(NotebookReadError, match="^cannot read file: ") as caught:
        load_notebook(tmp_path)
    assert str(tmp_path) not in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ipynb"
    with pytest.raises(NotebookReadError, match="^cannot read file: No such file") as caught:
        load_notebook(str(missing))
    assert str(missing) not in str(caught.value)


# --- size, side effects, robustness -------------------------------------------


def test_large_notebook_loads(tmp_path: Path) -> None:
    output = {"output_type": "stream", "name": "stdout", "text": ["line of output\n"] * 660}
    cells = [
        code(f"x{i} = {i}\nprint(x{i})\n", execution_count=i, outputs=[output]) for i in range(5000)
    ]
    path = write(tmp_path, v4_dict(cells))
    assert path.stat().st_size > 45_000_000

    notebook = load_notebook(path)

    assert len(notebook.cells) == 5000
    assert notebook.cells[-1].source == "x4999 = 4999\nprint(x4999)\n"
    assert notebook.cells[-1].output_count == 1


def test_load_does_not_modify_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, nbformat.writes(v4.new_notebook(cells=[v4.new_code_cell("a = 1")])))
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_notebook(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def parses_or_refuses(content: bytes | str) -> None:
    try:
        result = parse_notebook(content, "fuzz.ipynb")
    except NotebookReadError as error:
        assert str(error) and "\n" not in str(error)
    else:
        assert isinstance(result, Notebook)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
# Smaller values inside notebook-shaped documents keep generation fast.
leaf_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=2) | st.dictionaries(st.text(), children),
    max_leaves=4,
)
field_values = leaf_values | st.sampled_from(["code", "markdown", "raw", "error", "stream"])
cell_keys = st.sampled_from(
    ["cell_type", "source", "id", "execution_count", "outputs", "metadata", "input", "language"]
)
output_like = st.dictionaries(
    st.sampled_from(["output_type", "ename", "evalue", "traceback", "text"]), field_values
)
metadata_like = st.dictionaries(
    st.sampled_from(["colab", "executionInfo", "execution", "kernelspec", "language_info", "id"]),
    leaf_values
    | st.fixed_dictionaries({"timestamp": leaf_values})
    | st.fixed_dictionaries({"iopub.execute_input": st.text(max_size=30) | leaf_values}),
)
cell_like = (
    st.dictionaries(cell_keys, field_values | st.lists(output_like, max_size=3) | metadata_like)
    | leaf_values
)
notebook_like = st.fixed_dictionaries(
    {"cells": st.lists(cell_like, max_size=5)},
    optional={
        "nbformat": st.sampled_from([1, 2, 3, 4, 5, "4", None]),
        "nbformat_minor": st.integers(-1, 6) | leaf_values,
        "metadata": metadata_like | leaf_values,
        "worksheets": st.lists(
            st.fixed_dictionaries({"cells": st.lists(cell_like, max_size=3)}) | leaf_values,
            max_size=2,
        )
        | leaf_values,
    },
)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(json_values)
def test_random_json_is_parsed_or_refused(value: Any) -> None:
    parses_or_refuses(json.dumps(value))
    parses_or_refuses(json.dumps(value).encode("utf-8"))


@FUZZ
@given(notebook_like)
def test_random_notebook_shapes_are_parsed_or_refused(document: dict[str, Any]) -> None:
    parses_or_refuses(json.dumps(document))


@FUZZ
@given(st.binary(max_size=40))
def test_random_bytes_are_parsed_or_refused(content: bytes) -> None:
    parses_or_refuses(content)
