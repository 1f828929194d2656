"""The rule registry: every rule is one module in ``opskb/rules`` with a stable code.

A rule module defines ``RULE``: code, name, level, the message and hint of each problem,
and its documentation the way ruff's rule pages read (``summary``: what it does, ``why``:
why that is bad, ``fix``: how to fix it, a bad and a good example). Where the check lives
is said in one of two ways, never both:

* ``check(kb)`` in the module itself, yielding ``Finding``s: every rule that looks at the
  loaded knowledge base (most of KB0xx-KB4xx: stray files, references, consistency);
* ``detected_by``: the dotted paths of the loader functions that report the code while
  parsing (KB0xx in ``opskb.model.yamldoc`` and ``opskb.model.ruleyaml``, KB5xx in
  ``opskb.model.alertrules``) or validating (KB1xx in ``opskb.model.schemas``). That detection cannot
  move here: the loader never imports the registry (it returns raw ``LoadFinding``s with
  a code, or the JSON Schema keyword a KB1xx rule declares in ``keywords``; ``problem_of``
  names them). tests/test_rule_layering.py proves each path exists, mentions the code,
  is the only place that emits it, and reports the rule's bad example.

The examples are the rule's documentation and its test (tests/test_rules.py runs each
through the CLI).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ..model.problems import ERROR, Problem

if TYPE_CHECKING:
    from ..model.kb import Entity, KnowledgeBase, LoadFinding
    from ..model.yamldoc import Document, JsonPath

T = TypeVar("T")


@dataclass(frozen=True)
class Example:
    """A change to the example tree (tests/fixtures/minimal) that shows the rule.

    ``files`` adds or replaces whole files; ``replace`` edits lines of existing files as
    (old, new) pairs; ``remove`` deletes files; ``links`` makes symbolic links (path: target)
    in place of files or emptied folders. ``expect`` is where a bad example is
    reported (``path:line:col``); ``also`` lists other codes the bad example triggers.
    """

    files: dict[str, str] = field(default_factory=dict)
    replace: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    links: dict[str, str] = field(default_factory=dict)
    binary: dict[str, bytes] = field(default_factory=dict)
    expect: str = ""
    also: tuple[str, ...] = ()
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One rule: what each of its problems says, and its page in the rule reference."""

    code: str
    name: str
    level: str
    # what it does (one sentence, the line `opskb rules` lists)
    summary: str
    message: str
    # printed under each problem: the shortest way out, with the problem's own values
    hint: str
    # why it is bad: what breaks, and for whom, when the problem is merged
    why: str
    # how to fix it, in general (the hint is for one problem; this is for the page)
    fix: str
    bad: Example
    good: Example
    check: Callable[[KnowledgeBase], Iterable[Finding]] | None = None
    # rules found while a file is parsed or validated: the loader functions that report
    # the code (dotted paths, e.g. "opskb.model.yamldoc.scan_events"), since no ``check`` can
    detected_by: tuple[str, ...] = ()
    # schema rules (KB1xx): the JSON Schema keywords whose violations this code reports
    keywords: tuple[str, ...] = ()
    # the optional content folder the rule is about ("status_mappings"): the rule reference
    # of a site whose content has none leaves the rule out (nothing there can break it)
    about: str = ""

    @property
    def family(self) -> str:
        return FAMILIES[self.code[:3]]

    @property
    def checked_by(self) -> tuple[str, ...]:
        """Where its problems are found: the rule's own ``check``, or the loader functions."""
        if self.check is not None:
            return (f"{self.check.__module__}.{self.check.__qualname__}",)
        return self.detected_by


FAMILIES = {
    "KB0": "YAML",
    "KB1": "Schema",
    "KB2": "References",
    "KB3": "Consistency",
    "KB4": "Freshness and quality",
    "KB5": "Alert rules",
}


@dataclass(frozen=True)
class Finding:
    """Where a cross-check found a problem: an entity (or document) and a path inside it."""

    at: Entity | Document
    sub: JsonPath = ()
    params: dict[str, Any] = field(default_factory=dict)
    on_key: bool = False
    # a reference that resolves to nothing: (kind, id); the problem then names the
    # closest id that does exist and where it is defined
    refers: tuple[str, str] | None = None
    # ids of this entity's own that the reference may have meant (steps, checks), with
    # where each is defined inside it; kinds of the knowledge base are looked up instead
    choices: dict[str, JsonPath] | None = None


