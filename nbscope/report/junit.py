"""JUnit XML for CI systems that show test reports: one test case per notebook.

A notebook with findings at or above ``--fail-on`` is a failed test case whose
text lists them; one that could not be read is a test case in error; findings
below the threshold are listed in the case's ``system-out``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from ..findings import Finding, Severity
from . import Run


def render(run: Run) -> str:
    suite = ElementTree.Element("testsuite", name="nbscope")
    failures = errors = 0
    for item in run.checked:
        report = item.report
        case = ElementTree.SubElement(suite, "testcase", classname="nbscope",
                                      name=_clean(report.path))
        if report.error is not None:
            errors += 1
            reason = _clean(report.error)
            ElementTree.SubElement(case, "error", message=reason).text = reason
            continue
        failing = [f for f in report.findings if _fails(f, run.fail_on)]
        others = [f for f in report.findings if not _fails(f, run.fail_on)]
        if failing:
            failures += 1
            first = failing[0]
            message = _clean(f"{len(failing)} finding(s): {first.message}")
            element = ElementTree.SubElement(case, "failure", type=first.code, message=message)
            element.text = _clean("\n".join(_line(report.path, f) for f in failing))
        if others:
            ElementTree.SubElement(case, "system-out").text = _clean("\n".join(
                _line(report.path, f) for f in others))
    for path, reason in run.path_errors:
        errors += 1
        case = ElementTree.SubElement(suite, "testcase", classname="nbscope", name=path)
        ElementTree.SubElement(case, "error", message=reason).text = reason
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    root = ElementTree.Element("testsuites")
    root.append(suite)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# Characters XML 1.0 cannot hold (notebook text can have them): shown as \\xNN.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _fails(found: Finding, fail_on: str) -> bool:
    return fail_on != "never" and found.severity.rank >= Severity(fail_on).rank


def _line(path: str, found: Finding) -> str:
    where = f"{path}:cell {found.cell}"
    if found.span is not None:
        where += f":{found.span.line}:{found.span.column}"
    return f"{where}: {found.code} {found.severity.value}: {found.message}"
