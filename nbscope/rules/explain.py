"""Turn the replay's verdicts into findings, choosing the most specific cause for each.

The order of explanations, most specific first: deleted, defined later,
bound only in a function/class/comprehension, a missing import, a typo, never
defined. Reads that may fail on some paths are ``conditional``. Reads nbscope
cannot judge (after ``exec`` and the like) become one ``analysis-limit`` note
per construct.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from dataclasses import replace

from ..conventions import binds_module
from ..dataflow.cellfacts import BindingSite, ScopeKind
from ..dataflow.ir import BindingKind, Catch, Event, EventKind, Resolve, Site, Use, in_order
from ..dataflow.replay import Status, Verdict
from ..findings import Finding, Severity
from ..names import PROVIDED
from . import (
    analysis_limit,
    commented_out,
    conditional,
    defined_later,
    deleted,
    function_local,
    library_names,
    local_modules,
    missing_import,
    missing_module,
    missing_name,
    never_defined,
    prose,
    syntax_error,
    typo,
    unbound_local,
)
from .base import Facts, before


def explain(facts: Facts, verdicts: Iterable[Verdict],
            provided: Container[str] = PROVIDED) -> list[Finding]:
    findings: list[Finding] = []
    limits: dict[tuple[Site, str | None], tuple[Event, list[str]]] = {}
    for verdict in verdicts:
        if not verdict.reported:
            continue
        if verdict.status is Status.UNKNOWN:
            _note_limit(limits, verdict)
            continue
        if verdict.use.catch is Catch.NAME_ERROR:
            continue  # the notebook handles this NameError itself
        found = _explain_verdict(facts, verdict)
        if found is not None:
            if verdict.use.catch is Catch.BROAD and found.severity is Severity.ERROR:
                found = _softened(found)
            findings.append(_latent_in_except_clause(facts, verdict.use.site, found))
    findings.extend(_function_reads(facts, provided))
    findings.extend(missing_module.findings(facts))
    findings.extend(missing_name.findings(facts))
    findings.extend(_syntax_errors(facts))
    findings.extend(analysis_limit.finding(facts, event, names)
                    for event, names in limits.values())
    return _unique(findings)


def _note_limit(limits: dict[tuple[Site, str | None], tuple[Event, list[str]]],
                verdict: Verdict) -> None:
    for event in in_order(verdict.events):
        if event.kind is EventKind.OPAQUE and event.site is not None:
            entry = limits.setdefault((event.site, event.detail), (event, []))
            if verdict.use.name not in entry[1]:
                entry[1].append(verdict.use.name)


def _softened(found: Finding) -> Finding:
    message = found.message + " (A surrounding `try` catches the NameError.)"
    return replace(found, severity=Severity.WARNING, message=message)


def _latent_in_except_clause(facts: Facts, read: Site, found: Finding) -> Finding:
    """A name in an ``except`` clause's class is looked up only when the ``try`` body
    raises: the cell runs fine until then, so the finding is a warning, not an error."""
    if found.severity is not Severity.ERROR or not facts.in_except_clause(read):
        return found
    message = (found.message + " Python evaluates an `except` clause only when the `try` "
               "body raises, so this NameError waits for the first exception there.")
    return replace(found, severity=Severity.WARNING, message=message)


def _explain_verdict(facts: Facts, verdict: Verdict) -> Finding | None:
    use = verdict.use
    at = verdict.calls[0].site if verdict.calls else use.site
    if use.resolve is Resolve.LOCAL and use.depth > 0:
        return _local(facts, verdict)
    if verdict.status is Status.MAYBE:
        return conditional.finding(facts, use, at, verdict.events, verdict.calls)
    removal = next((e for e in in_order(verdict.events)
                    if e.kind in (EventKind.DELETE, EventKind.RESET) and e.site), None)
    if removal is not None:
        return deleted.finding(facts, use, at, removal)
    module_sites = [s for s in facts.module_sites(use.name)]
    if verdict.calls and not module_sites and not facts.global_writes(use.name):
        return None  # bound nowhere at all: reported once, where the function reads it
    later = [s for s in module_sites if before(at, s.site)]
    own = _local_of_a_function_above(facts, use.name, at) if later and not verdict.calls else None
    if own is not None:
        # ``def f(x): ...`` then ``print(x)`` in one cell: the read expects the function's
        # variable; a global of that name in a later cell is another one.
        return function_local.global_below_finding(facts, use.name, at, own, later[0].site)
    if later:
        return defined_later.finding(facts, use, at, later[0], verdict.calls, verdict.certain)
    star = facts.later_star_import(at)
    if star is not None and not facts.sites(use.name):
        return defined_later.star_finding(facts, use.name, at, star)
    return unbound_name(facts, use.name, at, use.site)


def _local_of_a_function_above(facts: Facts, name: str, at: Site) -> BindingSite | None:
    """A binding of ``name`` inside a function (its parameter or local) that the reading
    cell itself defines above the read, when no cell binds it at module level above."""
    if any(before(s.site, at) for s in facts.module_sites(name)):
        return None
    local = [s for s in facts.sites(name) if not s.scope.is_module and s.site.cell == at.cell
             and before(s.site, at) and s.scope is ScopeKind.FUNCTION]
    # A parameter of that name says little: parameters often share the name of the
    # global they are given (``def plot(df)``); only an assignment in the body does.
    parameters = {s.owner for s in local if s.binding is BindingKind.PARAMETER}
    assigned = [s for s in local if s.owner not in parameters]
    return function_local.pick_site(assigned) if assigned else None


def unbound_name(facts: Facts, name: str, at: Site, read: Site | None = None) -> Finding:
    """Explain a name that nothing binds before ``at`` (and no cell binds later);
    ``read`` is where the name is read, when that is not ``at`` (inside a called function)."""
    elsewhere = [s for s in facts.sites(name) if not s.scope.is_module]
    if elsewhere:
        return function_local.finding(facts, name, at, function_local.pick_site(elsewhere))
    if name in prose.JSON_WORDS and prose.is_json_text(facts.cells[at.cell].source):
        return never_defined.json_text_finding(facts, name, at)
    command = _shell_line(facts, at)
    if command is not None:
        return never_defined.shell_finding(facts, name, at, command)
    foreign = _foreign_line(facts, at)
    if foreign is not None:
        return never_defined.foreign_text_finding(facts, name, at, *foreign)
    comment = commented_out.commented_definition(facts, name, at)
    if comment is not None:
        return never_defined.commented_out_finding(facts, name, at, comment)
    library = library_names.library_import(facts, name, at)
    if library is not None:
        return missing_import.library_finding(facts, name, at, library)
    import_line = facts.modules.import_line_for(name)
    if import_line and (facts.read_as_module(read or at) or not binds_module(name, import_line)):
        return missing_import.finding(facts, name, at, import_line)
    # ``print(time)``, ``return string``: a module's name read as a value is a variable
    # that was never assigned; ``import time`` would not give it the value meant.
    module_name = import_line is not None
    local = local_modules.binding_import(facts, name, at)
    if local is not None:
        return missing_import.local_finding(facts, name, at, local)
    member = local_modules.class_binding(facts, name, at)
    if member is not None:
        return function_local.module_class_finding(facts, name, at, *member)
    guess = typo.closest(facts, name, at, builtins=not module_name)
    if guess is not None:
        return typo.finding(facts, name, at, guess[0], guess[1])
    statement = _statement_start(facts, name, at)
    meant = typo.misspelt_keyword(name) if statement is not None else None
    if meant is not None and statement is not None:
        return typo.keyword_finding(facts, name, at, meant, statement)
    if import_line is not None:
        return never_defined.module_value_finding(facts, name, at, import_line)
    return never_defined.finding(facts, name, at)


def _foreign_line(facts: Facts, at: Site) -> tuple[str, str] | None:
    """What the line of ``at`` is, when it is command-line or SQL text Python parses."""
    cell = facts.cells.get(at.cell)
    if cell is None or at.span is None:
        return None
    return prose.foreign_line(cell.source, at.span.line)


def _statement_start(facts: Facts, name: str, at: Site) -> str | None:
    """The line of ``at`` when ``name`` begins it and is called or stands alone (where a
    keyword would be: ``reurn(total)``, ``contine``); else None."""
    line = facts.line_at(at)
    if line is None:
        return None
    rest = line.lstrip()
    if not rest.startswith(name) or len(line) - len(rest) + 1 != at.span.column:
        return None
    after = rest[len(name):].lstrip()
    return line if not after or after.startswith(("(", "#", ";")) else None


def _shell_line(facts: Facts, at: Site) -> str | None:
    """The line of ``at`` when it is a shell command typed without ``!``."""
    cell = facts.cells.get(at.cell)
    if cell is None or at.span is None:
        return None
    return prose.shell_command(cell.source, at.span.line)


def _local(facts: Facts, verdict: Verdict) -> Finding | None:
    use = verdict.use
    owner = _owner_of(facts, use)
    if verdict.status is Status.MAYBE:
        return conditional.finding(facts, use, use.site, verdict.events, (), owner or "it")
    assigned = [s for s in facts.sites(use.name)
                if s.scope.is_function and s.owner == owner
                and s.binding is not BindingKind.PARAMETER]
    # Another cell may define a function of the same name: the one read is in this cell.
    local = next((s for s in assigned if s.site.cell == use.site.cell),
                 assigned[0] if assigned else None)
    if local is None and owner is None:
        isolated = next((s for s in facts.sites(use.name)
                         if s.scope is ScopeKind.ISOLATED and s.site.cell == use.site.cell),
                        None)
        if isolated is not None:
            return unbound_local.timeit_finding(facts, use, isolated)
    return unbound_local.finding(facts, use, owner or "the function", local)


def _owner_of(facts: Facts, use: Use) -> str | None:
    """The function whose local ``use`` reads: the nearest definition above it."""
    candidates = [s for sites in facts.bindings.values() for s in sites
                  if s.binding is BindingKind.FUNCTION and s.site.cell == use.site.cell
                  and before(s.site, use.site)]
    return candidates[-1].name if candidates else None


def _function_reads(facts: Facts, provided: Container[str]) -> Iterator[Finding]:
    """Names a function body reads that the notebook binds nowhere at the top level."""
    for cell in facts.cell_facts.values():
        for use in cell.function_reads:
            name = use.name
            if use.catch is Catch.NAME_ERROR or name in provided:
                continue
            if facts.module_sites(name) or facts.global_writes(name):
                continue
            if facts.unknowable(name):
                continue
            own = _own_local_typo(facts, use)
            if own is not None:
                yield typo.finding(facts, name, use.site, own.name, own)
                continue
            found = unbound_name(facts, name, use.site)
            if use.catch is Catch.BROAD and found.severity is Severity.ERROR:
                found = _softened(found)
            yield _latent_in_except_clause(facts, use.site, found)


def _own_local_typo(facts: Facts, use: Use) -> BindingSite | None:
    """A parameter or local of the function that reads ``use`` which ``use`` misspells
    (``valu`` where the function binds ``values``): the function's own names are the
    likeliest meaning, so a slip of two letters, or a cut-off end, is still a typo."""
    owner = _owner_of(facts, use)
    if owner is None or len(use.name) < 3:
        return None
    own = [site for sites in facts.bindings.values() for site in sites
           if site.owner == owner and site.scope.is_function and site.site.cell == use.site.cell
           and site.name != use.name]
    limit = 1 if len(use.name) < 4 else 2
    close = [(typo.edit_distance(use.name, site.name, limit), site) for site in own
             if abs(len(site.name) - len(use.name)) <= limit]
    close = [(distance, site) for distance, site in close if distance <= limit]
    if not close:
        return None
    best = min(distance for distance, _ in close)
    names = {site.name for distance, site in close if distance == best}
    if len(names) > 1:
        return None  # two of its names fit as well: no single guess
    return next(site for distance, site in close if distance == best)


def _syntax_errors(facts: Facts) -> Iterator[Finding]:
    for cell in facts.cell_facts.values():
        if cell.syntax_error is not None:
            reason, span = cell.syntax_error
            yield syntax_error.finding(facts, Site(cell.cell, span), reason, cell.parsed)


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple] = set()
    result = []
    for found in findings:
        key = (found.code, found.cell, found.span, found.name)
        if key not in seen:
            seen.add(key)
            result.append(found)
    return result
