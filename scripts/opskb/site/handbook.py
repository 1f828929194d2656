"""What the handwritten pages (docs/) say about teams and SLA policies, from the YAML.

Markdown fragments for mkdocs-macros (site/macros.py): a table of every team by line and
a table of every SLA policy, and sentences that name each policy of a priority with its
own figures, so that no handwritten sentence generalizes a figure that differs by policy.
Every YAML string goes through ``escape.md`` (Markdown and Jinja read these fragments);
links to generated pages are Markdown links, which MkDocs resolves and validates. The
words are the label catalogs' (``handbook.*``), in the site's language; the bits of HTML
(inline code, links to contacts) are the macros of ``templates/handbook/inline.md``,
which a team overrides like the other templates.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from ..escalation.clocks import CLOCK_24X7, DEFAULT_WEEKDAYS
from ..model.addresses import ESCALATION_MAP, INTERNAL, TEAMS
from ..model.kb import Entity, KnowledgeBase
from ..model.status_keys import DECIDES_ALONE, StatusKey
from .escape import md, safe_url
from .labels import Labels
from .pages import LINES, SEVERITIES
from .render import environment, problem

INLINE = "handbook/inline.md"

# contact field -> its label and how it becomes a link (None: shown as text)
_CONTACTS = (
    ("chat", "contact.chat", lambda value: value),
    ("email", "contact.mail", lambda value: "mailto:" + value),
    ("phone", "contact.phone", lambda value: "tel:" + re.sub(r"[^0-9+]", "", value)),
    ("ticket_queue", "contact.queue", None),
)


def inline_macros(override_dirs: list[Path] | None = None) -> Any:
    """The macros of ``templates/handbook/inline.md`` (inline code, links), a team's
    version first: HTML inside Markdown, so YAML text in them is escaped for Markdown
    (render.environment). Made once per build (macros.define_env), so that `mkdocs serve`
    picks up an edited override."""
    try:
        return environment(override_dirs, markdown=True).get_template(INLINE).module
    except jinja2.TemplateError as error:
        raise problem(INLINE, error) from None


class Handbook:
    """The fragments for one knowledge base, in one language, for one page."""

    def __init__(self, kb: KnowledgeBase, language: str = "en", page: str = "index.md", inline: Any = None) -> None:
        self.kb = kb
        self.labels = Labels(language)
        self.t = self.labels.get
        self.page = page
        self.inline = inline if inline is not None else inline_macros()

    def code(self, text: object) -> str:
        """Inline code in Markdown context. Not a backtick span: inside one, the character
        references md() writes would show as typed; in <code> the browser decodes them."""
        return str(self.inline.code(text))

    def a(self, label: object, url: object) -> str:
        """A link in Markdown context when the URL is safe (otherwise the label as text)."""
        safe = safe_url(url)
        return str(self.inline.link(label, safe)) if safe is not None else md(label)

    # ------------------------------------------------------------ links

    def link(self, text_md: str, dest: str, anchor: str = "") -> str:
        """A Markdown link to a docs page (``dest`` relative to docs/), from this page."""
        here = posixpath.dirname(self.page)
        target = posixpath.relpath(dest, here or ".")
        return f"[{text_md}]({target}{'#' + anchor if anchor else ''})"

    def team_link(self, team: Entity) -> str:
        return self.link(md(team.data["name"]), TEAMS, f"team-{team.id}")

    def route_link(self, route: Entity) -> str:
        return self.link(md(route.data["name"]), ESCALATION_MAP, f"route-{route.id}")

    # ------------------------------------------------------------ teams

    def contacts(self, team: Entity) -> str:
        data = team.data.get("contacts", {})
        parts = []
        for key, word, link in _CONTACTS:
            if key in data:
                value = data[key]
                parts.append(f"{self.t(word)} {self.a(value, link(value)) if link else md(value)}")
        return " · ".join(parts) or "—"

    def hours(self, team: Entity) -> str:
        hours = team.data["hours"]
        if hours["schedule"] == "24x7":
            return self.t("handbook.h24")
        return self.t("handbook.working", start=md(hours["start"]), end=md(hours["end"]))

    def team_table(self) -> str:
        t = self.t
        rows = []
        for line in LINES:
            teams = sorted((t for t in self.kb.teams.values() if t.data["line"] == line), key=_name_key)
            for team in teams:
                zone = md(team.data["hours"]["timezone"])
                rows.append((line, self.team_link(team), self.hours(team), zone, self.contacts(team)))
        headers = ("handbook.line", "handbook.team", "handbook.hours", "handbook.zone", "handbook.contacts")
        return _md_table([t(key) for key in headers], rows)

    # ------------------------------------------------------------ SLA

    def policies(self) -> list[Entity]:
        order = {severity: n for n, severity in enumerate(SEVERITIES)}
        # priority is optional (sla.schema.json): a policy for no one priority goes last
        return sorted(self.kb.sla_policies.values(), key=lambda p: order.get(p.data.get("priority"), len(order)))

    def clock(self, clock: str) -> str:
        if clock == CLOCK_24X7:
            return self.t("handbook.clock_24x7")
        calendar = self.kb.calendars.get(clock)
        if calendar is None:
            return md(clock)
        data = calendar.data
        days = self.labels.weekdays(data.get("weekdays", DEFAULT_WEEKDAYS))
        text = self.t(
            "handbook.clock_working", start=md(data["start"]), end=md(data["end"]), days=days, zone=md(data["timezone"])
        )
        if data.get("holidays"):
            text += self.t("handbook.holidays_off", country=md(data["holidays"]))
        return text

    def known_clock(self, clock: str) -> str:
        """A clock a page names, in words; KeyError for one the content does not define."""
        _known_clock(self.kb, clock)
        return self.clock(clock)

    def routes_of(self, policy: Entity) -> list[Entity]:
        routes = (r for r in self.kb.routes.values() if r.data["sla"] == policy.id)
        return sorted(routes, key=_name_key)

    def runbooks_on(self, policy: Entity) -> int:
        routes = {r.id for r in self.routes_of(policy)}
        return sum(1 for runbook in self.kb.runbooks.values() if runbook.data["route"] in routes)

    def priority(self, priority: str) -> str:
        return self.t(f"severity.{priority}") if priority in SEVERITIES else md(priority)

    def sla_table(self) -> str:
        t = self.t
        rows = []
        for policy in self.policies():
            data = policy.data
            routes = ", ".join(self.route_link(r) for r in self.routes_of(policy)) or t("handbook.none")
            rows.append(
                (
                    self.priority(data["priority"]) if "priority" in data else "—",
                    f"{md(data['name'])} (`{policy.id}`)",
                    self.labels.duration(data["react_within"]),
                    self.labels.duration(data["resolve_within"]),
                    self.clock(data["clock"]),
                    str(self.runbooks_on(policy)),
                    routes,
                )
            )
        headers = (
            "handbook.priority",
            "handbook.policy",
            "handbook.react",
            "handbook.resolve",
            "handbook.clock",
            "handbook.runbooks",
            "handbook.routes",
        )
        return _md_table([t(key) for key in headers], rows)

    def policies_for(self, priority: str) -> str:
        """Each policy of a priority with its own figures, joined into one phrase."""
        if priority not in SEVERITIES:
            raise KeyError(f"unknown priority {priority!r} (known: {', '.join(SEVERITIES)})")
        t = self.t
        parts = []
        for policy in self.policies():
            data = policy.data
            if data.get("priority") != priority:
                continue
            count = self.runbooks_on(policy)
            parts.append(
                t(
                    "handbook.policy_sentence",
                    name=md(data["name"]),
                    react=self.labels.duration(data["react_within"]),
                    resolve=self.labels.duration(data["resolve_within"]),
                    clock=self.clock(data["clock"]),
                    count=t("handbook.runbook_count_one") if count == 1 else t("handbook.runbook_count", n=count),
                )
            )
        if not parts:
            return t("handbook.no_policy")
        return _join(parts, t("handbook.and"))

    def internal(self, entry: dict[str, Any]) -> str:
        """An internal status as a link to its place on the internal model page."""
        status = self.kb.internal_statuses.get(entry["maps_to"])
        name = md(status.data["name"]) if status else md(entry["maps_to"])
        return self.link(f"{name} ({self.code(entry['maps_to'])})", INTERNAL, f"status-{entry['maps_to']}")

    def pair_precedence(self, marketplace_id: str) -> str:
        """One marketplace's two-field precedence, with a worked example ('' for one field)."""
        if marketplace_id not in self.kb.marketplaces:
            raise KeyError(f"unknown marketplace {marketplace_id!r}")
        return _block(precedence_text(self, self.kb.marketplaces[marketplace_id]))

    def pair_precedences(self) -> str:
        """The precedence of every marketplace with a two-field key."""
        texts = [precedence_text(self, m) for m in sorted(self.kb.marketplaces.values(), key=_name_key)]
        return _block("\n\n".join(t for t in texts if t) or self.t("handbook.no_pairs"))

    def policies_on(self, clock: str) -> str:
        """The names of the policies that run on a clock ('24x7' or a calendar id)."""
        _known_clock(self.kb, clock)
        names = [f"**{md(p.data['name'])}**" for p in self.policies() if p.data["clock"] == clock]
        return _join(names, self.t("handbook.and")) if names else self.t("handbook.none")


