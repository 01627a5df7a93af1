"""Read a .ipynb file into nbscope's immutable model, quickly, and never write to it.

The JSON is parsed by a typed decoder that skips what the model does not need
(``ipynb_decoder``: outputs' payloads above all), or by ``json.loads`` when the
document does not fit its types, and the model is built straight from the
dict: nbformat's schema validation is far too slow for large corpora and real
notebooks often break the schema in harmless ways. Only notebooks older than
nbformat 4 go through nbformat's own conversion code. Anything that is not a
readable notebook raises ``NotebookReadError`` with a one-line message that
does not include the path (callers print it).
"""

from __future__ import annotations

import json
import math
import os
import warnings
from datetime import datetime, timezone
from typing import Any

from . import ipynb_decoder
from .model import Cell, Notebook, NotebookReadError, SavedError, strip_ansi

# JupyterLab's "Record timing" keys, best estimate of the run's start first.
_JUPYTERLAB_KEYS = ("iopub.execute_input", "shell.execute_reply.started", "iopub.status.busy")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MAX_REASON = 200


def load_notebook(path: str | os.PathLike[str]) -> Notebook:
    """Read the notebook file at ``path`` (opened read-only) into a ``Notebook``."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (OSError, ValueError) as exc:
        raise NotebookReadError(f"cannot read file: {_os_reason(exc)}") from exc
    return parse_notebook(data, os.fsdecode(path))


def parse_notebook(data: bytes | str, path: str) -> Notebook:
    """Build a ``Notebook`` from a file's content; ``path`` is only recorded."""
    text = _decode(data)
    document = ipynb_decoder.decode(text)
    if document is None:  # not of the usual shape: decoded whole, errors said as always
        document = _parse_json(text)
    return _build_notebook(document, path)


def notebook_from_document(document: Any, path: str) -> Notebook:
    """Build a ``Notebook`` from a notebook already parsed into dicts and lists (an
    ``nbformat.NotebookNode``, or ``json.load``'s result); ``path`` is only recorded.
    The document is left as it is: an nbformat 1-3 one is converted from a copy."""
    if isinstance(document, dict) and _int_or_none(document.get("nbformat")) not in (None, 4):
        import copy

        document = copy.deepcopy(document)
    return _build_notebook(document, path)


# --- text and JSON -----------------------------------------------------------


def _os_reason(exc: OSError | ValueError) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _one_line(str(exc) or type(exc).__name__)


def _decode(data: bytes | str) -> str:
    """The content as text without a byte-order mark; refuses empty content."""
    if isinstance(data, str):
        text = data
    elif isinstance(data, (bytes, bytearray, memoryview)):
        text = _decode_utf8(bytes(data))
    else:
        raise TypeError(f"parse_notebook needs bytes or str, not {type(data).__name__}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text:
        raise NotebookReadError("empty file")
    if text.isspace():
        raise NotebookReadError("empty file (only whitespace)")
    return text


def _decode_utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}"
        if raw.startswith(_UTF16_BOMS):
            message += " (the file looks like UTF-16; save it as UTF-8)"
        raise NotebookReadError(message) from exc


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise NotebookReadError(message) from exc
    except RecursionError as exc:
        raise NotebookReadError("not valid JSON: nested too deeply") from exc
    except ValueError as exc:  # e.g. an integer with more digits than Python allows
        raise NotebookReadError(f"not valid JSON: {_one_line(str(exc))}") from exc


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    if len(line) > _MAX_REASON:
        line = line[: _MAX_REASON - 3] + "..."
    return line


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"


# --- the notebook ------------------------------------------------------------


