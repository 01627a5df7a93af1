"""NS008 never-defined: a name bound nowhere, with no better explanation."""

from __future__ import annotations

from ..dataflow.ir import Site
from ..findings import Cause, Finding, Severity
from ..model import Span
from ..names import BUILTIN_NAMES
from . import text_hints
from .base import Facts, Message, Rule, before, where
from .commented_out import CommentedDefinition

RULE = Rule(
    code="NS008",
    name="never-defined",
    cause=Cause.NEVER_DEFINED,
    severity=Severity.ERROR,
    summary="A name is not assigned, imported or defined anywhere in the notebook.",
    doc="""\
## What it does
Finds names that no cell binds, that are not built-ins or provided by the
kernel, and for which nbscope has no more specific explanation (no typo, no
missing import, no local variable of the same name). Where the notebook shows
why, it says so: a whole-line comment that holds the definition
(`# s3 = boto3.client("s3")`: uncomment it), or a comment whose first word
runs into the definition (`#Rulesmynum = [1,2,3]`), a shell command typed
without `!` (`tesseract --version`), command-line arguments or a one-word SQL
statement that Python happens to parse (`--outputCodec,lzo`, `abort;`), a read
on the line that first assigns the name (`df = df.merge(...)`), or
`true`/`null` in a cell that is pasted JSON, a word the notebook has elsewhere
in quotes (`print(milk)` beside `buy("milk")`: text meant as a string), or an
assignment written in a Markdown cell, which never runs.

## Why is this bad?
Running the notebook raises `NameError` at this line.

## Example
```python
print(totl_rows)
```

## Use instead
Define the name in a cell above, or fix its spelling.
""",
)

FILE = Message(
    "never-defined/__file__",
    "`__file__` is not defined in a notebook: Python sets it only when it runs a .py file.",
    "Use `os.getcwd()` or `pathlib.Path.cwd()` for the folder the notebook runs in.")
DELETED_BUILTIN = Message(
    "never-defined/del-builtin",
    "`{name}` is a built-in, but `del {name}` removes only a notebook variable of that name, "
    "and no cell assigned one.",
    "Remove the `del {name}`.")
NOWHERE = Message(
    "never-defined/nowhere",
    "`{name}` is not assigned, imported or defined in any cell of this notebook, and it is "
    "not a Python built-in.",
    "Define or import `{name}` in a cell above this one.")
MODULE_VALUE = Message(
    "never-defined/module-name-as-value",
    "`{name}` is not assigned in any cell of this notebook. It is also the name of a module, "
    "but this line reads it as a value, not as a module (`{name}.something`): it is a "
    "variable that was never assigned.",
    "Assign `{name}` in a cell above this one (or rename it to the variable you meant); "
    "if you did mean the module, add `{line}`.")
COMMENTED_OUT = Message(
    "never-defined/commented-out",
    "`{name}` is never defined: the line that would define it, {place}, is commented out "
    "(`{comment}`).",
    "Uncomment {place} (remove the `#`{body}){order}.")
GLUED_COMMENT = Message(
    "never-defined/glued-comment",
    "`{name}` is never defined: the line that would define it, {place}, is part of a "
    "comment (`{comment}`): the comment's word `{word}` runs straight into `{code}`, so "
    "Python skips the whole line.",
    "Put `{code}` on a line of its own, outside the comment{order}.")
JSON_TEXT = Message(
    "never-defined/json-text",
    "This cell holds JSON text, not Python: `{name}` is JSON's spelling, and Python has no "
    "such name (it writes `True`, `False` and `None`), so the cell raises NameError here.",
    "If the cell is a pasted file (a notebook's or a configuration's JSON), make it a Raw "
    "cell or delete it; to use the data, put the text in a string and read it with "
    "`json.loads`.")
SHELL_COMMAND = Message(
    "never-defined/shell-command",
    "This line looks like a shell command typed without IPython's `!` (`{command}`): Python "
    "reads it as arithmetic on `{name}`, which is not defined.",
    "Run it in the shell: `!{command}`.")
FOREIGN_TEXT = Message(
    "never-defined/not-python-text",
    "This line is {kind}, not Python (`{text}`): Python happens to parse it, reads `{name}` "
    "as a variable, and raises NameError because none is defined.",
    "Run it where it belongs (a shell with `!`, a `%%sql` or `%%bash` cell, the database's "
    "own client), or make the cell Markdown or Raw if it only shows the text.")
SELF_REFERENCE = Message(
    "never-defined/self-reference",
    "`{name}` is read on the line that first assigns it ({place}): the right-hand side runs "
    "first, when no `{name}` exists yet, and no cell assigns it before.",
    "Give `{name}` a value in a cell above (or run the cell that makes it), or read the "
    "variable you meant instead.")
