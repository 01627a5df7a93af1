"""Inputs of earlier kernel sessions, read from IPython's history database.

IPython stores every input of every session in an SQLite file (``history.sqlite`` in the
profile). It does not record which notebook a session ran, so a session counts as this
notebook's when it ran the text of enough of its cells. The file is opened read-only;
any trouble reading it means "no history", never an error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

_MAX_SESSIONS = 30
_MAX_INPUTS = 20_000


@dataclass(frozen=True, slots=True)
class PastInput:
    """One input of an earlier session: session number, its ``In`` count, raw text, and
    when the session started (text as IPython stored it, or None)."""

    session: int
    line: int
    source: str
    started: str | None


def earlier_inputs(db_path: str | None, current_session: int) -> list[PastInput]:
    """The inputs of the sessions before ``current_session``, newest session first."""
    if not db_path or db_path == ":memory:":
        return []
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return []
    try:
        rows = connection.execute(
            "SELECT h.session, h.line, h.source_raw, s.start FROM history AS h "
            "JOIN (SELECT session, start FROM sessions WHERE session < ? "
            "      ORDER BY session DESC LIMIT ?) AS s ON s.session = h.session "
            "ORDER BY h.session DESC, h.line LIMIT ?",
            (current_session, _MAX_SESSIONS, _MAX_INPUTS)).fetchall()
    except sqlite3.Error:
        return []
    finally:
        connection.close()
    return [PastInput(int(session), int(line), source or "", None if start is None
                      else str(start)[:16])
            for session, line, source, start in rows]


def notebook_sessions(inputs: Iterable[PastInput], cell_sources: Iterable[str]) -> set[int]:
    """The sessions that ran this notebook: those whose inputs include the text of at least
    two of its cells (or of every cell, for a notebook of one or two cells), not counting
    cells that only load an extension."""
    cells = {_key(source) for source in cell_sources}
    cells = {key for key in cells if key and not key.startswith(("%load_ext", "%reload_ext"))}
    if not cells:
        return set()
    needed = min(2, len(cells))
    matched: dict[int, set[str]] = {}
    for past in inputs:
        key = _key(past.source)
        if key in cells:
            matched.setdefault(past.session, set()).add(key)
    return {session for session, keys in matched.items() if len(keys) >= needed}


def _key(source: str) -> str:
    return source.strip()