def _known_clock(kb: KnowledgeBase, clock: str) -> None:
    if clock != CLOCK_24X7 and clock not in kb.calendars:
        known = ", ".join([CLOCK_24X7, *sorted(kb.calendars)])
        raise KeyError(f"unknown clock {clock!r} (known: {known})")


def _name_key(entity: Entity) -> tuple[str, str]:
    return entity.data["name"].lower(), entity.id


def _join(parts: list[str], last: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + ";" + last + parts[-1]


def _block(text: str) -> str:
    # Blank lines around it: a list must start its own block wherever the macro is called.
    return f"\n\n{text}\n\n" if text else ""


def _md_table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A Markdown table; cells are inert already (md() turns | and newlines into references)."""
    head = list(headers)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    # Blank lines around it: a table must start its own block wherever the macro is called.
    return "\n\n" + "\n".join(lines) + "\n\n"


def precedence_text(book: Handbook, market: Entity) -> str:
    """How a two-field code of ``market`` resolves, stated from its ``key.precedence`` and
    shown on worked examples resolved by opskb.model.status_keys (the resolver every command and
    the mapping page use): the same statement wherever a handwritten page needs it."""
    t, data = book.t, market.data
    key = StatusKey(data)
    if not key.two_fields:
        return ""
    first, second = (book.code(f) for f in key.fields)
    steps = [t("handbook.pairs_listed")]
    if key.decides_alone:
        values = t("handbook.or").join(book.code(v) for v in key.decides_alone)
        steps.append(t("handbook.pairs_alone", first=first, second=second, values=values))
    steps.append(t("handbook.pairs_first" if key.first_alone else "handbook.pairs_unknown", first=first))
    lines = [t("handbook.pairs_intro", name=md(data["name"]), first=first, second=second), ""]
    lines += [f"{n}. {step}" for n, step in enumerate(steps, start=1)]
    examples = []
    for pair in key.worked_examples():
        resolved = key.resolve(pair)
        if resolved is None:
            examples.append(t("handbook.pairs_example_unknown", pair=book.code(pair)))
            continue
        listed = book.code(resolved.entry["code"])
        if resolved.how == DECIDES_ALONE:
            how = t("handbook.how_alone", second=second, value=book.code(pair.split("/", 1)[1]), listed=listed)
        else:
            how = t("handbook.how_first", first=first, listed=listed)
        examples.append(
            t("handbook.pairs_example", pair=book.code(pair), how=how, target=book.internal(resolved.entry))
        )
    for text in examples:
        lines += ["", text]
    return "\n".join(lines)
