"""What nbscope reports: findings, their causes and severities (pure data).

The vocabulary of ``Cause`` is the output contract's; a value keeps its meaning
forever. Messages are composed by the rules, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .model import Span


class _Word(str, Enum):
    """An enumeration of the contract's words: prints and formats as its value
    (``str(Cause.RESTART) == "restart"``), the way the JSON report writes it."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Cause(_Word):
    """Why a name is, was or would be undefined (the contract's fixed vocabulary)."""

    DEFINED_LATER = "defined-later"
    FUNCTION_LOCAL = "function-local"
    TYPO = "typo"
    MISSING_IMPORT = "missing-import"
    MISSING_MODULE = "missing-module"
    CONDITIONAL = "conditional"
    DELETED = "deleted"
    NEVER_DEFINED = "never-defined"
    OUT_OF_ORDER = "out-of-order"
    HIDDEN_STATE = "hidden-state"
    RESTART = "restart"
    FAILED_DEFINITION = "failed-definition"
    # Added by nbscope beyond the contract's first list; meanings are fixed too.
    UNBOUND_LOCAL = "unbound-local"  # a function reads its own local before assigning it
    MISSING_NAME = "missing-name"  # ``from m import x``: m is found but binds no ``x``


class Severity(_Word):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Evidence(_Word):
    """What a finding rests on: the code alone, or the traces saved with it."""

    CODE = "code"
    SAVED_SESSION = "saved-session"


@dataclass(frozen=True, slots=True)
class Related:
    """Another place that explains a finding (a definition, a deletion, ...)."""

    role: str
    cell: int
    line: int | None = None
    column: int | None = None
    execution_count: int | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place in one cell.

    ``span`` is None for findings about a whole cell. ``message`` says what
    happens and why; ``fix`` says how to repair it; ``suggestion`` is the
    machine-usable replacement (a name, an import line) where there is one.
    ``message_key`` names the rule's wording, so a test can tell which case a
    rule saw without matching its prose.
    """

    code: str
    cause: Cause | None
    name: str | None
    severity: Severity
    cell: int
    span: Span | None
    message: str
    fix: str | None = None
    suggestion: str | None = None
    related: tuple[Related, ...] = ()
    evidence: Evidence = Evidence.CODE
    cell_id: str | None = None
    execution_count: int | None = None
    message_key: str | None = None  # which wording of the rule (``defined-later/call``)


@dataclass(frozen=True, slots=True)
class FirstFailure:
    """The first cell at which Restart & Run All would stop, and with what."""

    cell: int
    name: str | None
    error: str


@dataclass(frozen=True, slots=True)
class NotebookReport:
    """Everything nbscope says about one notebook.

    ``error`` is a one-line reason when the notebook could not be read at all;
    then there are no findings.
    """

    path: str
    error: str | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    first_failure: FirstFailure | None = None