QUOTED_TEXT = Message(
    "never-defined/text-without-quotes",
    "`{name}` is not assigned, imported or defined in any cell of this notebook, and it is "
    "not a Python built-in; the notebook has the text `{quoted}` in quotes ({place}), so "
    "this may be meant as text: without quotes, Python reads `{name}` as a variable.",
    "If you meant the text, put it in quotes: `{quoted}`; otherwise define `{name}` in a "
    "cell above this one.")
IN_MARKDOWN = Message(
    "never-defined/in-markdown",
    "`{name}` is assigned only in a Markdown cell ({place}: `{line}`), which Jupyter shows "
    "as text and never runs, so no code cell defines it.",
    "Copy the assignment into a code cell above this one (or, if cell {cell} holds only "
    "code, make it a code cell: in Jupyter, select it, press Esc, then Y).")
_SPECIAL = {"__file__": FILE}


def finding(facts: Facts, name: str, at: Site) -> Finding:
    same_line = next((s for s in facts.module_sites(name) if s.site.on_same_line(at)), None)
    if same_line is not None:
        return facts.finding(RULE, name, at, SELF_REFERENCE,
                             {"place": where(same_line.site, at.cell)},
                             related=(facts.related("definition", same_line.site),))
    if name in _SPECIAL:
        message = _SPECIAL[name]
    elif name in BUILTIN_NAMES:
        message = DELETED_BUILTIN
    else:
        written = text_hints.assigned_in_markdown(facts, name)
        if written is not None:
            cell, number, line = written
            place = Site(cell, Span(number, 1, number, len(line) + 1))
            return facts.finding(RULE, name, at, IN_MARKDOWN,
                                 {"place": f"cell {cell}, line {number}", "cell": cell,
                                  "line": _shown(line.strip())},
                                 related=(facts.related("definition", place,
                                                        "in a Markdown cell"),))
        quoted = (text_hints.quoted_word(facts, name) if text_hints.read_as_a_value(facts, at)
                  else None)
        if quoted is not None:
            text, place = quoted
            return facts.finding(RULE, name, at, QUOTED_TEXT,
                                 {"quoted": text, "place": where(place, at.cell)},
                                 suggestion=text)
        message = NOWHERE
    return facts.finding(RULE, name, at, message)


def module_value_finding(facts: Facts, name: str, at: Site, import_line: str) -> Finding:
    """``return string``: a module's name read as a value, and no cell assigns it."""
    return facts.finding(RULE, name, at, MODULE_VALUE, {"line": import_line})


def commented_out_finding(facts: Facts, name: str, at: Site,
                          comment: CommentedDefinition) -> Finding:
    """``name`` is bound only by a line that is commented out: that is the likely cause."""
    order = "" if before(comment.site, at) else ", and move it above this line"
    if comment.glued:
        return facts.finding(RULE, name, at, GLUED_COMMENT,
                             {"place": where(comment.site, at.cell), "word": comment.glued,
                              "comment": _shown(comment.comment), "code": _shown(comment.code),
                              "order": order},
                             suggestion=comment.code,
                             related=(facts.related("definition", comment.site,
                                                    "commented out"),))
    return facts.finding(RULE, name, at, COMMENTED_OUT,
                         {"place": where(comment.site, at.cell), "comment": comment.comment,
                          "order": order,
                          "body": " there and on the lines of its body" if comment.header else ""},
                         suggestion=comment.code,
                         related=(facts.related("definition", comment.site, "commented out"),))


def json_text_finding(facts: Facts, name: str, at: Site) -> Finding:
    """``true``/``false``/``null`` read in a cell whose whole text is JSON."""
    return facts.finding(RULE, name, at, JSON_TEXT)


def shell_finding(facts: Facts, name: str, at: Site, command: str) -> Finding:
    """``name`` is the command (or a flag) of a shell line written without ``!``."""
    return facts.finding(RULE, name, at, SHELL_COMMAND, {"command": command},
                         suggestion=f"!{command}")


def foreign_text_finding(facts: Facts, name: str, at: Site, kind: str, text: str) -> Finding:
    """``name`` is read on a line of command-line arguments or SQL that Python parses."""
    return facts.finding(RULE, name, at, FOREIGN_TEXT,
                         {"kind": kind, "text": text.replace("`", "'")})


def _shown(text: str, limit: int = 60) -> str:
    """``text`` fit for backticks in one line of a message."""
    text = text.replace("`", "'")
    return text if len(text) <= limit else text[:limit - 3].rstrip() + "..."
