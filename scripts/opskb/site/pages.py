"""The generated pages, built from the KnowledgeBase: one method per page kind.

Pure functions of the knowledge base, ``today`` (review dates) and the URL style, so
they are testable without MkDocs. Each page is Markdown made of:

* headings in Markdown with explicit ids (``## Do not {#do-not}``): MkDocs builds the
  table of contents from them, the search plugin indexes one section per heading, and
  links into the page are checked against them (``validation.links.anchors``);
* bodies as raw HTML blocks, which Python-Markdown passes through untouched. That keeps
  YAML text away from Markdown and pymdownx altogether, and it is what makes the build
  fast: inline Markdown processing was most of the time per page (benchmarks/).

Every string from YAML goes through ``escape.h``/``escape.pre`` (raw HTML) or
``escape.md`` (headings); identifiers are schema-validated (``[a-z0-9-]``) and appear as
they are in paths and anchors. Links are computed as final relative URLs (raw HTML is
not rewritten by MkDocs); tests/test_site_build.py follows every one of them.
Every page carries ``render_macros: false``: generated text must never reach Jinja.
"""

from __future__ import annotations

import json
import posixpath
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape as _html_escape
from html import unescape as _html_unescape
from typing import Any

from ..clocks import DEFAULT_WEEKDAYS, WEEKDAYS
from ..durations import humanize, parse_duration
from ..kb import Entity, KnowledgeBase, markets_in_order, review_due
from ..registry import all_rules
from ..rulesdoc import example_text
from ..status_keys import StatusKey
from . import deadlines
from .escape import attr, code, h, link, md, mermaid_label, pre

SEVERITIES = ("critical", "high", "medium", "low")
LINES = ("L1", "L2", "L3")
KIND_LABELS = {
    "incident": "Incident",
    "service_request": "Service request",
    "problem": "Problem",
    "change": "Change request",
}

RUNBOOK_INDEX = "runbooks/index.md"
BY_SYSTEM = "browse/systems.md"
BY_MARKETPLACE = "browse/marketplaces.md"
BY_SEVERITY = "browse/severity.md"
BY_TAG = "browse/tags.md"
ESCALATION_MAP = "escalation/index.md"
TEAMS = "escalation/teams.md"
CARD = "escalation/card.md"
MARKETPLACES = "marketplaces/index.md"
INTERNAL = "marketplaces/internal.md"
RULES = "reference/rules.md"
# Every page generated besides one per runbook and marketplace: an id whose page would be
# one of these is refused by `opskb check` (KB331).
FIXED_PAGES = (
    RUNBOOK_INDEX,
    BY_SYSTEM,
    BY_MARKETPLACE,
    BY_SEVERITY,
    BY_TAG,
    ESCALATION_MAP,
    TEAMS,
    CARD,
    MARKETPLACES,
    INTERNAL,
    RULES,
)


@dataclass(frozen=True)
class GeneratedPage:
    """One page made at build time: where it lives in the docs tree, its Markdown, and the
    HTML blocks that replace the Markdown's placeholder paragraphs after rendering."""

    src_uri: str
    content: str
    in_nav: bool = True
    blocks: dict[str, str] = field(default_factory=dict)
    # (anchor or "" for the top, title, text) per heading, already as the search index
    # wants them (HTML-escaped text): see plugin.on_page_context.
    sections: list[tuple[str, str, str]] = field(default_factory=list)

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


# A paragraph holding only a placeholder token, as Python-Markdown renders it.
_PLACEHOLDER = re.compile(r"<p>(opskbblock[0-9a-f]{16}n[0-9]+)</p>")
_BARE_PLACEHOLDER = re.compile(r"opskbblock[0-9a-f]{16}n[0-9]+")


