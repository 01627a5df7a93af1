"""Render reports for people and programs. ``FORMATS`` maps a format name to its renderer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..findings import NotebookReport
from . import json_format, text

Renderer = Callable[[Sequence[NotebookReport], dict[str, str]], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_format.render,
}
