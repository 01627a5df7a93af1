"""Findings the notebook's author asked not to see: ``# noqa``, cell tags, notebook metadata.

Three forms, each either for every rule or for the codes it lists:

- a comment on the offending line: ``# noqa`` or ``# noqa: NS001,NS005``
  (the form flake8 and ruff read; codes of other tools leave nbscope's findings alone);
- a cell tag: ``nbscope-ignore`` or ``nbscope-ignore:NS005`` (codes comma-separated);
- notebook metadata: ``{"nbscope": {"ignore": ["NS005", "typo"]}}``.

Pure: findings and the notebook's sources, tags and metadata in; the findings to
show and how many were suppressed out. A code that names no rule is a
``SuppressionError`` (a one-line reason): a typo there would hide nothing and
say nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .findings import Finding
from .rule_codes import CodeOf, to_codes
from .transform import normalize_newlines

TAG = "nbscope-ignore"
_NOQA = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?",
                   re.IGNORECASE)
ALL: frozenset[str] = frozenset({"*"})  # every rule



class SuppressionError(ValueError):
    """A suppression names no rule; ``str(error)`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class Suppressed:
    kept: tuple[Finding, ...]
    count: int


def suppress(findings: tuple[Finding, ...], sources: Mapping[int, str],
             tags: Mapping[int, Any], metadata: Mapping[str, Any],
             code_of: CodeOf) -> Suppressed:
    """Drop the findings a ``# noqa``, a cell tag or the notebook metadata suppresses.

    ``sources`` and ``tags`` map a cell's 1-based index to its source and its
    ``metadata.tags``; ``metadata`` is the notebook's metadata.
    """
    notebook_codes = _metadata_codes(metadata, code_of)
    cell_codes = {index: _tag_codes(index, value, code_of) for index, value in tags.items()}
    kept = []
    for found in findings:
        if _matches(found.code, notebook_codes) or _matches(found.code, cell_codes.get(found.cell)):
            continue
        if _matches(found.code, _noqa_codes(found, sources.get(found.cell))):
            continue
        kept.append(found)
    return Suppressed(tuple(kept), len(findings) - len(kept))


def _matches(code: str, codes: frozenset[str] | None) -> bool:
    return codes is not None and (codes is ALL or code in codes)


def _noqa_codes(found: Finding, source: str | None) -> frozenset[str] | None:
    """What the ``# noqa`` comment on the finding's line suppresses (None: no comment)."""
    if source is None or found.span is None or "noqa" not in source.lower():
        return None
    lines = normalize_newlines(source).split("\n")
    if not 1 <= found.span.line <= len(lines):
        return None
    match = _NOQA.search(lines[found.span.line - 1])
    if match is None:
        return None
    if match.group("codes") is None:
        return ALL
    return frozenset(code.upper() for code in re.split(r"[,\s]+", match.group("codes")) if code)


def _tag_codes(index: int, tags: Any, code_of: CodeOf) -> frozenset[str] | None:
    if not isinstance(tags, list):
        return None
    codes: set[str] = set()
    for tag in tags:
        if not isinstance(tag, str) or not tag.startswith(TAG):
            continue
        rest = tag[len(TAG):]
        if not rest:
            return ALL
        if not rest.startswith(":"):
            continue  # another tag that merely starts alike
        where = f"cell {index} tag {tag!r}"
        codes |= _known(rest[1:].split(","), where, code_of)
    return frozenset(codes) if codes else None


def _metadata_codes(metadata: Mapping[str, Any], code_of: CodeOf) -> frozenset[str] | None:
    if "nbscope" not in metadata:
        return None
    section = metadata["nbscope"]
    if not isinstance(section, dict) or not isinstance(section.get("ignore", []), list):
        raise SuppressionError('notebook metadata "nbscope" must look like '
                               '{"ignore": ["NS005", ...]}')
    entries = section.get("ignore", [])
    if not all(isinstance(entry, str) for entry in entries):
        raise SuppressionError('notebook metadata "nbscope" "ignore" must be a list of '
                               'rule codes such as "NS005"')
    return frozenset(_known(entries, 'notebook metadata "nbscope" "ignore"', code_of)) or None


def _known(entries: list[str], where: str, code_of: CodeOf) -> frozenset[str]:
    codes, unknown = to_codes(entries, code_of)
    if unknown is not None:
        raise SuppressionError(f"{where}: unknown rule {unknown!r} (see `nbscope rule`)")
    return codes
