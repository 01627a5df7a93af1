"""A fast, typed JSON decoder for the parts of a .ipynb file that the loader reads.

``msgspec`` decodes the document into the few fields the loader uses and skips
everything else without building it: outputs' payloads (images, HTML, text),
widget state, unknown metadata. The result is the plain dict ``json.loads``
would give, minus the skipped keys, so the loader builds its model from it with
the same code. Whatever does not fit these types (a metadata that is not an
object, ``NaN``, a lone surrogate escape, an nbformat 3 document that must be
converted whole) makes ``decode`` return None, and the loader falls back to
``json.loads`` and says what it always said. So do small documents while msgspec
is not loaded yet (a one-notebook run does not pay for importing it), and every
document when msgspec is not installed.
"""

# No ``from __future__ import annotations``: msgspec reads the types of the structs
# defined in ``_document_type`` at run time, where their names are local.

import sys
from typing import Any

# Below this size a document goes to ``json.loads`` until msgspec is loaded anyway:
# importing msgspec costs more than decoding a small notebook with json.
_SMALL = 256 * 1024
_decoder: Any = None  # the typed decoder, made at first use


def decode(text: str) -> dict[str, Any] | None:
    """The document's fields the loader reads, as ``json.loads`` would give them; None
    when the typed decoder cannot say (the caller then decodes the whole text)."""
    if _decoder is None and (len(text) < _SMALL and "msgspec" not in sys.modules
                             or not _load()):
        return None
    import msgspec

    try:
        document = msgspec.to_builtins(_decoder.decode(text))
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
        return None
    major = document.get("nbformat")
    if type(major) is int and major < 4:
        return None  # converted by nbformat's own code, which needs every key
    return document


def available() -> bool:
    """Whether msgspec is installed (without it every document goes to ``json.loads``)."""
    return _decoder is not None or _load()


def _load() -> bool:
    global _decoder
    try:
        import msgspec
    except ImportError:  # msgspec is a dependency; this keeps the loader working without it
        return False
    _decoder = msgspec.json.Decoder(_document_type(msgspec))
    return True


def _document_type(msgspec: Any) -> type:
    """The typed view of a notebook: only what the loader reads, anything else skipped."""
    from msgspec import UNSET, Struct, UnsetType

    class Present(Struct):
        """A key whose presence alone matters (``colab``); its content is skipped."""

    class Output(Struct):
        output_type: Any = UNSET
        ename: Any = UNSET
        etype: Any = UNSET  # nbformat 2's name for ename
        evalue: Any = UNSET
        traceback: Any = UNSET

    class ExecutionInfo(Struct):
        timestamp: Any = UNSET

    class CellMetadata(Struct):
        colab: Present | UnsetType = UNSET
        executionInfo: ExecutionInfo | UnsetType = UNSET  # noqa: N815 - the JSON key
        execution: dict[str, Any] | UnsetType = UNSET

    class Cell(Struct):
        cell_type: Any = UNSET
        source: Any = UNSET
        id: Any = UNSET
        execution_count: Any = UNSET
        metadata: CellMetadata | UnsetType = UNSET
        outputs: list[Output] | UnsetType = UNSET

    class Kernelspec(Struct):
        language: Any = UNSET
        name: Any = UNSET
        display_name: Any = UNSET

    class LanguageInfo(Struct):
        name: Any = UNSET

    class Metadata(Struct):
        colab: Present | UnsetType = UNSET
        databricks: Present | UnsetType = msgspec.field(
            default=UNSET, name="application/vnd.databricks.v1+notebook")
        kernelspec: Kernelspec | UnsetType = UNSET
        language_info: LanguageInfo | UnsetType = UNSET

    class Document(Struct):
        nbformat: Any = UNSET
        nbformat_minor: Any = UNSET
        metadata: Metadata | UnsetType = UNSET
        cells: list[Cell] | UnsetType = UNSET

    return Document
