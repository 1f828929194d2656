"""The knowledge base: every content file loaded, validated and indexed by id.

One ``KnowledgeBase`` feeds every consumer (checks, site, CLI, diagnostics); nothing
else reads the YAML. Entities that failed to validate are left out, but their ids are
remembered so that references to them do not cascade into more errors: an entity of a
list (a team, a route, a status) fails alone, its neighbours stay in; a file the loader
refused is read as far as it can be (``opskb.model.recovery``) for its ids; and a kind some
of whose entities have no readable id at all is ``incomplete``, so that nothing is
reported missing from it until its file is fixed.
"""

from __future__ import annotations

import gc
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from .addresses import SiteAddress, site_address
from .alertrules import RuleFile, load_rule_file
from .forked import forked_map, processes_for
from .layout import (
    CONTENT_FOLDERS,
    DOCS,
    ESCALATION,
    ESCALATION_FILES,
    INTERNAL_FILE,
    RUNBOOKS,
    STATUS_MAPPINGS,
    SYNONYMS_FILE,
    walk_yaml,
)
from .recovery import recover
from .schemas import SchemaSet, schema_dir
from .status_keys import Resolution, StatusKey
from .yamldoc import DEFAULT_LIMITS, Document, JsonPath, Limits, RawFinding, load_document


@dataclass
class Entity:
    """One addressable thing in the content (a runbook, team, route, status...)."""

    kind: str
    id: str
    data: dict[str, Any]
    document: Document
    path: JsonPath = ()
    # where its schema errors are, for a runbook or marketplace that failed its schema
    failed: tuple[JsonPath, ...] = ()

    def locate(self, *sub: str | int, on_key: bool = False) -> tuple[int, int]:
        return self.document.locate((*self.path, *sub), on_key=on_key)

    @property
    def file(self) -> str:
        return self.document.rel


@dataclass
class KnowledgeBase:
    root: Path
    documents: list[Document] = field(default_factory=list)
    runbooks: dict[str, Entity] = field(default_factory=dict)
    teams: dict[str, Entity] = field(default_factory=dict)
    # escalation/teams.yaml's systems: the names of owned systems (optional)
    systems: dict[str, Entity] = field(default_factory=dict)
    sla_policies: dict[str, Entity] = field(default_factory=dict)
    calendars: dict[str, Entity] = field(default_factory=dict)
    routes: dict[str, Entity] = field(default_factory=dict)
    internal: Entity | None = None
    internal_statuses: dict[str, Entity] = field(default_factory=dict)
    marketplaces: dict[str, Entity] = field(default_factory=dict)
    # docs/synonyms.yaml: the search synonym list (None when absent or invalid)
    synonyms: Entity | None = None
    # ids seen in files that failed to load or validate, by kind: not reported as unknown
    broken: dict[str, set[str]] = field(default_factory=dict)
    # kinds with an entity whose id cannot be read (or a file that cannot be read at all):
    # any id of such a kind may exist, so none is reported unknown
    incomplete: set[str] = field(default_factory=set)
    # (kind, id) -> every entity that claimed it, for duplicate detection
    claims: dict[tuple[str, str], list[Entity]] = field(default_factory=dict)
    # files present but with a place in the layout that holds no content kind
    strays: list[Document] = field(default_factory=list)
    # Prometheus rule files given to `opskb check --alert-rules`, read as Prometheus does
    alert_rules: list[RuleFile] = field(default_factory=list)
    # the site's address (mkdocs.yml or --site-url): where runbook_url links must lead
    site: SiteAddress | None = None
    # runbooks and marketplaces whose file parsed but failed its schema: left out of the
    # tables above, but the cross-file rules still look at each one alone (with every
    # other entity to refer to)
    invalid: list[Entity] = field(default_factory=list)

    def is_known(self, kind: str, ident: str) -> bool:
        """Defined, or possibly defined by a file that has errors (never reported unknown)."""
        table: dict[str, Entity] = getattr(self, TABLES[kind])
        return ident in table or ident in self.broken.get(kind, set()) or kind in self.incomplete

    def intact(self, kind: str) -> bool:
        """Every entity of this kind is valid and in its table: a rule may conclude from
        what the table lacks (an orphan, an unowned system)."""
        return not self.broken.get(kind) and kind not in self.incomplete

    def shared_sources(self) -> tuple[tuple[str, bytes | None], ...]:
        """(path, bytes) of every file but the runbooks: what anything made from one runbook
        may read besides it (its route, teams, SLA policy, marketplaces, synonyms). What
        `mkdocs serve` reuses between rebuilds is keyed by these and the runbooks' own."""
        return tuple((d.rel, d.source) for d in self.documents if not d.rel.startswith(f"{RUNBOOKS}/"))

    def runbook_sources(self) -> tuple[tuple[str, bytes | None], ...]:
        """(path, bytes) of every runbook file: with ``shared_sources``, everything."""
        return tuple((r.document.rel, r.document.source) for r in self.runbooks.values())

    @property
    def has_status_mappings(self) -> bool:
        """Whether the content keeps order statuses (any file under status_mappings/): a
        team that sells nothing has none, and gets no status pages, hints or rules."""
        return any(d.rel.startswith(f"{STATUS_MAPPINGS}/") for d in self.documents)

    def route_of(self, runbook_id: str) -> Entity | None:
        runbook = self.runbooks.get(runbook_id)
        return self.routes.get(runbook.data["route"]) if runbook else None

    def sla_of(self, route_id: str) -> Entity | None:
        route = self.routes.get(route_id)
        return self.sla_policies.get(route.data["sla"]) if route else None

    def owner_of(self, runbook_id: str) -> Entity | None:
        """The L2 owner: the first L2 hop of the runbook's route."""
        route = self.route_of(runbook_id)
        if route is None:
            return None
        for hop in route.data["hops"]:
            if hop["line"] == "L2" and hop["team"] in self.teams:
                return self.teams[hop["team"]]
        return None

    def system_owners(self) -> dict[str, list[str]]:
        owners: dict[str, list[str]] = {}
        for team in self.teams.values():
            for system in team.data.get("owns", []):
                owners.setdefault(system, []).append(team.id)
        return owners

    def resolve_status(self, marketplace_id: str, code: str) -> Resolution | None:
        """The listed status a marketplace code resolves to under the file's precedence
        (opskb.model.status_keys), or None when the marketplace or the code is unknown."""
        market = self.marketplaces.get(marketplace_id)
        if market is None:
            return None
        return StatusKey(market.data).resolve(code)


