"""The generated pages: what each says (the page model), computed from the KnowledgeBase.

Pure functions of the knowledge base, ``today`` (review dates), the URL style and the
language, so they are testable without MkDocs. Each page kind has a method that computes
its model (plain data: texts, links as :class:`Link`, numbers) and names its template;
how the page looks is the template's business (``templates/``, see ``render``). No
markup is written here.

A rendered page is Markdown made of:

* headings with explicit ids (``## Do not {#do-not}``): MkDocs builds the table of
  contents from them, the search index has one section per heading, and links into the
  page are checked against them (``validation.links.anchors``);
* bodies as HTML blocks, represented in the Markdown by a placeholder paragraph and put
  back after rendering: YAML text never meets Markdown or pymdownx, and Python-Markdown
  never parses the bulk of the page, which made up most of the build time (benchmarks/).

Identifiers are schema-validated (``[a-z0-9-]``) and appear as they are in paths and
anchors. Links are final relative URLs (raw HTML is not rewritten by MkDocs);
tests/test_site_build.py follows every one of them. Every page carries
``render_macros: false``: generated text must never reach Jinja of mkdocs-macros.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from html import escape as _html_escape
from html import unescape as _html_unescape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..alerts.alertlinks import runbooks_by_alert
from ..escalation.clocks import DEFAULT_WEEKDAYS, WEEKDAYS
from ..gate.registry import all_rules
from ..gate.rulesdoc import example_text, message_text
from ..model.addresses import (
    BY_MARKETPLACE,
    BY_SEVERITY,
    BY_SYSTEM,
    BY_TAG,
    CARD,
    ESCALATION_MAP,
    FIXED_PAGES,
    HOME,
    INTERNAL,
    MARKETPLACES,
    RULES,
    RUNBOOK_INDEX,
    TEAMS,
    alert_page_uri,
    marketplace_uri,
    page_url,
    runbook_uri,
)
from ..model.durations import parse_duration
from ..model.kb import Entity, KnowledgeBase, markets_in_order, review_due
from ..model.layout import STATUS_MAPPINGS
from ..model.status_keys import StatusKey
from . import deadlines
from .escape import attr, safe_url
from .headings import Heading, HeadingStyle, RenderedBody
from .headings import render as render_headings
from .labels import Labels
from .render import Renderer

SEVERITIES = ("critical", "high", "medium", "low")
LINES = ("L1", "L2", "L3")
# The generated pages that explain rather than list, whose sections search finds.
REFERENCE_PAGES = (ESCALATION_MAP, TEAMS, INTERNAL, RULES)

# What every page but a runbook's own (and its alerts') shows of a runbook: the fields the
# models of the indexes, the escalation map, the marketplace pages and the home page
# read. Those pages are keyed by these fields of every runbook, so that an edit of
# anything else (a step, the impact) renders the runbook's own page again, not the
# indexes. tests/test_preview_cache.py checks the list against what the pages read.
INDEX_FIELDS = ("title", "severity", "kind", "systems", "marketplaces", "route", "related", "alerts")


def index_view(kb: KnowledgeBase) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """Every runbook as the pages that list it see it (``INDEX_FIELDS``)."""
    return tuple((r.id, tuple(r.data.get(name) for name in INDEX_FIELDS)) for r in kb.runbooks.values())


@dataclass(frozen=True)
class MarkdownLine:
    """A line a template hands to Markdown as it is (a directive such as the tags listing)."""

    text: str


@dataclass(frozen=True)
class GeneratedPage:
    """One page made at build time: where it lives in the docs tree, its parts in order
    (headings, Markdown lines, and tokens of the HTML blocks), and the blocks. Its Markdown
    (``content``) has a placeholder paragraph per block, put back after rendering."""

    src_uri: str
    parts: tuple[Heading | MarkdownLine | str, ...]
    in_nav: bool = True
    blocks: dict[str, str] = field(default_factory=dict)
    # its front matter
    meta: dict[str, Any] = field(default_factory=dict)
    # (anchor or "" for the top, title, block tokens) per search section
    section_heads: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    @property
    def content(self) -> str:
        """The page's Markdown: front matter, headings, Markdown lines, block placeholders."""
        lines = [_front_matter(self.meta)]
        for part in self.parts:
            lines.append(part.markdown() if isinstance(part, Heading) else getattr(part, "text", part))
        return "\n\n".join(lines) + "\n"

    @property
    def order(self) -> tuple[Heading | str, ...] | None:
        """Headings and block tokens in order; None when the page has Markdown of its own."""
        if any(isinstance(part, MarkdownLine) for part in self.parts):
            return None
        return self.parts  # type: ignore[return-value]

    @property
    def sections(self) -> list[tuple[str, str, str]]:
        """(anchor or "" for the top, title, text) per heading, as the search index wants
        them (HTML-escaped text). Made when asked: only the reference pages are indexed."""
        found = []
        for anchor, title, tokens in self.section_heads:
            body = "".join(" " + self.blocks[token] for token in tokens)
            found.append((anchor, title, _search_text(_TAG.sub("", _BLOCK_TAG.sub(" ", body)))))
        return found

    def body(self, style: HeadingStyle) -> RenderedBody | None:
        """The page as HTML, table of contents and anchors, made without Markdown (see
        ``headings``); None when only Markdown can render it."""
        order = self.order
        return None if order is None else render_headings(order, self.blocks, style)

    def expand(self, html: str) -> str:
        """Put the blocks in place of their placeholders in the rendered page (or in the
        Markdown source, for tests that read a page without MkDocs)."""
        if not self.blocks:
            return html
        return _PLACEHOLDER.sub(lambda m: self.blocks.get(m.group(1), m.group(0)), html)

    @property
    def text(self) -> str:
        """The Markdown with every block in place: what the page says, for tests."""
        return _BARE_PLACEHOLDER.sub(lambda m: self.blocks.get(m.group(0), m.group(0)), self.content)


PageKey = tuple[Any, ...]
# The pages of an earlier build: src_uri -> (the key it was made from, the page).
PageCache = dict[str, tuple[PageKey, GeneratedPage]]


