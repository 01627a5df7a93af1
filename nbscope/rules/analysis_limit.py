"""NS101 analysis-limit: a construct after which nbscope stops claiming names are undefined."""

from __future__ import annotations

from ..dataflow.ir import Event
from ..findings import Finding, Severity
from .base import Facts, Message, Rule

RULE = Rule(
    code="NS101",
    name="analysis-limit",
    cause=None,
    severity=Severity.INFO,
    summary="`exec`, `globals()[...] =`, an unlistable star import or a missing `%run` script "
            "may bind any name: reads that depend on it are not reported.",
    doc="""\
## What it does
Marks the place where the notebook does something nbscope cannot see through:
`exec(...)`, writing to `globals()`, `from module import *` of a module whose
names cannot be listed without importing it, `%run` of a script that is not
there, or `%store -r` without names.

## Why is this bad?
It is not wrong in itself. It means nbscope does not know which names exist
after this point, so it stays silent about names that this may have bound
instead of guessing. Explicit code is easier for people to read, too.

## Example
```python
from pylab import *
plot(x, y)
```

## Use instead
```python
import matplotlib.pyplot as plt
plt.plot(x, y)
```
""",
)


STOPPED = Message(
    "analysis-limit/opaque",
    "{construct}; nbscope cannot tell whether later reads of {names} are defined, so it does "
    "not report them.")


def finding(facts: Facts, event: Event, names: list[str]) -> Finding:
    assert event.site is not None
    shown = ", ".join(f"`{n}`" for n in names[:5]) + (" ..." if len(names) > 5 else "")
    return facts.finding(RULE, None, event.site, STOPPED,
                         {"construct": event.detail, "names": shown})
