"""NS102 not-python: a notebook whose kernel runs another language is not checked."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Finding, Severity
from .base import Facts, Message, Rule

RULE = Rule(
    code="NS102",
    name="not-python",
    cause=None,
    severity=Severity.INFO,
    summary="The notebook's kernel language is not Python, so nbscope does not check it.",
    doc="""\
## What it does
Notes notebooks whose metadata names a kernel language other than Python (R,
Julia, Bash, ...). nbscope reads only Python notebooks and reports nothing
else about these.

## Why is this bad?
It is not: it tells you why a notebook produced no findings.

## Example
A notebook saved with the `ir` (R) kernel.

## Use instead
Nothing to change; use a linter for that language.
""",
)


OTHER_LANGUAGE = Message(
    "not-python/kernel",
    "This notebook's kernel language is `{language}`, not Python; nbscope checks only Python "
    "notebooks.")


def finding(facts: Facts, language: str) -> Finding:
    first = facts.notebook.cells[0].index if facts.notebook.cells else 1
    return facts.finding(RULE, None, Site(first, None), OTHER_LANGUAGE, {"language": language})