class RowMemo:
    """The rows of the runbook tables of an earlier build (``Site.runbook_rows``), kept by
    `mkdocs serve` from one rebuild to the next: by runbook and page, each with the view
    of the runbook it was made from (``index_view``), for one ``Site._context`` (the
    settings and every file but the runbooks: the owner's team, the addresses). A title
    edit remakes every index, and each index takes all but the edited runbook's rows as
    they were, the very objects, which ``Renderer.shared`` then knows at once. What it
    costs: about 7,000 rows and 4.7 MB at 1,000 runbooks (0.1 s of each title rebuild
    saved, benchmarks/README.md, Preview).

    INVARIANT: a row taken from the memo is the row the build would make. Held by
    tests/test_preview_cache.py::test_index_rows_kept_between_rebuilds_are_the_rows_made_anew."""

    def __init__(self) -> None:
        self._context: PageKey = ()
        self._rows: dict[str, dict[str, tuple[Any, dict[str, Any]]]] = {}

    def rows(self, context: PageKey, ids: Iterable[str]) -> dict[str, dict[str, tuple[Any, dict[str, Any]]]]:
        """Each runbook's rows by page, made for ``context``; none of a runbook not in ``ids``."""
        if context != self._context:
            self._context, self._rows = context, {}
        for gone in self._rows.keys() - set(ids):
            del self._rows[gone]
        return self._rows


@dataclass(frozen=True)
class Link:
    """A link as the page model holds it; ``href`` None means text only (shown as code
    when ``code``: an id that names nothing, which the checker reports)."""

    text: str
    href: str | None = None
    code: bool = False


# A paragraph holding only a placeholder token, as Python-Markdown renders it.
_PLACEHOLDER = re.compile(r"<p>(opskbblock[0-9a-f]{16}n[0-9]+)</p>")
_BARE_PLACEHOLDER = re.compile(r"opskbblock[0-9a-f]{16}n[0-9]+")

_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|div|tr|td|th|table|thead|tbody|pre|br|h\d)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _search_text(text: str) -> str:
    """Text for the search index as mkdocs-material writes it: decoded, then <, > and &
    escaped (the theme shows results with innerHTML), whitespace collapsed."""
    return _html_escape(_html_unescape(_SPACE.sub(" ", text)).strip(), quote=False)


def _href(src: str, dest: str, use_directory_urls: bool) -> str:
    """The relative URL from page ``src`` to page ``dest``; "#" for the page itself."""
    here = page_url(src, use_directory_urls)
    there = page_url(dest, use_directory_urls)
    if here == there:
        return "#"
    base = posixpath.dirname(here) if not here.endswith("/") else here.rstrip("/")
    return _relative(base, there)


def _relative(base: str, there: str) -> str:
    """The relative URL to page URL ``there`` from a page in folder ``base``: what
    ``posixpath.relpath`` gives for these normalized site paths, a tenth of its time and
    with no cache (index pages link 10,000 runbooks, each pair once; a cache of them was
    25 MB of a large build's memory)."""
    base_parts = base.split("/") if base else []
    there_parts = there.rstrip("/").split("/") if there.rstrip("/") else []
    common = 0
    for mine, theirs in zip(base_parts, there_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    rel = "/".join([".."] * (len(base_parts) - common) + there_parts[common:]) or "."
    if there.endswith("/") or there == "":
        rel = rel.rstrip("/") + "/"
    return rel


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _page_meta(title: str, **extra: Any) -> dict[str, Any]:
    # The title is escaped because themes print page.title into HTML unescaped.
    return {"title": attr(title), "render_macros": False, **extra}


def _front_matter(meta: dict[str, Any]) -> str:
    # JSON is valid YAML and quotes everything: a title cannot break out of the header.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _assemble(
    renderer: Renderer, nonce: str, src: str, meta: dict[str, Any], rendered: str, in_nav: bool
) -> GeneratedPage:
    """A page from its rendered template: headings and Markdown lines stay as they are,
    each HTML block gets a token (with the build's nonce, which no text can forge) that
    stands for it in the Markdown, and each heading opens a search section."""
    parts: list[Heading | MarkdownLine | str] = []
    blocks: dict[str, str] = {}
    sections: list[tuple[str, str, list[str]]] = []
    for kind, value in renderer.split(rendered):
        if kind == "heading":
            parts.append(value)
            anchor = "" if value.level == 1 else value.anchor
            sections.append((anchor, _search_text(value.text.replace("`", "")), []))
        elif kind == "md":
            parts.append(MarkdownLine(value))
        elif kind == "section":
            anchor, title = value
            sections.append((anchor, _search_text(title), []))
        else:
            token = f"opskbblock{nonce}n{len(blocks)}"
            blocks[token] = value
            parts.append(token)
            if sections:
                sections[-1][2].append(token)
    heads = tuple((anchor, title, tuple(tokens)) for anchor, title, tokens in sections)
    return GeneratedPage(src, tuple(parts), in_nav, blocks, meta, heads)


