"""A fast, typed JSON decoder for the parts of a .ipynb file that the loader reads.

``msgspec`` decodes the document into the few fields the loader uses and skips
everything else without building it: outputs' payloads (images, HTML, text),
widget state, unknown metadata. The result is the plain dict ``json.loads``
would give, minus the skipped keys, so the loader builds its model from it with
the same code. Whatever does not fit these types (a metadata that is not an
object, ``NaN``, a lone surrogate escape, an nbformat 3 document that must be
converted whole) makes ``decode`` return None, and the loader falls back to
``json.loads`` and says what it always said. Without ``msgspec`` installed,
``decode`` always returns None.
"""

from __future__ import annotations

from typing import Any

try:
    import msgspec
    from msgspec import UNSET, Struct, UnsetType
except ImportError:  # pragma: no cover - msgspec is a dependency; this keeps the loader working
    msgspec = None

if msgspec is not None:

    class _Present(Struct):
        """A key whose presence alone matters (``colab``); its content is skipped."""

    class _Output(Struct):
        output_type: Any = UNSET
        ename: Any = UNSET
        etype: Any = UNSET  # nbformat 2's name for ename
        evalue: Any = UNSET
        traceback: Any = UNSET

    class _ExecutionInfo(Struct):
        timestamp: Any = UNSET

    class _CellMetadata(Struct):
        colab: _Present | UnsetType = UNSET
        executionInfo: _ExecutionInfo | UnsetType = UNSET  # noqa: N815 - the JSON key
        execution: dict[str, Any] | UnsetType = UNSET

    class _Cell(Struct):
        cell_type: Any = UNSET
        source: Any = UNSET
        id: Any = UNSET
        execution_count: Any = UNSET
        metadata: _CellMetadata | UnsetType = UNSET
        outputs: list[_Output] | UnsetType = UNSET

    class _Kernelspec(Struct):
        language: Any = UNSET

    class _LanguageInfo(Struct):
        name: Any = UNSET

    class _Metadata(Struct):
        colab: _Present | UnsetType = UNSET
        kernelspec: _Kernelspec | UnsetType = UNSET
        language_info: _LanguageInfo | UnsetType = UNSET

    class _Document(Struct):
        nbformat: Any = UNSET
        nbformat_minor: Any = UNSET
        metadata: _Metadata | UnsetType = UNSET
        cells: list[_Cell] | UnsetType = UNSET

    _DECODER = msgspec.json.Decoder(_Document)


def decode(text: str) -> dict[str, Any] | None:
    """The document's fields the loader reads, as ``json.loads`` would give them; None
    when the typed decoder cannot say (the caller then decodes the whole text)."""
    if msgspec is None:
        return None
    try:
        document = msgspec.to_builtins(_DECODER.decode(text))
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    major = document.get("nbformat")
    if type(major) is int and major < 4:
        return None  # converted by nbformat's own code, which needs every key
    return document