_HEADING = re.compile(r"^(#{1,6}) (.*?)(?: \{ ?#([\w-]+)[^}]*\})?$")
_BLOCK_TAG = re.compile(r"</?(?:p|li|ul|ol|div|tr|td|th|table|thead|tbody|pre|br|h\d)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def _search_text(text: str) -> str:
    """Text for the search index as mkdocs-material writes it: decoded, then <, > and &
    escaped (the theme shows results with innerHTML), whitespace collapsed."""
    return _html_escape(_html_unescape(_SPACE.sub(" ", text)).strip(), quote=False)


def runbook_uri(runbook_id: str) -> str:
    return f"runbooks/{runbook_id}.md"


def marketplace_uri(marketplace_id: str) -> str:
    return f"marketplaces/{marketplace_id}.md"


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a page (the rule of ``File.url``), relative to the site root."""
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _relative(base: str, there: str) -> str:
    """The relative URL to page URL ``there`` from a page in folder ``base``."""
    rel = posixpath.relpath(there or ".", base or ".")
    if there.endswith("/") or there == "":
        rel = rel.rstrip("/") + "/"
    return rel


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _front_matter(title: str, **extra: Any) -> str:
    # JSON is valid YAML and quotes everything: a title cannot break out of the header.
    # The title is escaped because themes print page.title into HTML unescaped.
    meta: dict[str, Any] = {"title": attr(title), "render_macros": False, **extra}
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def _list(items: Iterable[str], sep: str = ", ") -> str:
    return sep.join(items)


def _short(duration: str) -> str:
    """'30m' -> '30 min', '4h' -> '4 h': the printed card has little room."""
    return f"{duration[:-1]} {dict(m='min', h='h', d='d')[duration[-1]]}"


def _ul(items: Iterable[str], cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<ul{klass}>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A raw HTML table; cells are already-escaped HTML. One line per row keeps it cheap."""
    klass = f' class="{cls}"' if cls else ""
    head = "".join(f"<th>{cell}</th>" for cell in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table{klass}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _heading(level: int, text_md: str, anchor: str, classes: str = "") -> str:
    extra = f" .{classes}" if classes else ""
    return f"{'#' * level} {text_md} {{ #{anchor}{extra} }}"


@dataclass(frozen=True)
class _Section:
    """A search section without a heading of its own (an anchor inside an HTML block)."""

    anchor: str
    title: str


class _Page:
    """Collects one page: Markdown headings and HTML blocks.

    Only headings go through Markdown (table of contents, anchors, search sections).
    Each HTML block is represented in the Markdown by a placeholder paragraph and put
    back after rendering (``GeneratedPage.expand``, called from the plugin's
    ``on_page_content``): Python-Markdown never parses the bulk of the page, which made
    up most of the build time, and YAML text never meets Markdown or pymdownx at all.
    The token carries a random per-build nonce so no text can forge one.
    """

    def __init__(self, nonce: str) -> None:
        self.nonce = nonce
        self.parts: list[str] = []
        self.blocks: dict[str, str] = {}
        self.sections: list[list[str]] = []

    def md(self, markdown: str) -> None:
        self.parts.append(markdown)
        heading = _HEADING.match(markdown)
        if heading:
            title = _search_text(heading.group(2).replace("`", ""))
            anchor = "" if heading.group(1) == "#" else heading.group(3) or ""
            self.sections.append([anchor, title, ""])

    def html(self, block: str) -> None:
        token = f"opskbblock{self.nonce}n{len(self.blocks)}"
        self.blocks[token] = block
        self.parts.append(token)
        if self.sections:
            self.sections[-1][2] += " " + block

    def done(self, src: str, in_nav: bool = True) -> GeneratedPage:
        sections = [(a, t, _search_text(_TAG.sub("", _BLOCK_TAG.sub(" ", body)))) for a, t, body in self.sections]
        return GeneratedPage(src, "\n\n".join(self.parts) + "\n", in_nav, self.blocks, sections)


class Site:
    """Builds every generated page of one knowledge base."""

    def __init__(self, kb: KnowledgeBase, today: date | None = None, use_directory_urls: bool = False) -> None:
        self.kb = kb
        self.today = today or date.today()
        self.use_directory_urls = use_directory_urls
        self.runbooks = sorted(kb.runbooks.values(), key=lambda e: (e.data["title"].lower(), e.id))
        self.markets = markets_in_order(kb)
        self.routes = sorted(kb.routes.values(), key=lambda e: e.data["name"].lower())
        self.owners = kb.system_owners()
        self._owner_cache: dict[str, Entity | None] = {}
        self._clocks: dict[str, dict[str, Any]] = {}
        # Relative URLs repeat a lot (thousands of index rows point at the same pages).
        self._hrefs: dict[tuple[str, str], str] = {}
        self.nonce = secrets.token_hex(8)

    def finish(self, src: str, parts: list[Any], in_nav: bool = True) -> GeneratedPage:
        """Front matter, headings and directives stay Markdown; every other part is HTML."""
        page = _Page(self.nonce)
        for part in parts:
            if isinstance(part, _Section):
                page.sections.append([part.anchor, _search_text(part.title), ""])
            elif part.startswith(("---\n", "#", "<!-- material/")):
                page.md(part)
            else:
                page.html(part)
        return page.done(src, in_nav)

    # ---------------------------------------------------------------- links

    def href(self, src: str, dest: str, anchor: str = "") -> str:
        """The relative URL from page ``src`` to page ``dest`` (docs-relative .md paths)."""
        here = page_url(src, self.use_directory_urls)
        there = page_url(dest, self.use_directory_urls)
        if here == there:  # the page itself
            return f"#{anchor}" if anchor else "#"
        # Keyed by the source's folder, not the source: every runbook page shares one.
        base = posixpath.dirname(here) if not here.endswith("/") else here.rstrip("/")
        key = (base, there)
        rel = self._hrefs.get(key)
        if rel is None:
            rel = self._hrefs[key] = _relative(base, there)
        return rel + (f"#{anchor}" if anchor else "")

    def a(self, src: str, dest: str, text_html: str, anchor: str = "") -> str:
        return f'<a href="{self.href(src, dest, anchor)}">{text_html}</a>'

    def runbook_link(self, src: str, runbook_id: str) -> str:
        entity = self.kb.runbooks.get(runbook_id)
        if entity is None:
            return code(runbook_id)
        return self.a(src, runbook_uri(runbook_id), h(entity.data["title"]))

    def team_link(self, src: str, team_id: str) -> str:
        team = self.kb.teams.get(team_id)
        if team is None:
            return code(team_id)
        return self.a(src, TEAMS, h(team.data["name"]), f"team-{team_id}")

    def system_link(self, src: str, system: str) -> str:
        return self.a(src, BY_SYSTEM, h(system), f"system-{system}")

    def marketplace_link(self, src: str, marketplace_id: str) -> str:
        market = self.kb.marketplaces.get(marketplace_id)
        if market is None:
            return code(marketplace_id)
        return self.a(src, marketplace_uri(marketplace_id), h(market.data["name"]))

    def route_link(self, src: str, route: Entity) -> str:
        return self.a(src, ESCALATION_MAP, h(route.data["name"]), f"route-{route.id}")

    # ---------------------------------------------------------------- small pieces

    def owner_of(self, runbook_id: str) -> Entity | None:
        if runbook_id not in self._owner_cache:
            self._owner_cache[runbook_id] = self.kb.owner_of(runbook_id)
        return self._owner_cache[runbook_id]

    def contacts(self, team: Entity) -> str:
        """Contacts as one line of HTML: mail and phone as links, the rest as text."""
        data = team.data.get("contacts", {})
        parts = []
        if "chat" in data:
            parts.append(f"chat {link(data['chat'], data['chat'])}")
        if "email" in data:
            parts.append(f"mail {link(data['email'], 'mailto:' + data['email'])}")
        if "phone" in data:
            phone = re.sub(r"[^0-9+]", "", data["phone"])
            parts.append(f"phone {link(data['phone'], 'tel:' + phone)}")
        if "ticket_queue" in data:
            parts.append(f"queue {h(data['ticket_queue'])}")
        return " · ".join(parts) or "no contacts listed"

    def hours(self, team: Entity) -> str:
        hours = team.data["hours"]
        if hours["schedule"] == "24x7":
            return f"24x7 ({h(hours['timezone'])})"
        return f"{h(hours['start'])}–{h(hours['end'])} working days ({h(hours['timezone'])})"

    def clock_text(self, clock: str) -> str:
        if clock == "24x7":
            return "24x7 calendar hours"
        calendar = self.kb.calendars.get(clock)
        if calendar is None:
            return f"working hours ({h(clock)})"
        data = calendar.data
        days = data.get("weekdays", list(DEFAULT_WEEKDAYS))
        text = f"working hours {h(data['start'])}–{h(data['end'])} {h(', '.join(days))} ({h(data['timezone'])})"
        if "holidays" in data:
            text += f", no public holidays ({h(data['holidays'])})"
        return text

    def sla_line(self, policy: Entity) -> str:
        data = policy.data
        return (
            f"<p><strong>React within {humanize(data['react_within'])}</strong> · "
            f"<strong>resolve or escalate within {humanize(data['resolve_within'])}</strong> · "
            f"clock: {self.clock_text(data['clock'])} ({h(data['name'])})</p>"
        )

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
        # of last, this and next year come from the same holidays package as opskb.clocks
        # (public holidays, and weekend days the country moved work to).
        if not country:
            return {"holidays": [], "workdays": []}
        import holidays

        years = [self.today.year - 1, self.today.year, self.today.year + 1]
        try:
            calendar = holidays.country_holidays(country, years=years)
        except NotImplementedError:
            return {"holidays": [], "workdays": []}
        moved = getattr(calendar, "weekend_workdays", set())
        return {
            "holidays": sorted(day.isoformat() for day in calendar),
            "workdays": sorted(day.isoformat() for day in moved),
        }

    def clock_minutes(self, text: str, clock: str) -> int:
        """A content duration in minutes of clock time; on working hours a day is one
        working day (end - start), as opskb.clocks.deadline_for counts it."""
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

    def runbook_table(self, src: str, runbooks: Iterable[Entity]) -> str:
        rows = []
        for runbook in runbooks:
            owner = self.owner_of(runbook.id)
            rows.append(
                (
                    self.runbook_link(src, runbook.id),
                    runbook.data["severity"],
                    KIND_LABELS[runbook.data["kind"]],
                    self.team_link(src, owner.id) if owner else "—",
                )
            )
        if not rows:
            return "<p>None.</p>"
        return _table(("Runbook", "Severity", "Type", "Owner (L2)"), rows)

    # ---------------------------------------------------------------- runbook page

    def runbook_page(self, runbook: Entity) -> GeneratedPage:
        src = runbook_uri(runbook.id)
        data = runbook.data
        route = self.kb.route_of(runbook.id)
        policy = self.kb.sla_of(route.id) if route else None
        owner = self.owner_of(runbook.id)
        extra: dict[str, Any] = {"search": {"boost": 2}}
        if data.get("tags"):
            # Read by the tags plugin (tags_name_property) but not by the search plugin,
            # which would boost a tag match a million-fold over a symptom phrase.
            extra["kb_tags"] = data["tags"]
        out: list[Any] = [_front_matter(data["title"], **extra), f"# {md(data['title'])}"]

        severity = data["severity"]
        facts = [f"<strong>Systems:</strong> {_list(self.system_link(src, s) for s in data['systems'])}"]
        markets = data.get("marketplaces")
        if markets == "all":
            facts.append("<strong>Marketplaces:</strong> all")
        elif markets:
            facts.append(f"<strong>Marketplaces:</strong> {_list(self.marketplace_link(src, m) for m in markets)}")
        facts.append(f"<strong>Impact:</strong> {h(data['impact'])}")
        due = review_due(runbook.data)
        overdue = due < self.today
        out.append(
            f'<div class="opskb-summary"><p class="opskb-badges">'
            f'<span class="opskb-sev opskb-sev-{severity}">{severity}</span> '
            f'<span class="opskb-kind">{KIND_LABELS[data["kind"]]}</span></p>'
            f"{_ul(facts)}"
            # Also revealed by the page script when the review falls due after the build,
            # so a site built long ago does not claim to be fresh.
            f'<div class="admonition warning opskb-review-overdue" data-due="{due.isoformat()}"'
            f'{"" if overdue else " hidden"}><p class="admonition-title">Review overdue</p>'
            f"<p>This runbook was due for review on {due.isoformat()}. Check every step "
            f"before relying on it and tell the review owner.</p></div></div>"
        )

        # Each symptom and alert name is its own search section, titled with its words:
        # the search index weighs a section title 1000 times its text, so the words an
        # engineer has in hand (an alert name, a symptom phrase) find this page before
        # pages that merely mention them. On the page they are a plain list.
        out.append("## Symptoms and alerts {#symptoms}")
        items = [f'<li id="symptom-{n}">{h(s)}</li>' for n, s in enumerate(data["symptoms"], start=1)]
        items += [
            f'<li id="alert-{n}" class="opskb-alert">Alert {code(a)}</li>'
            for n, a in enumerate(data.get("alerts", []), start=1)
        ]
        out.append('<ul class="opskb-symptoms">' + "".join(items) + "</ul>")
        for number, symptom in enumerate(data["symptoms"], start=1):
            out.append(_Section(f"symptom-{number}", symptom))
        for number, alert in enumerate(data.get("alerts", []), start=1):
            out.append(_Section(f"alert-{number}", f"Alert {alert}"))

        if data.get("do_not"):
            out.append("## Do not {#do-not}")
            items = (f"<strong>{h(i['action'])}</strong><br>Why: {h(i['why'])}" for i in data["do_not"])
            out.append(
                f'<div class="admonition danger opskb-do-not"><p class="admonition-title">Do not</p>{_ul(items)}</div>'
            )

        out.append("## SLA clocks {#sla}")
        if policy is not None and route is not None:
            out.append(self.sla_line(policy))
            out.append(self.timer_block(runbook, route, policy))
            # Worked deadlines without JavaScript: site/deadlines.py.
            out.extend(deadlines.page_parts(self.kb, runbook, self.today.year, getattr(self, "language", "en")))
        else:
            out.append("<p>No SLA policy found for this route.</p>")

        out.append("## Owner and escalation {#escalation}")
        block = []
        if owner is not None:
            block.append(
                f"<p><strong>Owner (L2):</strong> {self.team_link(src, owner.id)} — {self.contacts(owner)}</p>"
            )
        if route is not None:
            block.append(f"<p>Route: {self.route_link(src, route)}</p>")
            block.append(self.chain_table(src, route))
        out.append("<div>" + "\n".join(block) + "</div>" if block else "<p>No route.</p>")

        out.append("## First response {#first-response}")
        out.append("<ol>" + "".join(f"<li>{h(item)}</li>" for item in data["first_response"]) + "</ol>")

        out.append("## Steps {#steps}")
        checks = {check["id"]: check for check in data.get("checks", [])}
        for number, step in enumerate(data["steps"], start=1):
            out.append(_heading(3, f"{number}. {md(step['title'])}", f"step-{step['id']}"))
            if step.get("changes_system"):
                mark = '<span class="opskb-mark opskb-changes">Changes a system</span>'
            else:
                mark = '<span class="opskb-mark opskb-readonly">Read-only</span>'
            meta = [mark, f"line {step.get('line', 'L1')}"]
            if step.get("tool"):
                meta.append(f"tool: {h(step['tool'])}")
            body = [f'<p class="opskb-step-meta">{" · ".join(meta)}</p>', f"<p>{h(step['do'])}</p>"]
            check_id = step.get("check")
            if check_id:
                check = checks.get(check_id)
                title = h(check["title"]) if check else code(check_id)
                body.append(f"<p>Check: {title}</p>")
                body.append(f"<pre><code>opskb run {runbook.id} --check {check_id}</code></pre>")
            out.append('<div class="opskb-step">' + "".join(body) + "</div>")

        if checks:
            out.append("## Checks {#checks}")
            rows = []
            for check in checks.values():
                on_fail = check.get("on_fail")
                fail = f'<a href="#step-{on_fail}">step {on_fail}</a>' if on_fail else "—"
                rows.append((f"{h(check['title'])} ({code(check['id'])})", check["type"], code(check["source"]), fail))
            out.append(
                f"<div><p>Run them all: <code>opskb run {runbook.id}</code></p>"
                f"{_table(('Check', 'Type', 'Source', 'On failure'), rows)}</div>"
            )

        comm = data.get("communication")
        if comm:
            out.append("## Update template {#update-template}")
            cadence = f" · every {humanize(comm['cadence'])}" if comm.get("cadence") else ""
            out.append(
                f"<div><p><strong>Channel:</strong> {h(comm['channel'])} · "
                f"<strong>Audience:</strong> {h(comm['audience'])}{cadence}</p>"
                f'<pre class="opskb-template"><code>{pre(comm["template"])}</code></pre></div>'
            )

        if data.get("related"):
            out.append("## Related {#related}")
            out.append(_ul(self.runbook_link(src, r) for r in data["related"]))

        review = data["review"]
        out.append("## Review {#review}")
        out.append(
            f"<p>Review owner: {self.team_link(src, review['owner'])} · last reviewed "
            f"{h(review['last_reviewed'])} · every {review['interval_days']} days · next review "
            f"due {due.isoformat()}{' (<strong>overdue</strong>)' if overdue else ''}<br>"
            f"Source: <code>{h(runbook.file)}</code></p>"
        )
        return self.finish(src, out, in_nav=False)

    def chain_table(self, src: str, route: Entity) -> str:
        rows = []
        for hop in route.data["hops"]:
            team = self.kb.teams.get(hop["team"])
            after = f"{humanize(hop['after'])} after registration" if hop.get("after") else "at once"
            rows.append(
                (
                    hop["line"],
                    self.team_link(src, hop["team"]),
                    after,
                    h(hop["when"]) if hop.get("when") else "—",
                    self.contacts(team) if team else "—",
                    self.hours(team) if team else "—",
                )
            )
        headers = ("Line", "Team", "Escalate at the latest", "Escalate earlier when", "Contacts", "Hours")
        return _table(headers, rows)

    def timer_block(self, runbook: Entity, route: Entity, policy: Entity) -> str:
        """The incident timer: data for the page script, and a static fallback without it."""
        clock = policy.data["clock"]
        hops = []
        for hop in route.data["hops"]:
            team = self.kb.teams.get(hop["team"])
            minutes = self.clock_minutes(hop["after"], clock) if hop.get("after") else 0
            hops.append({"line": hop["line"], "team": team.data["name"] if team else hop["team"], "after": minutes})
        payload = {
            "runbook": runbook.id,
            "react": self.clock_minutes(policy.data["react_within"], clock),
            "resolve": self.clock_minutes(policy.data["resolve_within"], clock),
            "clock": self.clock_data(clock),
            "hops": hops,
        }
        # In a raw HTML block an attribute needs HTML escaping only; the script parses the
        # JSON and writes every string with textContent.
        blob = h(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        return (
            f'<div class="opskb-timer" data-opskb-timer="{blob}">'
            '<p class="opskb-timer-fallback">Incident timer: needs JavaScript. Count the '
            "times in the escalation table from the moment the incident was registered.</p>"
            "</div>"
        )

    # ---------------------------------------------------------------- indexes

    def runbook_index(self) -> GeneratedPage:
        src = RUNBOOK_INDEX
        browse = ", ".join(
            self.a(src, dest, text)
            for dest, text in (
                (BY_SYSTEM, "by system"),
                (BY_MARKETPLACE, "by marketplace"),
                (BY_SEVERITY, "by severity"),
                (BY_TAG, "by tag"),
            )
        )
        out = [
            _front_matter("Runbooks", search={"exclude": True}),
            "# Runbooks",
            f"<p>{len(self.runbooks)} runbooks. Browse them {browse}, or search for an alert name or a symptom.</p>",
            self.runbook_table(src, self.runbooks),
        ]
        return self.finish(src, out)

    def by_system(self) -> GeneratedPage:
        src = BY_SYSTEM
        out = [_front_matter("Runbooks by system", search={"exclude": True}), "# Runbooks by system"]
        systems: dict[str, list[Entity]] = {}
        for runbook in self.runbooks:
            for system in runbook.data["systems"]:
                systems.setdefault(system, []).append(runbook)
        for system in sorted(set(systems) | set(self.owners)):
            out.append(f"## {md(system)} {{#system-{system}}}")
            owners = self.owners.get(system, [])
            owner_text = _list(self.team_link(src, t) for t in owners) if owners else "no owner"
            found = systems.get(system)
            out.append(
                f"<div><p>Owner: {owner_text}</p>"
                + (self.runbook_table(src, found) if found else "<p>No runbook yet.</p>")
                + "</div>"
            )
        return self.finish(src, out)

    def by_marketplace(self) -> GeneratedPage:
        src = BY_MARKETPLACE
        out = [
            _front_matter("Runbooks by marketplace", search={"exclude": True}),
            "# Runbooks by marketplace",
            "## Every marketplace {#all}",
            self.runbook_table(src, [r for r in self.runbooks if r.data.get("marketplaces") == "all"]),
        ]
        for market in self.markets:
            own = self.runbooks_for_marketplace(market.id, with_every=False)
            out.append(f"## {md(market.data['name'])} {{#marketplace-{market.id}}}")
            out.append(
                f"<div><p>Status mapping: {self.marketplace_link(src, market.id)}</p>"
                + (self.runbook_table(src, own) if own else "<p>Only the runbooks for every marketplace.</p>")
                + "</div>"
            )
        return self.finish(src, out)

    def by_severity(self) -> GeneratedPage:
        src = BY_SEVERITY
        out = [_front_matter("Runbooks by severity", search={"exclude": True}), "# Runbooks by severity"]
        for severity in SEVERITIES:
            out.append(f"## {severity.capitalize()} {{#{severity}}}")
            out.append(self.runbook_table(src, [r for r in self.runbooks if r.data["severity"] == severity]))
        return self.finish(src, out)

    def by_tag(self) -> GeneratedPage:
        # mkdocs-material's tags plugin fills the listing from the runbooks' front matter.
        out = [
            _front_matter("Runbooks by tag", search={"exclude": True}),
            "# Runbooks by tag",
            "<!-- material/tags -->",
        ]
        return self.finish(BY_TAG, out)

    # ---------------------------------------------------------------- escalation

    def _line_cells(self, route: Entity, src: str | None) -> dict[str, list[str]]:
        cells: dict[str, list[str]] = {line: [] for line in LINES}
        for hop in route.data["hops"]:
            if src is None:
                team = self.kb.teams.get(hop["team"])
                name = h(team.data["name"]) if team else code(hop["team"])
                when = f" ({_short(hop['after'])})" if hop.get("after") else ""
            else:
                name = self.team_link(src, hop["team"])
                when = f" by {humanize(hop['after'])}" if hop.get("after") else ""
            cells.setdefault(hop["line"], []).append(name + when)
        return cells

    def escalation_map(self) -> GeneratedPage:
        src = ESCALATION_MAP
        out = [_front_matter("Escalation map"), "# Escalation map"]
        out.append(
            "<p>Who owns each family of incidents and how it moves L1 → L2 → L3. Times are the "
            "latest moment the ticket must be with that line, counted on the route's SLA clock "
            f"from registration. Printable: {self.a(src, CARD, 'escalation card')}; contacts: "
            f"{self.a(src, TEAMS, 'team directory')}.</p>"
        )
        rows = []
        for route in self.routes:
            policy = self.kb.sla_of(route.id)
            cells = self._line_cells(route, src)
            sla = (
                f"{humanize(policy.data['react_within'])} / {humanize(policy.data['resolve_within'])}"
                if policy
                else "—"
            )
            rows.append(
                (
                    f'<a href="#route-{route.id}">{h(route.data["name"])}</a>',
                    sla,
                    *(_list(cells[line], "<br>") or "—" for line in LINES),
                )
            )
        out.append(_table(("Incident family", "React / resolve", "L1", "L2", "L3"), rows))
        by_route: dict[str, list[Entity]] = {}
        for runbook in self.runbooks:
            by_route.setdefault(runbook.data["route"], []).append(runbook)
        for route in self.routes:
            policy = self.kb.sla_of(route.id)
            out.append(f"## {md(route.data['name'])} {{#route-{route.id}}}")
            found = by_route.get(route.id, [])
            out.append(
                "<div>"
                + (self.sla_line(policy) if policy is not None else "")
                + self.chain_table(src, route)
                + f"<p>Runbooks on this route ({len(found)}):</p>"
                + (_ul(self.runbook_link(src, r.id) for r in found) if found else "<p>None.</p>")
                + "</div>"
            )
        return self.finish(src, out)

    def team_directory(self) -> GeneratedPage:
        src = TEAMS
        out = [_front_matter("Team directory"), "# Team directory"]
        routes_of: dict[str, list[Entity]] = {}
        for route in self.routes:
            for hop in route.data["hops"]:
                routes_of.setdefault(hop["team"], []).append(route)
        for line in LINES:
            teams = [t for t in self.kb.teams.values() if t.data["line"] == line]
            if not teams:
                continue
            out.append(f"## {line} {{#line-{line.lower()}}}")
            for team in sorted(teams, key=lambda e: e.data["name"].lower()):
                data = team.data
                out.append(f"### {md(data['name'])} {{#team-{team.id}}}")
                facts = [
                    f"<strong>Contacts:</strong> {self.contacts(team)}",
                    f"<strong>Hours:</strong> {self.hours(team)}",
                ]
                if data.get("vendor"):
                    facts.append("<strong>Vendor</strong> (external contractor)")
                if data.get("owns"):
                    facts.append(f"<strong>Owns:</strong> {_list(self.system_link(src, s) for s in data['owns'])}")
                routes = routes_of.get(team.id, [])
                if routes:
                    facts.append("<strong>Routes:</strong> " + _list(self.route_link(src, r) for r in routes))
                role = f"<p>{h(data['role'])}</p>" if data.get("role") else ""
                out.append(f"<div>{role}{_ul(facts)}</div>")
        return self.finish(src, out)

    def card(self) -> GeneratedPage:
        """One printed sheet for the desk: routes on the left, whom to call on the right.

        Compact on purpose (abbreviated clocks, no queue names, the common time zone
        stated once); the full details are on the escalation map and team directory.
        """
        src = CARD
        zones = [t.data["hours"]["timezone"] for t in self.kb.teams.values()]
        common = max(sorted(set(zones)), key=zones.count) if zones else ""
        route_rows = []
        for route in self.routes:
            policy = self.kb.sla_of(route.id)
            cells = self._line_cells(route, None)
            sla = (
                f"{_short(policy.data['react_within'])} / {_short(policy.data['resolve_within'])}"
                + (" 24x7" if policy.data["clock"] == "24x7" else " work h")
                if policy
                else "—"
            )
            route_rows.append((h(route.data["name"]), sla, *(_list(cells[line], "<br>") or "—" for line in LINES)))
        team_rows = []
        for team in sorted(self.kb.teams.values(), key=lambda e: (e.data["line"], e.data["name"].lower())):
            data = team.data
            contacts = data.get("contacts", {})
            reach = [h(contacts[k]) for k in ("chat", "phone", "email") if k in contacts]
            hours = data["hours"]
            when = "24x7" if hours["schedule"] == "24x7" else f"{h(hours['start'])}–{h(hours['end'])}"
            if hours["timezone"] != common:
                when += f" {h(hours['timezone'])}"
            team_rows.append(
                (
                    f"{h(data['name'])} ({data['line']})",
                    _list(reach, " · ") or h(contacts.get("ticket_queue", "—")),
                    when,
                )
            )
        out = [
            _front_matter("Escalation card", hide=["navigation", "toc"], search={"exclude": True}),
            "# Escalation card",
            "<p>Print this page: one sheet. (n) is the latest hand-over to that line, counted "
            f"from registration on the route's SLA clock; hours are {h(common)} time unless "
            "stated.</p>",
            '<div class="opskb-card">\n<div class="opskb-card-routes">\n'
            + _table(("Incident family", "React / resolve", "L1", "L2", "L3"), route_rows)
            + '\n</div>\n<div class="opskb-card-teams">\n'
            + _table(("Team", "Contacts", "Hours"), team_rows)
            + "\n</div>\n</div>",
        ]
        return self.finish(src, out)

    # ---------------------------------------------------------------- status models

    def marketplace_index(self) -> GeneratedPage:
        src = MARKETPLACES
        rows = []
        for market in self.markets:
            statuses = market.data["statuses"]
            closest = sum(1 for s in statuses if s["match"] == "closest")
            kind = "online pharmacy" if market.data["kind"] == "online_pharmacy" else "marketplace"
            rows.append(
                (
                    self.marketplace_link(src, market.id),
                    kind,
                    str(len(statuses)),
                    str(closest),
                    h(market.data["source"]["read_on"]),
                )
            )
        out = [
            _front_matter("Marketplaces"),
            "# Marketplaces and order statuses",
            "<p>Each marketplace names order statuses its own way; each is mapped onto one "
            f"{self.a(src, INTERNAL, 'internal status')}, exactly or to the closest in meaning.</p>",
            _table(("Marketplace", "Kind", "Statuses", "Closest matches", "Source read on"), rows),
        ]
        return self.finish(src, out)

    def marketplace_page(self, market: Entity) -> GeneratedPage:
        src = marketplace_uri(market.id)
        data = market.data
        kind = "Online pharmacy (vertical)" if data["kind"] == "online_pharmacy" else "Marketplace (horizontal)"
        source = data["source"]
        api = h(source["api"])
        if source.get("version"):
            api += f", version {h(source['version'])}"
        api += f", read on {h(source['read_on'])}"
        if source.get("reference"):
            api += f" ({link(source['reference'], source['reference'])})"
        facts = [
            f"<strong>Kind:</strong> {kind}",
            f"<strong>Status source:</strong> {api}",
            f"<strong>Status key:</strong> {_list(code(f) for f in data['key']['fields'])}",
        ]
        if data.get("aliases"):
            facts.append(f"<strong>Also written as:</strong> {_list(h(alias) for alias in data['aliases'])}")
        if data["key"].get("precedence"):
            facts.append(f"<strong>Precedence:</strong> {h(data['key']['precedence']['rule'])}")
        if data.get("chat"):
            facts.append(f"<strong>Seller support chat:</strong> {link(data['chat'], data['chat'])}")
        out = [_front_matter(data["name"], search={"boost": 3}), f"# {md(data['name'])}", _ul(facts)]
        if data.get("illustrative"):
            out.append(
                '<div class="admonition note"><p class="admonition-title">Illustrative status model</p>'
                "<p>No public status list exists for this marketplace; the model below is "
                "illustrative.</p></div>"
            )
        out.append("## Status mapping {#mapping}")
        rows = []
        for status in data["statuses"]:
            rows.append(
                (
                    code(status["code"]) + (" (terminal)" if status.get("terminal") else ""),
                    h(status["label"]) if status.get("label") else "—",
                    self.internal_link(src, status["maps_to"]),
                    status["match"],
                    h(status["note"]) if status.get("note") else "",
                )
            )
        out.append(_table(("Marketplace status", "Buyer sees", "Internal status", "Match", "Note"), rows))
        if len(data["key"]["fields"]) == 2:
            out.append("## How pairs resolve {#pairs}")
            out.append(self.pair_resolution(src, market))
        out.append("## State diagram {#diagram}")
        out.append(
            self.state_diagram(
                [(s["code"], s.get("next", []), bool(s.get("terminal"))) for s in data["statuses"]],
                data.get("initial"),
            )
        )
        out.append("## Runbooks {#runbooks}")
        out.append(self.runbook_table(src, self.runbooks_for_marketplace(market.id)))
        return self.finish(src, out)

    def pair_resolution(self, src: str, market: Entity) -> str:
        """The precedence of a two-field key as a table: each step, then worked examples of
        pairs the file does not list, resolved by the one resolver every command uses."""
        key = StatusKey(market.data)
        first, second = (code(f) for f in key.fields)
        steps = [("<em>a pair listed above</em>", "itself", f"as listed: the {first} and {second} together")]
        for value in key.decides_alone:
            entry = key.deciding.get(value)
            target = self.internal_link(src, entry["maps_to"]) if entry else "—"
            steps.append((code(f"*/{value}"), target, f"{second} {code(value)} is final and decides alone"))
        if key.first_alone:
            steps.append((code("first/*"), f"the {first} alone", f"any other {second}: the {first} decides"))
        else:
            steps.append((code("first/*"), "not in the mapping", "reported, never mapped to a default"))
        rows = list(steps)
        for pair in [*key.worked_examples(), "NOT_LISTED/NOT_LISTED"]:
            resolved = key.resolve(pair)
            if resolved is None:
                rows.append((code(pair), "not in the mapping", "reported by opskb status and reconcile"))
                continue
            why = resolved.why(key.fields) or "listed"
            rows.append((code(pair), self.internal_link(src, resolved.entry["maps_to"]), h(why)))
        return _table((f"{first} / {second}", "Resolves to", "Why"), rows)

    def internal_link(self, src: str, status_id: str) -> str:
        target = self.kb.internal_statuses.get(status_id)
        if target is None:
            return code(status_id)
        return self.a(src, INTERNAL, h(target.data["name"]), f"status-{status_id}") + f" ({code(status_id)})"

    def internal_page(self) -> GeneratedPage:
        src = INTERNAL
        out = [_front_matter("Internal status model"), "# Internal order status model"]
        internal = self.kb.internal
        if internal is None:
            out.append("<p>No internal status model (status_mappings/internal.yaml) yet.</p>")
            return self.finish(src, out)
        data = internal.data
        mapped: dict[str, list[str]] = {}
        for market in self.markets:
            for status in market.data["statuses"]:
                mapped.setdefault(status["maps_to"], []).append(
                    f"{self.marketplace_link(src, market.id)} {code(status['code'])}"
                )
        intro = f"<p>{h(data['description'])}</p>" if data.get("description") else ""
        out.append(f"<div>{intro}<p>Orders start in {code(data['initial'])}.</p></div>")
        out.append("## Diagram {#diagram}")
        out.append(
            self.state_diagram(
                [(s["id"], s.get("next", []), bool(s.get("terminal"))) for s in data["statuses"]],
                data["initial"],
            )
        )
        out.append("## Statuses {#statuses}")
        known = self.kb.internal_statuses
        for status in data["statuses"]:
            out.append(f"### {md(status['name'])} {{#status-{status['id']}}}")
            facts = [f"<strong>Id:</strong> {code(status['id'])}"]
            if status.get("name_ru"):
                facts.append(f"<strong>Russian:</strong> {h(status['name_ru'])}")
            if status.get("description"):
                facts.append(f"<strong>Means:</strong> {h(status['description'])}")
            if status.get("terminal"):
                facts.append("<strong>Terminal</strong>")
            nexts = status.get("next", [])
            if nexts:
                facts.append(
                    "<strong>Next:</strong> "
                    + _list(f'<a href="#status-{n}">{code(n)}</a>' if n in known else code(n) for n in nexts)
                )
            if mapped.get(status["id"]):
                facts.append("<strong>Marketplace statuses mapped here:</strong> " + _list(mapped[status["id"]]))
            out.append(_ul(facts))
        return self.finish(src, out)

    @staticmethod
    def state_diagram(states: list[tuple[str, list[str], bool]], initial: str | None) -> str:
        """A Mermaid stateDiagram in the element mkdocs-material renders (``pre.mermaid``).

        States get generated ids; the status code is only a label, reduced to safe
        characters, and the whole source is HTML-escaped like any code block.
        """
        ids: dict[str, str] = {}
        lines = ["stateDiagram-v2"]

        def state_id(name: str) -> str:
            if name not in ids:
                ids[name] = f"s{len(ids)}"
                lines.append(f'    state "{mermaid_label(name)}" as {ids[name]}')
            return ids[name]

        edges = []
        for name, nexts, terminal in states:
            sid = state_id(name)
            for target in nexts:
                edges.append(f"    {sid} --> {state_id(target)}")
            if terminal:
                edges.append(f"    {sid} --> [*]")
        if initial:
            edges.insert(0, f"    [*] --> {state_id(initial)}")
        lines.extend(edges)
        return f'<pre class="mermaid"><code>{pre(chr(10).join(lines))}</code></pre>'

    # ---------------------------------------------------------------- reference

    def rules_page(self) -> GeneratedPage:
        out = [
            _front_matter("Check rules"),
            "# Check rules",
            "<p>Every problem <code>opskb check</code> reports has a stable code. The same lines "
            "fail the site build. Each rule below shows an example that triggers it and its fix, "
            "as changes to the example tree in <code>tests/fixtures/minimal</code>.</p>",
        ]
        family = None
        for rule in all_rules().values():
            if rule.family != family:
                family = rule.family
                out.append(f"## {md(family)} ({rule.code[:3]}xx) {{#family-{_slug(family)}}}")
            out.append(f"### {rule.code} {md(rule.name)} {{#{rule.code.lower()}}}")
            out.append(
                f"<div><p><strong>Level:</strong> {h(rule.level)} · {h(rule.summary)}</p>"
                f"<p><strong>Message:</strong> {h(rule.message)}</p>"
                f"<p><strong>Hint:</strong> {h(rule.hint)}</p>"
                f"<p>Bad:</p><pre><code>{pre(example_text(rule.bad))}</code></pre>"
                f"<p>Good:</p><pre><code>{pre(example_text(rule.good))}</code></pre></div>"
            )
        return self.finish(RULES, out)

    # ---------------------------------------------------------------- all

    def pages(self) -> list[GeneratedPage]:
        pages = [
            self.runbook_index(),
            self.by_system(),
            self.by_marketplace(),
            self.by_severity(),
            self.by_tag(),
            self.escalation_map(),
            self.team_directory(),
            self.card(),
            self.marketplace_index(),
            self.internal_page(),
            self.rules_page(),
        ]
        pages.extend(self.runbook_page(r) for r in self.runbooks)
        pages.extend(self.marketplace_page(m) for m in self.markets)
        return pages
