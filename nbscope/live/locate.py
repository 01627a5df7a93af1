"""Find the notebook a kernel is running: the path the user named, VS Code's
``__vsc_ipynb_file__``, Jupyter Server's ``JPY_SESSION_NAME`` / ``__session__``, or
Colab's copy of the live document.

Each source says what it found and how, so the explanation can name it. Nothing here
imports IPython; Colab's module is imported only when Colab already loaded it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Located:
    """Where the notebook came from: a file (``path``), or for Colab the live document
    itself (``document``, a parsed .ipynb dict) with ``path`` its name for messages."""

    path: str
    how: str
    document: dict[str, Any] | None = None


def find_notebook(user_ns: Mapping[str, Any], environ: Mapping[str, str], cwd: str,
                  chosen: str | None = None) -> Located | None:
    """The notebook of this kernel, or None when nothing names one that exists."""
    if chosen:
        return Located(os.path.abspath(chosen), "named with %nbscope --notebook")
    vscode = user_ns.get("__vsc_ipynb_file__")
    if isinstance(vscode, str) and os.path.isfile(vscode):
        return Located(vscode, "VS Code's __vsc_ipynb_file__")
    for session, how in ((environ.get("JPY_SESSION_NAME"), "JPY_SESSION_NAME"),
                         (user_ns.get("__session__"), "__session__")):
        if isinstance(session, str) and session:
            path = resolve_session_name(session, cwd)
            if path is not None:
                return Located(path, f"Jupyter's {how}")
    if "google.colab" in sys.modules:
        return _colab_document()
    return None


def resolve_session_name(session: str, cwd: str) -> str | None:
    """The file a Jupyter session name points at.

    Jupyter Server 2 sets ``JPY_SESSION_NAME`` to the notebook's path: absolute in
    recent versions, relative to the server's root in older ones, while the kernel runs
    in the notebook's folder. So try it as given, beside the kernel, and below each
    folder above the kernel.
    """
    if not session.endswith(".ipynb"):
        return None  # a console or a script, not a notebook
    if os.path.isabs(session):
        return session if os.path.isfile(session) else None
    candidates = [os.path.join(cwd, session), os.path.join(cwd, os.path.basename(session))]
    folder = cwd
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
        candidates.append(os.path.join(folder, session))
    return next((os.path.abspath(c) for c in candidates if os.path.isfile(c)), None)


def _colab_document() -> Located | None:
    """Colab's front end answers a ``get_ipynb`` request with the live notebook."""
    try:
        from google.colab import _message  # type: ignore[import-not-found]

        reply = _message.blocking_request("get_ipynb", timeout_sec=5)
    except Exception:
        return None
    document = reply.get("ipynb") if isinstance(reply, dict) else None
    if not isinstance(document, dict):
        return None
    return Located(os.path.join(os.getcwd(), "notebook.ipynb"), "Colab's notebook request",
                   document)