def _build_notebook(document: Any, path: str) -> Notebook:
    if not isinstance(document, dict):
        kind = _describe(document)
        raise NotebookReadError(
            f'not a notebook: the JSON is {kind}, expected an object with "cells"'
        )
    major = _int_or_none(document.get("nbformat"))
    minor = _int_or_none(document.get("nbformat_minor"))
    converted = False
    language = None
    if major is not None and not 1 <= major <= 4:
        raise NotebookReadError(f"unsupported nbformat {major}")
    if major is not None and major < 4:
        converted = True
        _check_old_shape(document, major)
        language = _worksheet_language(document)
        document = _upgrade(document, major, minor)
        major, minor = 4, _current_minor()
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookReadError('not a notebook: no "cells" list')
    metadata = _dict(document.get("metadata"))
    built = tuple(
        _build_cell(index, cell, keep_id=not converted) for index, cell in enumerate(cells, 1)
    )
    return Notebook(
        path=path,
        cells=built,
        nbformat=4 if major is None else major,
        nbformat_minor=0 if minor is None else minor,
        language=_language(metadata) or language,
        is_colab=_is_colab(metadata, cells),
        kernel=_kernel(metadata),
    )


def _language(metadata: dict[str, Any]) -> str | None:
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        value = _dict(metadata.get(section)).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().lower()
    return None


def _kernel(metadata: dict[str, Any]) -> str | None:
    """The kernel the notebook was saved from, lowercased (``pysparkkernel pyspark``), or
    ``databricks`` for a Databricks export; None when the metadata does not say."""
    if "application/vnd.databricks.v1+notebook" in metadata:
        return "databricks"
    spec = _dict(metadata.get("kernelspec"))
    words = [spec[key].strip().lower() for key in ("name", "display_name")
             if isinstance(spec.get(key), str) and spec[key].strip()]
    return " ".join(words) or None


def _is_colab(metadata: dict[str, Any], cells: list[Any]) -> bool:
    if "colab" in metadata:
        return True
    for cell in cells:
        cell_metadata = _dict(_dict(cell).get("metadata"))
        if "colab" in cell_metadata or "executionInfo" in cell_metadata:
            return True
    return False


def _int_or_none(value: Any) -> int | None:
    return value if type(value) is int else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --- cells -------------------------------------------------------------------


def _build_cell(index: int, cell: Any, keep_id: bool) -> Cell:
    if not isinstance(cell, dict):
        raise NotebookReadError(f"not a notebook: cell {index} is not an object")
    outputs = cell.get("outputs")
    if not isinstance(outputs, list):
        outputs = []
    cell_id = cell.get("id") if keep_id else None
    cell_type = cell.get("cell_type")
    executed_at, timestamp_source = _execution_time(_dict(cell.get("metadata")))
    return Cell(
        index=index,
        cell_type=cell_type if isinstance(cell_type, str) else "raw",
        source=_source(index, cell.get("source")),
        cell_id=cell_id if isinstance(cell_id, str) and cell_id else None,
        execution_count=_int_or_none(cell.get("execution_count")),
        errors=tuple(_saved_error(out) for out in outputs if _is_error_output(out)),
        output_count=len(outputs),
        executed_at=executed_at,
        timestamp_source=timestamp_source,
    )


def _source(index: int, source: Any) -> str:
    if source is None:
        return ""
    if isinstance(source, str):
        return source
    if isinstance(source, list):
        try:
            return "".join(source)
        except TypeError:
            pass
    raise NotebookReadError(f'not a notebook: cell {index} "source" is not text')


def _is_error_output(output: Any) -> bool:
    return isinstance(output, dict) and output.get("output_type") == "error"


def _saved_error(output: dict[str, Any]) -> SavedError:
    # nbformat 2 called the exception's name "etype"; the upgrade keeps that key.
    ename = _text(output.get("ename", output.get("etype")))
    traceback = _traceback(output)
    evalue = _text(output.get("evalue"))
    if evalue in ("", "ignored") and traceback:
        # Some front ends save a placeholder; the traceback's last line has the message.
        last = strip_ansi(traceback[-1]).strip()
        if last.startswith(ename + ": "):
            evalue = last[len(ename) + 2:]
    return SavedError(ename, evalue, traceback)


def _traceback(output: dict[str, Any]) -> tuple[str, ...]:
    lines = output.get("traceback")
    if isinstance(lines, str):
        return (lines,)
    if isinstance(lines, list):
        return tuple(line for line in lines if isinstance(line, str))
    return ()