def markets_in_order(kb: KnowledgeBase) -> list[Entity]:
    """Marketplaces as the site lists them: by name, case aside."""
    return sorted(kb.marketplaces.values(), key=lambda e: e.data["name"].lower())


def review_due(runbook: dict[str, Any]) -> date:
    """The day a runbook's review falls due; ValueError for an impossible date or interval."""
    review = runbook["review"]
    try:
        return date.fromisoformat(review["last_reviewed"]) + timedelta(days=review["interval_days"])
    except OverflowError as err:  # e.g. 9999-12-31 plus 90 days, or an interval of 1e29 days
        raise ValueError(f"review date out of range: {review['last_reviewed']!r}") from err


TABLES = {
    "runbook": "runbooks",
    "team": "teams",
    "system": "systems",
    "sla": "sla_policies",
    "calendar": "calendars",
    "route": "routes",
    "internal_status": "internal_statuses",
    "marketplace": "marketplaces",
}


def content_files(root: Path) -> Iterator[tuple[Path, str, str | None]]:
    """Every YAML file of the layout: path, path relative to root, and the schema it follows
    (None: a file where the layout expects none)."""
    for folder in CONTENT_FOLDERS:
        for entry, rel, top in walk_yaml(root, folder):
            yield Path(entry.path), rel, _schema_for(folder, entry.name) if top else None
    synonyms = root / DOCS / SYNONYMS_FILE
    if synonyms.is_file():
        yield synonyms, f"{DOCS}/{SYNONYMS_FILE}", "synonyms"


def _schema_for(folder: str, name: str) -> str | None:
    if folder == RUNBOOKS:
        return "runbook"
    if folder == ESCALATION:
        return ESCALATION_FILES.get(name)
    return "internal-statuses" if name == INTERNAL_FILE else "marketplace"


@dataclass(frozen=True)
class LoadFinding:
    """What the loader found in one file, before the rule registry names it: a rule code
    (the YAML findings, KB0xx) or the JSON Schema keyword violated (the schema rules, KB1xx,
    declare which keywords they report), at a 1-based position. The loader never imports
    the registry: ``registry.problem_of`` turns a finding into a Problem."""

    path: str
    line: int
    column: int
    code: str = ""
    keyword: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Loaded content is acyclic; the cyclic collector only rescans it (measured: a quarter of
    the load time at 10,000 files)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_knowledge_base(
    root: Path,
    limits: Limits = DEFAULT_LIMITS,
    alert_rules: list[Path] | None = None,
    site_url: str | None = None,
    cache: LoadCache | None = None,
) -> tuple[KnowledgeBase, list[LoadFinding]]:
    """Load, validate and index everything under ``root``. Findings are returned, never raised.

    ``alert_rules`` are rule files (not folders) to read as Prometheus does; their
    runbook_url links are judged against ``site_url``, else mkdocs.yml's. With a ``cache``
    (kept by `mkdocs serve` between rebuilds), a file whose size and modification time are
    unchanged is not read, parsed or validated again."""
    with no_cyclic_gc():
        return _load_knowledge_base(root, limits, alert_rules, site_url, cache)


