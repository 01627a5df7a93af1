"""One finding per name and cell: a cell stops at its first failing read of a name.

Every other line of the same cell where the same name fails the same way (same
code) is listed, once per line, in the first finding's ``related`` with the role ``repeat``; a
warning or note about the name below a read the cell certainly stops at is dropped,
since the cell never gets there. An ``unbound-local`` finding is about one
function's local variable: two functions' locals of one name are not folded.
"""

from __future__ import annotations

from dataclasses import replace

from ..findings import Finding, Related, Severity

# A place the cell certainly stops at: (cell, line, column) of the failing read or call.
Stop = tuple[int, int, int]
_OWN_VARIABLE = "NS013"  # unbound-local: each function's local is its own variable

REPEAT = "repeat"
REPEAT_NOTE = "the same name fails here too"


def one_per_name_and_cell(findings: list[Finding], stops: set[Stop]) -> list[Finding]:
    """``findings`` sorted by position, with the repeats folded into the first one;
    ``stops`` are the reads (or calls) Restart & Run All certainly fails at."""
    kept: list[Finding] = []
    first: dict[tuple[int, str, str], int] = {}  # (cell, name, code) -> where repeats go
    failed: set[tuple[int, str]] = set()  # (cell, name): the cell certainly stopped above
    for found in findings:
        if found.name is None or found.span is None or found.code == _OWN_VARIABLE:
            kept.append(found)
            continue
        place = (found.cell, found.name)
        index = first.get((*place, found.code))
        # A graver repeat (an error below a warning softened by a ``try``) stays its own.
        if index is not None and found.severity.rank <= kept[index].severity.rank:
            kept[index] = _with_repeat(kept[index], found)
            continue
        if place in failed and found.severity is not Severity.ERROR:
            continue
        first[(*place, found.code)] = len(kept)
        kept.append(found)
        if (found.severity is Severity.ERROR
                and (found.cell, found.span.line, found.span.column) in stops):
            failed.add(place)
    return kept


def _with_repeat(found: Finding, repeat: Finding) -> Finding:
    span = repeat.span
    assert span is not None
    same_line = found.span is not None and found.span.line == span.line
    if same_line or any(r.role == REPEAT and r.line == span.line for r in found.related):
        return found  # the other lines are listed, each once
    item = Related(REPEAT, repeat.cell, span.line, span.column, repeat.execution_count,
                   REPEAT_NOTE)
    return replace(found, related=(*found.related, item))