class Site:
    """Builds every generated page of one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        today: date | None = None,
        use_directory_urls: bool = False,
        language: str = "en",
        override_dirs: list[Path] | None = None,
        nonce: str | None = None,
        renderer: Renderer | None = None,
        rules_reference: bool = True,
        row_memo: RowMemo | None = None,
    ) -> None:
        self.kb = kb
        # an earlier build's index rows, under `mkdocs serve` (build/preview.py)
        self._row_memo = row_memo
        # the check rules' reference page (a team may leave it off its site and search)
        self.rules_reference = rules_reference
        self.today = today or date.today()
        self.use_directory_urls = use_directory_urls
        self.labels = Labels(language)
        self.t = self.labels.get
        self.runbooks = sorted(kb.runbooks.values(), key=lambda e: (e.data["title"].lower(), e.id))
        self.markets = markets_in_order(kb)
        self.routes = sorted(kb.routes.values(), key=lambda e: e.data["name"].lower())
        self.owners = kb.system_owners()
        self._owner_cache: dict[str, Entity | None] = {}
        self._clocks: dict[str, dict[str, Any]] = {}
        self._worked: dict[str, dict[str, Any] | None] = {}
        # Random per build, or per `mkdocs serve` session (the adapter passes one), so that
        # an unchanged page renders to the same Markdown from one rebuild to the next.
        # A renderer of an earlier build may be reused (its compiled templates): `mkdocs
        # serve` keeps one per nonce, language and set of overrides (build/preview.py).
        self.nonce = renderer.nonce if renderer else nonce or secrets.token_hex(8)
        self.renderer = renderer or Renderer(self.nonce, self.labels, override_dirs)

    def finish(self, src: str, template: str, meta: dict[str, Any], model: dict[str, Any], in_nav: bool = True):
        """Render a page model with its template into the page MkDocs receives."""
        title = meta.pop("title")
        rendered = self.renderer.render(template, **model)
        return _assemble(self.renderer, self.nonce, src, _page_meta(title, **meta), rendered, in_nav)

    # ---------------------------------------------------------------- links

    def href(self, src: str, dest: str, anchor: str = "") -> str:
        """The relative URL from page ``src`` to page ``dest`` (docs-relative .md paths)."""
        rel = _href(src, dest, self.use_directory_urls)
        if anchor:
            return f"{rel}#{anchor}" if rel != "#" else f"#{anchor}"
        return rel

    def link(self, src: str, dest: str, text: str, anchor: str = "") -> Link:
        return Link(text, self.href(src, dest, anchor))

    def runbook_link(self, src: str, runbook_id: str) -> Link:
        entity = self.kb.runbooks.get(runbook_id)
        if entity is None:
            return Link(runbook_id, code=True)
        return self.link(src, runbook_uri(runbook_id), entity.data["title"])

    def team_link(self, src: str, team_id: str) -> Link:
        team = self.kb.teams.get(team_id)
        if team is None:
            return Link(team_id, code=True)
        return self.link(src, TEAMS, team.data["name"], f"team-{team_id}")

    def system_link(self, src: str, system: str) -> Link:
        return self.link(src, BY_SYSTEM, system, f"system-{system}")

    def marketplace_link(self, src: str, marketplace_id: str) -> Link:
        market = self.kb.marketplaces.get(marketplace_id)
        if market is None:
            return Link(marketplace_id, code=True)
        return self.link(src, marketplace_uri(marketplace_id), market.data["name"])

    def route_link(self, src: str, route: Entity) -> Link:
        return self.link(src, ESCALATION_MAP, route.data["name"], f"route-{route.id}")

    # ---------------------------------------------------------------- small pieces

    def owner_of(self, runbook_id: str) -> Entity | None:
        if runbook_id not in self._owner_cache:
            self._owner_cache[runbook_id] = self.kb.owner_of(runbook_id)
        return self._owner_cache[runbook_id]

    def contacts(self, team: Entity | None) -> list[dict[str, Any]]:
        """A team's contacts in the order to try them: kind, text and a link where one is
        safe (mail and phone become mailto: and tel:, tappable on a phone)."""
        if team is None:
            return []
        data = team.data.get("contacts", {})
        found = []
        if "chat" in data:
            found.append({"kind": "chat", "text": data["chat"], "href": safe_url(data["chat"])})
        if "email" in data:
            found.append({"kind": "mail", "text": data["email"], "href": safe_url("mailto:" + data["email"])})
        if "phone" in data:
            tel = "tel:" + re.sub(r"[^0-9+]", "", data["phone"])
            found.append({"kind": "phone", "text": data["phone"], "href": safe_url(tel)})
        if "ticket_queue" in data:
            found.append({"kind": "queue", "text": data["ticket_queue"], "href": None})
        return found

    def team_model(self, src: str, team: Entity | None, team_id: str) -> dict[str, Any]:
        """What a page says about a team wherever it names one."""
        if team is None:
            return {"link": Link(team_id, code=True), "contacts": [], "hours": None, "line": "", "name": team_id}
        return {
            "link": self.team_link(src, team.id),
            "name": team.data["name"],
            "line": team.data["line"],
            "contacts": self.contacts(team),
            "hours": team.data["hours"],
        }

    def clock_model(self, clock: str) -> dict[str, Any]:
        if clock == "24x7":
            return {"kind": "24x7"}
        calendar = self.kb.calendars.get(clock)
        if calendar is None:
            return {"kind": "unknown", "id": clock}
        data = calendar.data
        return {
            "kind": "calendar",
            "start": data["start"],
            "end": data["end"],
            "days": self.labels.weekdays(data.get("weekdays", DEFAULT_WEEKDAYS)),
            "timezone": data["timezone"],
            "holidays": data.get("holidays"),
        }

    def sla_model(self, policy: Entity | None) -> dict[str, Any] | None:
        if policy is None:
            return None
        data = policy.data
        return {
            "react": self.labels.duration(data["react_within"]),
            "resolve": self.labels.duration(data["resolve_within"]),
            "clock": self.clock_model(data["clock"]),
            "name": data["name"],
        }

    def clock_data(self, clock: str) -> dict[str, Any]:
        """The SLA clock as the incident timer needs it (working days, hours, holidays)."""
        if clock not in self._clocks:
            self._clocks[clock] = self._clock_data(clock)
        return self._clocks[clock]

    def _clock_data(self, clock: str) -> dict[str, Any]:
        if clock == "24x7" or clock not in self.kb.calendars:
            return {"kind": "24x7"}
        data = self.kb.calendars[clock].data
        days = data.get("weekdays", list(DEFAULT_WEEKDAYS))
        return {
            "kind": "calendar",
            "id": clock,
            "timezone": data["timezone"],
            "start": data["start"],
            "end": data["end"],
            "weekdays": [WEEKDAYS.index(day) + 1 for day in days],
            **self._holidays(data.get("holidays")),
        }

    def _holidays(self, country: str | None) -> dict[str, list[str]]:
        # The timer runs in the reader's browser, which has no holiday calendar: the dates
        # of last, this and next year come from the same holidays package as opskb.escalation.clocks
        # (public holidays, and weekend days the country moved work to).
        if not country:
            return {"holidays": [], "workdays": []}
        from ..escalation.clocks import holiday_calendar

        years = [self.today.year - 1, self.today.year, self.today.year + 1]
        try:
            calendar = holiday_calendar(country, years=years)
        except NotImplementedError:
            return {"holidays": [], "workdays": []}
        moved = getattr(calendar, "weekend_workdays", set())
        return {
            "holidays": sorted(day.isoformat() for day in calendar),
            "workdays": sorted(day.isoformat() for day in moved),
        }

    def short(self, duration: str) -> str:
        """'30m' -> '30 min', '4h' -> '4 h': the printed card has little room."""
        return self.t(f"card.short_{duration[-1]}", n=duration[:-1])

    def clock_minutes(self, text: str, clock: str) -> int:
        """A content duration in minutes of clock time; on working hours a day is one
        working day (end - start), as opskb.escalation.clocks.deadline_for counts it."""
        if text.endswith("d") and clock in self.kb.calendars:
            data = self.kb.calendars[clock].data
            (sh, sm), (eh, em) = (map(int, data[k].split(":")) for k in ("start", "end"))
            return int(text[:-1]) * ((eh * 60 + em) - (sh * 60 + sm))
        return int(parse_duration(text).total_seconds() // 60)

    def runbooks_for_marketplace(self, marketplace_id: str, with_every: bool = True) -> list[Entity]:
        """The runbooks that name this marketplace, and (``with_every``) those for all."""
        found = []
        for runbook in self.runbooks:
            markets = runbook.data.get("marketplaces")
            if (with_every and markets == "all") or (isinstance(markets, list) and marketplace_id in markets):
                found.append(runbook)
        return found

    def runbook_rows(self, src: str, runbooks: Iterable[Entity]) -> list[dict[str, Any]]:
        """The rows of a runbook table on page ``src``: what ``INDEX_FIELDS`` show of each
        runbook, and its owner (from the route, through the files but the runbooks)."""
        if self._row_memo is None:
            return [self._runbook_row(src, runbook) for runbook in runbooks]
        memo, views, rows = self._kept_rows, self._views, []
        for runbook in runbooks:
            view, kept = views[runbook.id], memo.setdefault(runbook.id, {})
            found = kept.get(src)
            if found is None or found[0] != view:
                found = kept[src] = (view, self._runbook_row(src, runbook))
            rows.append(found[1])
        return rows

    @functools.cached_property
    def _kept_rows(self) -> dict[str, dict[str, tuple[Any, dict[str, Any]]]]:
        assert self._row_memo is not None
        return self._row_memo.rows(self._context, self.kb.runbooks)

    def _runbook_row(self, src: str, runbook: Entity) -> dict[str, Any]:
        owner = self.owner_of(runbook.id)
        return {
            "link": self.runbook_link(src, runbook.id),
            "severity": runbook.data["severity"],
            "kind": runbook.data["kind"],
            "owner": self.team_link(src, owner.id) if owner else None,
        }

    def chain(self, src: str | None, route: Entity) -> list[dict[str, Any]]:
        """The hops of a route, each with its team (linked when ``src`` is a page)."""
        hops = []
        for hop in route.data["hops"]:
            team = self.kb.teams.get(hop["team"])
            model = self.team_model(src, team, hop["team"]) if src else self.team_model(CARD, team, hop["team"])
            hops.append(
                {
                    "line": hop["line"],
                    "team": model,
                    "after": self.labels.duration(hop["after"]) if hop.get("after") else None,
                    "after_short": self.short(hop["after"]) if hop.get("after") else None,
                    "when": hop.get("when"),
                }
            )
        return hops

    def route_model(self, src: str | None, route: Entity) -> dict[str, Any]:
        policy = self.kb.sla_of(route.id)
        return {
            "id": route.id,
            "name": route.data["name"],
            "link": self.route_link(src, route) if src else None,
            "sla": self.sla_model(policy),
            "policy": policy.data if policy else None,
            "short": f"{self.short(policy.data['react_within'])} / {self.short(policy.data['resolve_within'])}"
            if policy
            else None,
            "hops": self.chain(src, route),
        }

    # ---------------------------------------------------------------- runbook page

    def runbook_model(self, runbook: Entity) -> dict[str, Any]:
        """Everything a runbook page says, in the order an incident needs it."""
        src = runbook_uri(runbook.id)
        data = runbook.data
        route = self.kb.route_of(runbook.id)
        policy = self.kb.sla_of(route.id) if route else None
        owner = self.owner_of(runbook.id)
        markets = data.get("marketplaces")
        due = review_due(data)
        checks = {check["id"]: check for check in data.get("checks", [])}
        steps = []
        for number, step in enumerate(data["steps"], start=1):
            check_id = step.get("check")
            check = checks.get(check_id) if check_id else None
            steps.append(
                {
                    "number": number,
                    "step": step,
                    "check": {"id": check_id, "title": check["title"] if check else None} if check_id else None,
                }
            )
        route_model = self.route_model(src, route) if route else None
        return {
            "id": runbook.id,
            "file": runbook.file,
            "data": data,
            "src": src,
            "systems": [self.system_link(src, s) for s in data["systems"]],
            "marketplaces": "all" if markets == "all" else [self.marketplace_link(src, m) for m in markets or []],
            "owner": self.team_model(src, owner, owner.id) if owner else None,
            "call_now": self.call_now(src, route),
            "route": route_model,
            "sla": self.sla_model(policy),
            "timer": self.timer_data(runbook, route, policy) if route and policy else None,
            "timer_labels": self.labels.subset("timer"),
            "worked": self.worked(runbook, route) if route and policy else None,
            "steps": steps,
            "alerts": [Link(a, self.href(src, alert_page_uri(a))) for a in data.get("alerts", [])],
            "checks": list(checks.values()),
            "related": [self.runbook_link(src, r) for r in data.get("related", [])],
            "review": {
                "owner": self.team_link(src, data["review"]["owner"]),
                "due": due.isoformat(),
                "overdue": due < self.today,
                "interval": self.labels.duration(f"{data['review']['interval_days']}d"),
            },
            "cadence": self.labels.duration(data["communication"]["cadence"])
            if data.get("communication", {}).get("cadence")
            else None,
        }

    def worked(self, runbook: Entity, route: Entity) -> dict[str, Any] | None:
        """The worked deadlines of a runbook: its route's, computed once per route."""
        if route.id not in self._worked:
            self._worked[route.id] = deadlines.route_part(self.kb, runbook, self.today.year, self.labels)
        part = self._worked[route.id]
        return None if part is None else deadlines.for_runbook(part, runbook)

    def call_now(self, src: str, route: Entity | None) -> dict[str, Any] | None:
        """Whom L1 calls now: the first hop above L1 on the route (the owner, usually),
        with its first tappable contact, and by when at the latest."""
        if route is None:
            return None
        for hop in route.data["hops"]:
            if hop["line"] == "L1":
                continue
            team = self.kb.teams.get(hop["team"])
            model = self.team_model(src, team, hop["team"])
            tappable = [c for c in model["contacts"] if c["href"] and c["kind"] in ("phone", "mail", "chat")]
            order = {"phone": 0, "chat": 1, "mail": 2}
            tappable.sort(key=lambda c: order[c["kind"]])
            return {
                "line": hop["line"],
                "team": model,
                "contact": tappable[0] if tappable else None,
                "after": self.labels.duration(hop["after"]) if hop.get("after") else None,
            }
        return None

    def runbook_page(self, runbook: Entity) -> GeneratedPage:
        data = runbook.data
        meta: dict[str, Any] = {"title": data["title"], "search": {"boost": 2}, "hide": ["tags"]}
        if data.get("tags"):
            # Read by the tags plugin (tags_name_property) but not by the search plugin,
            # which would boost a tag match a million-fold over a symptom phrase. Shown at
            # the foot of the page, not above the title: the first screen is for the incident.
            meta["kb_tags"] = data["tags"]
        return self.finish(runbook_uri(runbook.id), "runbook.html", meta, {"page": self.runbook_model(runbook)}, False)

    def timer_data(self, runbook: Entity, route: Entity, policy: Entity) -> dict[str, Any]:
        """The incident timer's input for the page script (it writes text only)."""
        clock = policy.data["clock"]
        hops = []
        for hop in route.data["hops"]:
            team = self.kb.teams.get(hop["team"])
            minutes = self.clock_minutes(hop["after"], clock) if hop.get("after") else 0
            hops.append({"line": hop["line"], "team": team.data["name"] if team else hop["team"], "after": minutes})
        return {
            "runbook": runbook.id,
            "react": self.clock_minutes(policy.data["react_within"], clock),
            "resolve": self.clock_minutes(policy.data["resolve_within"], clock),
            "clock": self.clock_data(clock),
            "hops": hops,
        }

    # ---------------------------------------------------------------- indexes

    def search_box(self, icons: dict[str, str]) -> str:
        """The header's search box (HTML), in the site's language; ``icons`` are the
        theme's SVGs by name (magnify, arrow-left, close), given by the adapter."""
        safe = {name: Markup(svg) for name, svg in icons.items()}
        labels = dict(self.labels.subset("search"))
        del labels["placeholder_runbooks"]  # the box's own, below; not the script's
        if self.kb.has_status_mappings:
            placeholder = self.t("search.placeholder")
        else:  # no status can be found: the box does not offer one
            placeholder = self.t("search.placeholder_runbooks")
            del labels["kind_status"]
        return self.renderer.render("partials/search_box.html", icons=safe, labels=labels, placeholder=placeholder)

    def untranslated_note(self, written_in: str) -> str:
        """The note on a handwritten page shown in another language than the site's (HTML):
        not translated yet, in the site's language, naming the language it is shown in."""
        return self.renderer.render("partials/untranslated.html", language=self.t(f"language.{written_in}"))

    def home_lead(self) -> str:
        """The block that opens the home page (HTML): search box and critical runbooks."""
        src = HOME
        critical = [r for r in self.runbooks if r.data["severity"] == "critical"]
        model = {
            "critical": self.runbook_rows(src, critical),
            "all": self.href(src, RUNBOOK_INDEX),
            "count": len(self.runbooks),
            "statuses": self.kb.has_status_mappings,
        }
        return self.renderer.render("home/lead.html", **model)

    def runbook_index(self) -> GeneratedPage:
        src = RUNBOOK_INDEX
        browse = [
            self.link(src, dest, self.t(key))
            for dest, key in (
                (BY_SYSTEM, "index.by_system"),
                (BY_MARKETPLACE, "index.by_marketplace"),
                (BY_SEVERITY, "index.by_severity"),
                (BY_TAG, "index.by_tag"),
            )
            if dest in self.fixed_pages
        ]
        model = {"count": len(self.runbooks), "browse": browse, "rows": self.runbook_rows(src, self.runbooks)}
        return self.finish(
            src, "index/runbooks.html", {"title": self.t("title.runbooks"), "search": {"exclude": True}}, model
        )

    def by_system(self) -> GeneratedPage:
        src = BY_SYSTEM
        systems: dict[str, list[Entity]] = {}
        for runbook in self.runbooks:
            for system in runbook.data["systems"]:
                systems.setdefault(system, []).append(runbook)
        named = self.kb.systems  # escalation/teams.yaml's systems: names and aliases, where given
        groups = [
            {
                "system": system,
                "name": named[system].data["name"] if system in named else None,
                "aliases": named[system].data.get("aliases", []) if system in named else [],
                "owners": [self.team_link(src, t) for t in self.owners.get(system, [])],
                "rows": self.runbook_rows(src, systems.get(system, [])),
            }
            for system in sorted(set(systems) | set(self.owners))
        ]
        meta = {"title": self.t("title.by_system"), "search": {"exclude": True}}
        return self.finish(src, "index/systems.html", meta, {"groups": groups})

    def by_marketplace(self) -> GeneratedPage:
        src = BY_MARKETPLACE
        every = self.runbook_rows(src, [r for r in self.runbooks if r.data.get("marketplaces") == "all"])
        groups = [
            {
                "id": market.id,
                "name": market.data["name"],
                "link": self.marketplace_link(src, market.id),
                "rows": self.runbook_rows(src, self.runbooks_for_marketplace(market.id, with_every=False)),
            }
            for market in self.markets
        ]
        meta = {"title": self.t("title.by_marketplace"), "search": {"exclude": True}}
        return self.finish(src, "index/marketplaces.html", meta, {"every": every, "groups": groups})

    def by_severity(self) -> GeneratedPage:
        src = BY_SEVERITY
        groups = [
            {"severity": s, "rows": self.runbook_rows(src, [r for r in self.runbooks if r.data["severity"] == s])}
            for s in SEVERITIES
        ]
        meta = {"title": self.t("title.by_severity"), "search": {"exclude": True}}
        return self.finish(src, "index/severity.html", meta, {"groups": groups})

    def by_tag(self) -> GeneratedPage:
        # mkdocs-material's tags plugin fills the listing from the runbooks' front matter.
        meta = {"title": self.t("title.by_tag"), "search": {"exclude": True}}
        return self.finish(BY_TAG, "index/tags.html", meta, {})

    # ---------------------------------------------------------------- escalation

    def escalation_map(self) -> GeneratedPage:
        src = ESCALATION_MAP
        by_route: dict[str, list[Entity]] = {}
        for runbook in self.runbooks:
            by_route.setdefault(runbook.data["route"], []).append(runbook)
        routes = []
        for route in self.routes:
            model = self.route_model(src, route)
            model["runbooks"] = [self.runbook_link(src, r.id) for r in by_route.get(route.id, [])]
            routes.append(model)
        policies = [
            {"id": p.id, "priority": p.data.get("priority"), **(self.sla_model(p) or {})}
            for p in sorted(self.kb.sla_policies.values(), key=lambda e: e.id)
        ]
        model = {
            "routes": routes,
            "policies": policies,
            "card": self.href(src, CARD),
            "teams": self.href(src, TEAMS),
            "lines": LINES,
        }
        return self.finish(src, "escalation/map.html", {"title": self.t("title.escalation_map")}, model)

    def team_directory(self) -> GeneratedPage:
        src = TEAMS
        routes_of: dict[str, list[Entity]] = {}
        for route in self.routes:
            for hop in route.data["hops"]:
                routes_of.setdefault(hop["team"], []).append(route)
        lines = []
        for line in LINES:
            teams = sorted(
                (t for t in self.kb.teams.values() if t.data["line"] == line), key=lambda e: e.data["name"].lower()
            )
            if not teams:
                continue
            models = []
            for team in teams:
                model = self.team_model(src, team, team.id)
                model.update(
                    id=team.id,
                    role=team.data.get("role"),
                    vendor=bool(team.data.get("vendor")),
                    owns=[self.system_link(src, s) for s in team.data.get("owns", [])],
                    routes=[self.route_link(src, r) for r in routes_of.get(team.id, [])],
                )
                models.append(model)
            lines.append({"line": line, "teams": models})
        return self.finish(src, "escalation/teams.html", {"title": self.t("title.teams")}, {"lines": lines})

    def card(self) -> GeneratedPage:
        """One printed sheet for the desk: routes on the left, whom to call on the right.

        Compact on purpose (abbreviated clocks, no queue names, the common time zone
        stated once); the full details are on the escalation map and team directory.
        """
        zones = [t.data["hours"]["timezone"] for t in self.kb.teams.values()]
        common = max(sorted(set(zones)), key=zones.count) if zones else ""
        routes = [self.route_model(None, route) for route in self.routes]
        teams = [
            {
                "name": team.data["name"],
                "line": team.data["line"],
                "contacts": [
                    team.data.get("contacts", {})[k]
                    for k in ("chat", "phone", "email")
                    if k in team.data.get("contacts", {})
                ],
                "queue": team.data.get("contacts", {}).get("ticket_queue"),
                "hours": team.data["hours"],
            }
            for team in sorted(self.kb.teams.values(), key=lambda e: (e.data["line"], e.data["name"].lower()))
        ]
        meta = {"title": self.t("title.card"), "hide": ["navigation", "toc"], "search": {"exclude": True}}
        model = {"routes": routes, "teams": teams, "common": common, "lines": LINES}
        return self.finish(CARD, "escalation/card.html", meta, model)

    # ---------------------------------------------------------------- status models

    def marketplace_index(self) -> GeneratedPage:
        src = MARKETPLACES
        rows = [
            {
                "link": self.marketplace_link(src, market.id),
                "kind": market.data["kind"],
                "statuses": len(market.data["statuses"]),
                "closest": sum(1 for s in market.data["statuses"] if s["match"] == "closest"),
                "read_on": market.data["source"]["read_on"],
            }
            for market in self.markets
        ]
        model = {"rows": rows, "internal": self.href(src, INTERNAL)}
        return self.finish(src, "marketplaces/index.html", {"title": self.t("title.marketplaces")}, model)

    def marketplace_page(self, market: Entity) -> GeneratedPage:
        src = marketplace_uri(market.id)
        data = market.data
        statuses = []
        for status in data["statuses"]:
            statuses.append({"status": status, "target": self.internal_target(src, status["maps_to"])})
        model = {
            "data": data,
            "pairs": self.pair_resolution(src, market) if len(data["key"]["fields"]) == 2 else None,
            "source_url": safe_url(data["source"]["reference"]) if data["source"].get("reference") else None,
            "chat_url": safe_url(data["chat"]) if data.get("chat") else None,
            "statuses": statuses,
            "diagram_statements": self.state_diagram(
                [(s["code"], s.get("next", []), bool(s.get("terminal"))) for s in data["statuses"]],
                data.get("initial"),
            ),
            "rows": self.runbook_rows(src, self.runbooks_for_marketplace(market.id)),
        }
        return self.finish(src, "marketplaces/page.html", {"title": data["name"], "search": {"boost": 3}}, model)

    def internal_target(self, src: str, status_id: str) -> dict[str, Any]:
        """An internal status as a mapping table shows it: linked by name, with its id."""
        target = self.kb.internal_statuses.get(status_id)
        link = self.link(src, INTERNAL, target.data["name"], f"status-{status_id}") if target else None
        return {"id": status_id, "link": link}

    def pair_resolution(self, src: str, market: Entity) -> dict[str, Any]:
        """The precedence of a two-field key: each step, then worked examples of pairs the
        file does not list, resolved by the one resolver every command uses."""
        key = StatusKey(market.data)
        steps = []
        for value in key.decides_alone:
            entry = key.deciding.get(value)
            steps.append({"value": value, "target": self.internal_target(src, entry["maps_to"]) if entry else None})
        examples = []
        for pair in [*key.worked_examples(), "NOT_LISTED/NOT_LISTED"]:
            resolved = key.resolve(pair)
            examples.append(
                {
                    "pair": pair,
                    "target": self.internal_target(src, resolved.entry["maps_to"]) if resolved else None,
                    # how the resolver decided (`opskb status` prints the same in English)
                    "how": resolved.how if resolved else None,
                    "listed": resolved.entry["code"] if resolved else None,
                }
            )
        return {"fields": key.fields, "steps": steps, "first_alone": key.first_alone, "examples": examples}

    def alert_page(self, alert: str, runbook_ids: list[str]) -> GeneratedPage:
        """The page of one alert, alerts/NAME.html: what `runbook_url` links to.

        It leads to every runbook that lists the alert, so a link written into a rule file
        keeps working when a runbook is renamed, split or merged: only the page's list
        changes. It is not a search document: the search finds the runbooks themselves by
        the alert names they list."""
        src = alert_page_uri(alert)
        runbooks = [
            {"id": ident, "link": self.runbook_link(src, ident), "severity": self.kb.runbooks[ident].data["severity"]}
            for ident in runbook_ids
        ]
        return self.finish(
            src,
            "alerts/page.html",
            {"title": self.t("alert.title", alert=alert)},
            {"alert": alert, "runbooks": runbooks},
            in_nav=False,
        )

    def internal_page(self) -> GeneratedPage:
        src = INTERNAL
        meta = {"title": self.t("title.internal")}
        internal = self.kb.internal
        if internal is None:
            return self.finish(src, "marketplaces/internal.html", meta, {"data": None})
        data = internal.data
        mapped: dict[str, list[dict[str, Any]]] = {}
        for market in self.markets:
            for status in market.data["statuses"]:
                mapped.setdefault(status["maps_to"], []).append(
                    {"market": self.marketplace_link(src, market.id), "code": status["code"]}
                )
        model = {
            "data": data,
            "known": set(self.kb.internal_statuses),
            "mapped": mapped,
            "diagram_statements": self.state_diagram(
                [(s["id"], s.get("next", []), bool(s.get("terminal"))) for s in data["statuses"]],
                data["initial"],
            ),
        }
        return self.finish(src, "marketplaces/internal.html", meta, model)

    @staticmethod
    def state_diagram(states: list[tuple[str, list[str], bool]], initial: str | None) -> list[tuple[str, ...]]:
        """A Mermaid stateDiagram as its statements: ("state", label, id) and
        ("edge", from, to). States get generated ids; the status code is only a label,
        reduced to safe characters by the template (``mermaid_label``)."""
        ids: dict[str, str] = {}
        declared: list[tuple[str, ...]] = []

        def state_id(name: str) -> str:
            if name not in ids:
                ids[name] = f"s{len(ids)}"
                declared.append(("state", name, ids[name]))
            return ids[name]

        edges: list[tuple[str, ...]] = []
        for name, nexts, terminal in states:
            sid = state_id(name)
            for target in nexts:
                edges.append(("edge", sid, state_id(target)))
            if terminal:
                edges.append(("edge", sid, "[*]"))
        if initial:
            edges.insert(0, ("edge", "[*]", state_id(initial)))
        return declared + edges

    # ---------------------------------------------------------------- reference

    def rules_page(self) -> GeneratedPage:
        families: list[dict[str, Any]] = []
        for rule in all_rules().values():
            if rule.about == STATUS_MAPPINGS and not self.kb.has_status_mappings:
                continue
            if not families or families[-1]["name"] != rule.family:
                families.append({"name": rule.family, "slug": _slug(rule.family), "prefix": rule.code[:3], "rules": []})
            families[-1]["rules"].append(
                {
                    "rule": rule,
                    "message": message_text(rule.message),
                    "hint": message_text(rule.hint),
                    "bad": example_text(rule.bad),
                    "good": example_text(rule.good),
                }
            )
        return self.finish(RULES, "reference/rules.html", {"title": self.t("title.rules")}, {"families": families})

    # ---------------------------------------------------------------- all

    def plan(self, keyed: bool = True, cache: PageCache | None = None) -> list[PlannedPage]:
        """Every page: its src_uri, what it is made from, how to make it, and whether it is
        in the navigation. Not ``keyed``, the keys are left empty: where the pages are,
        for `opskb check` (KB331), costs a tenth of what they are made from. ``cache``:
        where each page looks for itself first (``PlannedPage.get``).

        The key holds the bytes of every file the page reads: all the files but the
        runbooks (teams, routes, SLA, marketplaces and statuses are read everywhere), the
        build's settings, and the runbooks it shows: its own (and the titles of those it
        links to) for a runbook page, those that list the alert for an alert page, what
        a marketplace's page shows of the runbooks about it, what the indexes show of
        every runbook (``index_view``), and none for the fixed pages that show no runbook.
        Two builds that give a page equal keys give it the same page.
        """
        context = self._context if keyed else ()

        def sources(ids: Iterable[str]) -> tuple[tuple[str, bytes | None], ...]:
            if not keyed:
                return ()
            found = (self.kb.runbooks.get(i) for i in ids)
            return tuple((e.document.rel, e.document.source) if e else ("", None) for e in found)

        every = self.listing_key if keyed else ()
        plan = self._fixed_plan(context, every, cache)
        for runbook in self.runbooks:
            key = (context, *sources([runbook.id]), sources(runbook.data.get("related", [])))
            build = functools.partial(self.runbook_page, runbook)
            plan.append(PlannedPage(runbook_uri(runbook.id), key, build, False, cache))
        for market in self.markets:
            # a marketplace's page lists the runbooks about it (and those for all)
            shown = tuple(self._views[r.id] for r in self.runbooks_for_marketplace(market.id)) if keyed else ()
            build = functools.partial(self.marketplace_page, market)
            plan.append(PlannedPage(marketplace_uri(market.id), (context, shown), build, True, cache))
        for alert, ids in sorted(runbooks_by_alert(self.kb.runbooks).items()):
            key = (context, alert, sources(ids))
            build = functools.partial(self.alert_page, alert, ids)
            plan.append(PlannedPage(alert_page_uri(alert), key, build, False, cache))
        return plan

    def _fixed_plan(self, context: PageKey, every: PageKey, cache: PageCache | None) -> list[PlannedPage]:
        """The fixed pages of ``plan``: keyed by ``every`` (the listing key) when they show
        the runbooks, else by ``context``."""
        fixed = {
            RUNBOOK_INDEX: self.runbook_index,
            BY_SYSTEM: self.by_system,
            BY_MARKETPLACE: self.by_marketplace,
            BY_SEVERITY: self.by_severity,
            BY_TAG: self.by_tag,
            ESCALATION_MAP: self.escalation_map,
            TEAMS: self.team_directory,
            CARD: self.card,
            MARKETPLACES: self.marketplace_index,
            INTERNAL: self.internal_page,
            RULES: self.rules_page,
        }
        # The indexes show every runbook; the other fixed pages none (teams, routes,
        # statuses, rules): a runbook edit leaves them as they are.
        shows = {RUNBOOK_INDEX, BY_SYSTEM, BY_MARKETPLACE, BY_SEVERITY, ESCALATION_MAP}
        return [
            PlannedPage(src, every if src in shows else context, fixed[src], True, cache) for src in self.fixed_pages
        ]

    @functools.cached_property
    def fixed_pages(self) -> tuple[str, ...]:
        """The pages of ``FIXED_PAGES`` this site has: what a team does not use, it does not
        get (no status pages without status mappings, no rule reference when left off)."""
        left_out = set() if self.kb.has_status_mappings else {BY_MARKETPLACE, MARKETPLACES, INTERNAL}
        if not self.rules_reference:
            left_out.add(RULES)
        return tuple(src for src in FIXED_PAGES if src not in left_out)

    def reference_pages(self) -> list[GeneratedPage]:
        """The generated pages that explain rather than list, whose sections search finds
        (``REFERENCE_PAGES``)."""
        return reference_of(self._fixed_plan(self._context, self.listing_key, None))

    # Both once per Site (one build): the plan and the home page's lead ask for them.
    @functools.cached_property
    def _context(self) -> PageKey:
        """What every page is made from: the build's settings and every file but the runbooks."""
        return (
            self.labels.language,
            self.today,
            self.use_directory_urls,
            self.nonce,
            self.renderer.signature,
            self.kb.shared_sources(),
        )

    @functools.cached_property
    def listing_key(self) -> PageKey:
        """What a page that lists runbooks (an index, the home page's lead) is made from."""
        return (self._context, tuple(self._views.values()))

    @functools.cached_property
    def _views(self) -> dict[str, tuple[str, tuple[Any, ...]]]:
        """Each runbook as the pages that list it see it (``index_view``), by id."""
        return {view[0]: view for view in index_view(self.kb)}

    def planned(self, cache: PageCache | None = None) -> list[PlannedPage]:
        """Every page, to be made when asked (``PlannedPage.get``): a large build makes
        and hands over one page at a time. ``cache`` holds the pages of an earlier build
        with their keys (see ``plan``): a page whose key is unchanged is taken from it, the
        others are made and put in it, and pages that no longer exist leave it."""
        planned = self.plan(cache=cache)
        if cache is not None and len(cache) > len(planned):
            kept = {page.src_uri for page in planned}
            for src in [s for s in cache if s not in kept]:
                del cache[src]
        return planned

    def pages(self, cache: PageCache | None = None) -> list[GeneratedPage]:
        """Every generated page, made now (see ``planned``)."""
        return [page.get() for page in self.planned(cache)]