@dataclass(frozen=True)
class LoadedFile:
    """One content file as loaded and validated, before it is indexed."""

    document: Document
    findings: list[LoadFinding]
    readable: Any  # its data, or what could be read of it for ids
    failed: list[JsonPath]  # the paths of its schema errors
    doubtful_ids: bool


Signature = tuple[int, int, int, int]  # modification and change times (ns), size, inode


class LoadCache:
    """The files of previous loads, by path, stat and schema: what a rebuild under
    `mkdocs serve` can reuse (one edit re-reads one file). A changed schemas/ folder or
    other limits start afresh."""

    def __init__(self) -> None:
        self._key: tuple[Any, ...] | None = None
        self.schemas: SchemaSet | None = None
        self._files: dict[tuple[str, str | None], tuple[Signature, LoadedFile]] = {}

    def schema_set(self, folder: Path, limits: Limits) -> SchemaSet:
        key = (limits, _folder_signature(folder))
        if self.schemas is None or key != self._key:
            self.schemas, self._key = SchemaSet(folder), key
            self._files.clear()
        return self.schemas

    def get(self, path: Path, rel: str, schema_name: str | None) -> tuple[Signature, LoadedFile | None]:
        """The file's signature now (taken before it is read), and its load if unchanged."""
        signature = _signature(path)
        found = self._files.get((rel, schema_name))
        return signature, found[1] if found is not None and found[0] == signature else None

    def put(self, signature: Signature, rel: str, schema_name: str | None, loaded: LoadedFile) -> None:
        # A file changed within the clock's granularity of being read could change again
        # with the same size and time stamp (git's "racy clean" entries): read it again.
        if signature[0] < time.time_ns() - _RACY_NS:
            self._files[(rel, schema_name)] = (signature, loaded)
        else:
            self._files.pop((rel, schema_name), None)


_RACY_NS = 2_000_000_000


def _signature(path: Path) -> Signature:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1, -1, -1)
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)


def _folder_signature(folder: Path) -> tuple[tuple[str, Signature], ...]:
    return tuple((p.name, _signature(p)) for p in sorted(folder.glob("*.schema.json")))


def _load_knowledge_base(
    root: Path, limits: Limits, alert_rules: list[Path] | None, site_url: str | None, cache: LoadCache | None
) -> tuple[KnowledgeBase, list[LoadFinding]]:
    root = root.resolve()
    schemas = cache.schema_set(schema_dir(root), limits) if cache else SchemaSet(schema_dir(root))
    kb = KnowledgeBase(root=root)
    problems: list[LoadFinding] = []
    if alert_rules:
        kb.site = site_address(root, site_url)
    for path in alert_rules or []:
        rule_file = load_rule_file(path, _display_path(path, root))
        kb.alert_rules.append(rule_file)
        problems.extend(
            LoadFinding(rule_file.rel, f.line, f.column, code=f.code, params=f.params) for f in rule_file.findings
        )
    files = list(content_files(root))
    known = [cache.get(path, rel, schema_name) if cache else (None, None) for path, rel, schema_name in files]
    unread = [file for file, (_, loaded) in zip(files, known, strict=True) if loaded is None]
    fresh = iter(forked_map(partial(_load_one, limits=limits, schemas=schemas), unread, processes_for(len(unread))))
    for (_, rel, schema_name), (signature, loaded) in zip(files, known, strict=True):
        if loaded is None:
            loaded = next(fresh)
            if cache and signature:
                cache.put(signature, rel, schema_name, loaded)
        problems.extend(loaded.findings)
        kb.documents.append(loaded.document)
        if schema_name is None:
            kb.strays.append(loaded.document)
            continue
        _index(kb, schema_name, loaded.document, loaded.readable, loaded.failed, loaded.doubtful_ids)
    return kb, problems


def _load_one(file: tuple[Path, str, str | None], limits: Limits, schemas: SchemaSet) -> LoadedFile:
    return _load_file(*file, limits, schemas)