RULES_PACKAGE = "opskb.rules"


@cache
def all_rules() -> dict[str, Rule]:
    """Every registered rule by code, discovered from the ``opskb.rules`` package.

    Found by name at run time, the way a linter finds its plugins: the rules import the
    gate (``Rule``, ``Finding``), the gate never imports a rule."""
    package = importlib.import_module(RULES_PACKAGE)

    found: dict[str, Rule] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        rule = getattr(module, "RULE", None)
        if rule is None:
            continue
        if rule.code in found:
            raise RuntimeError(f"rule code {rule.code} is registered twice ({info.name})")
        check = getattr(module, "check", None)
        if (check is None) == (not rule.detected_by):
            where = "both a check and detected_by" if check else "neither a check nor detected_by"
            raise RuntimeError(f"rule {rule.code} ({info.name}) has {where}")
        found[rule.code] = replace(rule, check=check) if check else rule
    return dict(sorted(found.items()))


@cache
def _code_by_keyword() -> dict[str, str]:
    return {keyword: rule.code for rule in all_rules().values() for keyword in rule.keywords}


def schema_code(keyword: str) -> str:
    """The KB1xx code that reports a violation of this JSON Schema keyword (KB100 for the rest)."""
    return _code_by_keyword().get(keyword, "KB100")


def problem_of(finding: LoadFinding) -> Problem:
    """The Problem a loader finding reports, named by the rule that owns it."""
    code = finding.code or schema_code(finding.keyword)
    return problem_from(code, finding.path, finding.line, finding.column, **finding.params)


def problem_from(code: str, path: str, line: int, column: int, /, related: str = "", **params: Any) -> Problem:
    rule = all_rules()[code]
    message = rule.message.format(**params)
    hint = params.get("schema_hint") or rule.hint.format(**params)
    return Problem(path, line, column, code, message, rule.level, hint, related=related)


def _file_of(finding: Finding) -> str:
    at = finding.at
    return at.file if hasattr(at, "document") else at.rel


def _locate(finding: Finding) -> tuple[str, int, int]:
    at = finding.at
    if hasattr(at, "document"):
        line, column = at.locate(*finding.sub, on_key=finding.on_key)
    else:
        line, column = at.locate(finding.sub, on_key=finding.on_key)
    return _file_of(finding), line, column


def run_cross_checks(kb: KnowledgeBase, codes: Iterable[str] | None = None, spread: bool = True) -> Iterator[Problem]:
    """Run every rule that has a ``check`` over the loaded knowledge base: with ``spread``,
    on every core for a large one (each rule looks at the whole knowledge base alone, and
    only the problems it found cross back; what it keeps per file, ``FileMemo``, stays in
    the child)."""
    from ..model.forked import forked_map, processes_for

    selected = set(codes) if codes is not None else None
    rules = [
        rule for rule in all_rules().values() if rule.check is not None and (selected is None or rule.code in selected)
    ]
    # The rules that read every file's text go first, so that no process is left with one
    # of them when the others are done (the longest jobs first keeps the processes even).
    order = sorted(range(len(rules)), key=lambda number: not _reads_every_file(rules[number]))
    processes = processes_for(len(kb.documents)) if spread else 1
    found = forked_map(partial(_problems_of, kb=kb), [rules[number] for number in order], processes)
    by_rule = dict(zip(order, found, strict=True))
    return (problem for number in range(len(rules)) for problem in by_rule[number])


def _reads_every_file(rule: Rule) -> bool:
    """Whether the rule keeps what it found in each file (a ``FileMemo``): it reads every
    file's text, the longest work a rule does."""
    module = sys.modules.get(getattr(rule.check, "__module__", ""))
    return module is not None and any(isinstance(value, FileMemo) for value in vars(module).values())


def _problems_of(rule: Rule, kb: KnowledgeBase) -> list[Problem]:
    assert rule.check is not None
    problems = []
    for finding in [*rule.check(kb), *_findings_in_invalid_files(rule, kb)]:
        path, line, column = _locate(finding)
        problem = problem_from(rule.code, path, line, column, **finding.params)
        near = _closest(kb, finding)
        if near is not None:
            ident, where = near
            problem = replace(problem, hint=f"did you mean '{ident}' ({where})? {problem.hint}", related=where)
        problems.append(problem)
    return problems