def reference_of(planned: list[PlannedPage], made: Mapping[str, GeneratedPage] | None = None) -> list[GeneratedPage]:
    """The reference pages (``REFERENCE_PAGES``, in that order) of a site's ``planned``
    pages, each from ``made`` (the pages made already) if it is there."""
    by_src = {page.src_uri: page for page in planned}
    made = made or {}
    return [made.get(src) or by_src[src].get() for src in REFERENCE_PAGES if src in by_src]


@dataclass(frozen=True)
class PlannedPage:
    """A page of ``Site.plan``, made (or taken from the cache) when asked."""

    src_uri: str
    key: PageKey
    build: Callable[[], GeneratedPage]
    # runbook and alert pages are reached from the indexes and search, not the navigation
    in_nav: bool = True
    cache: PageCache | None = None

    def get(self) -> GeneratedPage:
        found = self.cache.get(self.src_uri) if self.cache is not None else None
        if found is not None and found[0] == self.key:
            return found[1]
        page = self.build()
        if self.cache is not None:
            self.cache[self.src_uri] = (self.key, page)
        return page

    def ready(self, style: HeadingStyle) -> GeneratedPage | PageBody:
        """The page ready for the theme (made without Markdown, see ``headings``); the page
        itself when only Markdown can render it."""
        page = self.get()
        body = page.body(style)
        return page if body is None else PageBody(page.meta, body)


@dataclass(frozen=True)
class PageBody:
    """A generated page as the theme takes it: its front matter and its HTML, table of
    contents and anchors. What a worker process hands back (build/parallel.py)."""

    meta: dict[str, Any]
    body: RenderedBody