# --- execution timestamps ----------------------------------------------------


def _execution_time(metadata: dict[str, Any]) -> tuple[float | None, str | None]:
    """When the cell's last run started and which front end said so.

    A notebook run both in Colab and in JupyterLab can carry both records; the
    later one belongs to the last run.
    """
    candidates = [
        (stamp, source)
        for stamp, source in (
            (_colab_time(metadata), "colab"),
            (_jupyterlab_time(metadata), "jupyterlab"),
        )
        if stamp is not None
    ]
    if not candidates:
        return None, None
    return max(candidates, key=lambda candidate: candidate[0])


def _colab_time(metadata: dict[str, Any]) -> float | None:
    milliseconds = _dict(metadata.get("executionInfo")).get("timestamp")
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, (int, float)):
        return None
    try:
        seconds = milliseconds / 1000
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) else None


def _jupyterlab_time(metadata: dict[str, Any]) -> float | None:
    execution = _dict(metadata.get("execution"))
    for key in _JUPYTERLAB_KEYS:
        value = execution.get(key)
        if isinstance(value, str):
            seconds = _iso_seconds(value)
            if seconds is not None:
                return seconds
    return None


def _iso_seconds(value: str) -> float | None:
    """Seconds since the epoch for an ISO-8601 time; a time without zone is UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    except (ValueError, OverflowError, OSError):
        return None


# --- notebooks older than nbformat 4 -----------------------------------------


def _check_old_shape(document: dict[str, Any], major: int) -> None:
    """Refuse, in our own words, what nbformat's converters would trip over."""
    key = "cells" if major == 1 else "worksheets"
    if not isinstance(document.get(key), list):
        raise NotebookReadError(f'not a notebook: no "{key}" list (nbformat {major})')
    sheets = [document] if major == 1 else document["worksheets"]
    index = 0
    for sheet in sheets:
        cells = _dict(sheet).get("cells")
        if not isinstance(cells, list):
            raise NotebookReadError('not a notebook: a worksheet has no "cells" list')
        for cell in cells:
            index += 1
            if not isinstance(cell, dict):
                raise NotebookReadError(f"not a notebook: cell {index} is not an object")


def _worksheet_language(document: dict[str, Any]) -> str | None:
    """nbformat 2 and 3 name the language on each code cell (the upgrade drops it)."""
    sheets = document.get("worksheets")
    for sheet in sheets if isinstance(sheets, list) else []:
        cells = _dict(sheet).get("cells")
        for cell in cells if isinstance(cells, list) else []:
            language = _dict(cell).get("language")
            if isinstance(language, str) and language.strip():
                return language.strip().lower()
    return None


def _current_minor() -> int:
    from nbformat import v4

    return int(v4.nbformat_minor)


def _upgrade(document: dict[str, Any], major: int, minor: int | None) -> dict[str, Any]:
    """Convert an nbformat 1-3 document to a v4-shaped dict with nbformat's own code.

    Up to v3 this is ``nbformat.convert``. The v3 to v4 step applies nbformat's
    ``upgrade_cell`` to every cell of every worksheet, which is what
    ``nbformat.v4.upgrade`` does minus its two schema validations (they made
    loading a v3 notebook several times slower and only log). nbformat is
    imported here so that loading v4 notebooks never pays for importing it.
    """
    from nbformat import convert, versions
    from nbformat.v4.convert import upgrade_cell

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = versions[major].to_notebook_json(document, minor=minor or 0)
            node = convert(node, 3)
            cells = [upgrade_cell(cell) for sheet in node.worksheets for cell in sheet.cells]
            metadata = node.get("metadata")
    # nbformat's converters assume a well-formed document and fail in any way on others.
    except Exception as exc:
        reason = _one_line(f"{type(exc).__name__}: {exc}")
        raise NotebookReadError(
            f"not a notebook: cannot convert it from nbformat {major} ({reason})"
        ) from exc
    return {"cells": cells, "metadata": metadata}