def _load_file(path: Path, rel: str, schema_name: str | None, limits: Limits, schemas: SchemaSet) -> LoadedFile:
    document, raw = load_document(path, rel, limits)
    findings = [LoadFinding(rel, f.line, f.column, code=f.code, params=f.params) for f in raw]
    failed: list[JsonPath] = []
    if schema_name is not None and document.loaded:
        for error in schemas.errors(schema_name, document):
            failed.append(error.path)
            line, column = document.locate(error.path, on_key=error.on_key)
            params = {"detail": error.message, "schema_hint": error.hint}
            findings.append(LoadFinding(rel, line, column, keyword=error.keyword, params=params))
    return LoadedFile(document, findings, _readable(document, raw), failed, _on_id_line(document, raw))


# Loader findings after which the text is safe to read again, best effort, for its ids.
# The others (size, encoding, aliases, depth) mean the text itself is the trap.
_RECOVERABLE = {"KB001", "KB002", "KB003", "KB009", "KB011"}


_ID_LINE = re.compile(r"^[ \t]*(?:-[ \t]+)?id[ \t]*:")


def _on_id_line(document: Document, findings: list[RawFinding]) -> bool:
    """Whether a loader finding is on an ``id:`` line (the id read from it may be wrong)."""
    text = document.text if findings else None
    if text is None:
        return False
    lines = text.split("\n")
    return any(0 < f.line <= len(lines) and _ID_LINE.match(lines[f.line - 1]) for f in findings)


def _readable(document: Document, findings: list[RawFinding]) -> Any:
    """The data to take ids from: the file's own, or what can be read of a refused file."""
    if document.loaded:
        return document.data
    if not findings or not all(f.code in _RECOVERABLE for f in findings):
        return None
    text = document.text  # decoded only for a file whose findings it can be read past
    return recover(text, document.limits) if text is not None else None


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _claim(kb: KnowledgeBase, entity: Entity, valid: bool) -> None:
    kb.claims.setdefault((entity.kind, entity.id), []).append(entity)
    table: dict[str, Entity] = getattr(kb, TABLES[entity.kind])
    if valid and entity.id not in table:
        table[entity.id] = entity
    elif not valid:
        kb.broken.setdefault(entity.kind, set()).add(entity.id)


def _fails(entity_path: JsonPath, failed: list[JsonPath]) -> bool:
    """A schema error lies inside this entity (an error above it, such as a missing
    field of the file, leaves it valid)."""
    return any(path[: len(entity_path)] == entity_path for path in failed)


# The lists of entities each escalation file defines: (key, kind).
_COLLECTIONS = {
    "teams": [("teams", "team"), ("systems", "system")],
    "sla": [("policies", "sla"), ("calendars", "calendar")],
    "routes": [("routes", "route")],
    "internal-statuses": [("statuses", "internal_status")],
}


def _index(
    kb: KnowledgeBase, schema_name: str, document: Document, data: Any, failed: list[JsonPath], doubtful_ids: bool
) -> None:
    """Register the entities of one document. ``data`` is the document's data, or what
    could be read of it; ``failed`` the paths of its schema errors. Entities of a file
    that did not load, or with a schema error inside them, only have their ids noted;
    ``doubtful_ids`` says the loader's error is on an id line, so one id read may be wrong."""
    data = data if isinstance(data, dict) else {}
    loaded = document.loaded
    if schema_name in ("runbook", "marketplace"):
        stem = document.path.stem
        ident = data.get("id") if isinstance(data.get("id"), str) else stem
        valid = loaded and not failed
        entity = Entity(schema_name, ident, data, document, failed=tuple(failed))
        _claim(kb, entity, valid)
        if ident != stem:  # KB208 says so once; references by the file name are not dangling
            kb.broken.setdefault(schema_name, set()).add(stem)
        if loaded and not valid:
            kb.invalid.append(entity)
        return
    if schema_name == "synonyms":
        if loaded and not failed:
            kb.synonyms = Entity("synonyms", "synonyms", data, document)
        return
    if schema_name == "internal-statuses" and loaded and not failed:
        kb.internal = Entity("internal", "internal", data, document)
    for key, kind in _COLLECTIONS[schema_name]:
        if doubtful_ids:
            kb.incomplete.add(kind)
        items = data.get(key)
        if not isinstance(items, list):
            if not loaded or failed:
                kb.incomplete.add(kind)  # the list is missing or unreadable, not empty
            continue
        for index, item in enumerate(items):
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, str):
                kb.incomplete.add(kind)
                continue
            path: JsonPath = (key, index)
            _claim(kb, Entity(kind, ident, item, document, path), loaded and not _fails(path, failed))
