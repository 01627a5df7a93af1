"""nbscope: find and explain NameErrors in Jupyter and Colab notebooks.

The public API is small: ``check_notebook`` analyses a loaded ``Notebook``;
``load_notebook`` reads one from disk; findings are ``Finding`` records whose
``cause`` is one of ``Cause``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .analyze import check_notebook  # noqa: E402
from .findings import Cause, Finding, NotebookReport, Severity  # noqa: E402
from .loader import load_notebook  # noqa: E402

__all__ = [
    "Cause", "Finding", "NotebookReport", "Severity", "__version__", "check_notebook",
    "load_notebook",
]