def _closest(kb: KnowledgeBase, finding: Finding) -> tuple[str, str] | None:
    """The defined id closest to a dangling reference, and where it is defined
    (``path:line``): a typo in the reference, or in the definition, shows both ends."""
    if finding.refers is None:
        return None
    import difflib

    kind, ident = finding.refers
    if finding.choices is not None:
        at = finding.at
        places = {name: (at, sub) for name, sub in finding.choices.items()}
    else:
        places = {name: (claims[0], ("id",)) for (k, name), claims in kb.claims.items() if k == kind}
    if not isinstance(ident, str):
        return None
    places = {name: place for name, place in places.items() if isinstance(name, str)}  # ids of invalid data
    # One extended the other ("low" and "low-v2"): a rename, however far apart by ratio.
    prefixed = [name for name in places if name.startswith(ident) or ident.startswith(name)]
    close = difflib.get_close_matches(ident, prefixed or list(places), n=1, cutoff=0.0 if prefixed else 0.6)
    if not close:
        return None
    at, sub = places[close[0]]
    line, _ = at.locate(*sub) if hasattr(at, "document") else at.locate(sub)
    return close[0], f"{_file_of(Finding(at))}:{line}"


class FileMemo(Generic[T]):
    """What a rule found in one file, kept while the file's bytes (``Document.source``;
    and ``also``: what else the answer depends on, such as the schema) are the same.

    `mkdocs serve` runs every rule over every file at each rebuild, where one file changed:
    a rule whose findings in a file depend on that file alone keeps them here, as values
    (never the entities or documents of one load). Past ``limit`` files it starts again,
    so that a long session of edits does not keep every file it saw."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._found: dict[tuple[bytes, Hashable], T] = {}

    def get(self, source: bytes | None, also: Hashable, compute: Callable[[], T]) -> T:
        if source is None:  # a file not read: nothing to know it by
            return compute()
        key = (source, also)
        if key in self._found:
            return self._found[key]
        if len(self._found) >= self.limit:
            self._found.clear()
        found = self._found[key] = compute()
        return found


# What a rule may raise when it reads a field whose schema error is already reported.
_UNREADABLE = (KeyError, TypeError, AttributeError, IndexError, ValueError, ArithmeticError)


class _Focus(Mapping):
    """A table that lists one entity but finds every one: a rule run over it looks at that
    entity alone and still resolves what it refers to (a related runbook, say)."""

    def __init__(self, table: Mapping[str, Entity], entity: Entity) -> None:
        self._table = table
        self._entity = entity

    def __getitem__(self, ident: str) -> Entity:
        return self._entity if ident == self._entity.id else self._table[ident]

    def __contains__(self, ident: object) -> bool:
        return ident == self._entity.id or ident in self._table

    def __iter__(self) -> Iterator[str]:
        return iter((self._entity.id,))

    def __len__(self) -> int:
        return 1


def _under(sub: JsonPath, failed: tuple[JsonPath, ...]) -> bool:
    """The finding is about a value whose schema error is already reported (a rule that
    reads ``related: text`` as a list would report each letter)."""
    return any(path and sub[: len(path)] == path for path in failed)


def _findings_in_invalid_files(rule: Rule, kb: KnowledgeBase) -> list[Finding]:
    """The rule run on each schema-invalid runbook or marketplace alone, so that a wrong
    reference is reported together with the schema error, not after it is fixed."""
    from ..model.kb import TABLES

    assert rule.check is not None
    found: list[Finding] = []
    for entity in kb.invalid:
        table = TABLES[entity.kind]
        view = replace(kb, **{table: _Focus(getattr(kb, table), entity)}, invalid=[])
        try:
            found.extend(f for f in rule.check(view) if _file_of(f) == entity.file and not _under(f.sub, entity.failed))
        except _UNREADABLE:
            continue  # the rule reads the very data the schema error is about
    return found


__all__ = [
    "ERROR",
    "Example",
    "FileMemo",
    "Finding",
    "Rule",
    "all_rules",
    "problem_from",
    "problem_of",
    "run_cross_checks",
    "schema_code",
]
