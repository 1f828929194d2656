"""What the handwritten pages (docs/) say about teams and SLA policies, from the YAML.

Markdown fragments for mkdocs-macros (site/macros.py): a table of every team by line and
a table of every SLA policy, and sentences that name each policy of a priority with its
own figures, so that no handwritten sentence generalizes a figure that differs by policy.
Every YAML string goes through ``escape.md`` (Markdown and Jinja read these fragments);
links to generated pages are Markdown links, which MkDocs resolves and validates.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import Any

from ..clocks import CLOCK_24X7, DEFAULT_WEEKDAYS
from ..kb import Entity, KnowledgeBase
from .escape import md, safe_url
from .pages import ESCALATION_MAP, LINES, SEVERITIES, TEAMS
from .wording import duration, language_of

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "line": "Line",
        "team": "Team",
        "hours": "Hours",
        "zone": "Time zone",
        "contacts": "Contacts",
        "priority": "Priority",
        "policy": "Policy",
        "react": "React within",
        "resolve": "Resolve or escalate within",
        "clock": "Clock",
        "routes": "Routes that use it",
        "runbooks": "Runbooks",
        "none": "none",
        "h24": "24x7",
        "working": "{start}–{end}, working days",
        "chat": "chat",
        "mail": "mail",
        "phone": "phone",
        "queue": "queue",
        "clock_24x7": "24x7 calendar time, nights, weekends and holidays included",
        "clock_working": "working hours {start}–{end}, {days}, {zone}",
        "holidays_off": ", public holidays ({country}) off",
        "policy_sentence": (
            "**{name}**: react within {react}, resolve or escalate within {resolve}, on {clock} ({count})"
        ),
        "runbook_count": "{n} runbooks",
        "runbook_count_one": "1 runbook",
        "and": " and ",
        "no_policy": "no policy has this priority",
    },
    "ru": {
        "line": "Линия",
        "team": "Команда",
        "hours": "Часы работы",
        "zone": "Часовой пояс",
        "contacts": "Контакты",
        "priority": "Приоритет",
        "policy": "Политика",
        "react": "Реакция за",
        "resolve": "Решить или эскалировать за",
        "clock": "Часы SLA",
        "routes": "Маршруты с этой политикой",
        "runbooks": "Ранбуков",
        "none": "нет",
        "h24": "круглосуточно",
        "working": "{start}–{end}, рабочие дни",
        "chat": "чат",
        "mail": "почта",
        "phone": "телефон",
        "queue": "очередь",
        "clock_24x7": "календарное время 24x7, включая ночи, выходные и праздники",
        "clock_working": "рабочие часы {start}–{end}, {days}, {zone}",
        "holidays_off": ", без государственных праздников ({country})",
        "policy_sentence": (
            "**{name}**: реакция за {react}, решение или эскалация за {resolve}, по часам: {clock} ({count})"
        ),
        "runbook_count": "ранбуков: {n}",
        "runbook_count_one": "ранбуков: 1",
        "and": " и ",
        "no_policy": "политик с таким приоритетом нет",
    },
}
_DAYS = {
    "en": dict(mon="Mon", tue="Tue", wed="Wed", thu="Thu", fri="Fri", sat="Sat", sun="Sun"),
    "ru": dict(mon="пн", tue="вт", wed="ср", thu="чт", fri="пт", sat="сб", sun="вс"),
}
_PRIORITY = {
    "en": dict(critical="critical", high="high", medium="medium", low="low"),
    "ru": dict(critical="критический", high="высокий", medium="средний", low="низкий"),
}


class Handbook:
    """The fragments for one knowledge base, in one language, for one page."""

    def __init__(self, kb: KnowledgeBase, language: str = "en", page: str = "index.md") -> None:
        self.kb = kb
        self.language = language_of(language)
        self.words = WORDS[self.language]
        self.page = page

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
        w = self.words
        parts = []
        if "chat" in data:
            parts.append(f"{w['chat']} {_a(data['chat'], data['chat'])}")
        if "email" in data:
            parts.append(f"{w['mail']} {_a(data['email'], 'mailto:' + data['email'])}")
        if "phone" in data:
            parts.append(f"{w['phone']} {_a(data['phone'], 'tel:' + re.sub(r'[^0-9+]', '', data['phone']))}")
        if "ticket_queue" in data:
            parts.append(f"{w['queue']} {md(data['ticket_queue'])}")
        return " · ".join(parts) or "—"

    def hours(self, team: Entity) -> str:
        hours = team.data["hours"]
        if hours["schedule"] == "24x7":
            return self.words["h24"]
        return self.words["working"].format(start=md(hours["start"]), end=md(hours["end"]))

    def team_table(self) -> str:
        w = self.words
        rows = []
        for line in LINES:
            teams = sorted((t for t in self.kb.teams.values() if t.data["line"] == line), key=_name_key)
            for team in teams:
                zone = md(team.data["hours"]["timezone"])
                rows.append((line, self.team_link(team), self.hours(team), zone, self.contacts(team)))
        return _md_table((w["line"], w["team"], w["hours"], w["zone"], w["contacts"]), rows)

    # ------------------------------------------------------------ SLA

    def policies(self) -> list[Entity]:
        order = {severity: n for n, severity in enumerate(SEVERITIES)}
        return sorted(self.kb.sla_policies.values(), key=lambda p: order.get(p.data["priority"], len(order)))

    def clock(self, clock: str) -> str:
        if clock == CLOCK_24X7:
            return self.words["clock_24x7"]
        calendar = self.kb.calendars.get(clock)
        if calendar is None:
            return md(clock)
        data = calendar.data
        days = ", ".join(_DAYS[self.language][d] for d in data.get("weekdays", DEFAULT_WEEKDAYS))
        text = self.words["clock_working"].format(
            start=md(data["start"]), end=md(data["end"]), days=days, zone=md(data["timezone"])
        )
        if data.get("holidays"):
            text += self.words["holidays_off"].format(country=md(data["holidays"]))
        return text

    def routes_of(self, policy: Entity) -> list[Entity]:
        routes = (r for r in self.kb.routes.values() if r.data["sla"] == policy.id)
        return sorted(routes, key=_name_key)

    def runbooks_on(self, policy: Entity) -> int:
        routes = {r.id for r in self.routes_of(policy)}
        return sum(1 for runbook in self.kb.runbooks.values() if runbook.data["route"] in routes)

    def priority(self, priority: str) -> str:
        return _PRIORITY[self.language].get(priority, md(priority))

    def sla_table(self) -> str:
        w = self.words
        rows = []
        for policy in self.policies():
            data = policy.data
            routes = ", ".join(self.route_link(r) for r in self.routes_of(policy)) or w["none"]
            rows.append(
                (
                    self.priority(data["priority"]),
                    f"{md(data['name'])} (`{policy.id}`)",
                    duration(data["react_within"], self.language),
                    duration(data["resolve_within"], self.language),
                    self.clock(data["clock"]),
                    str(self.runbooks_on(policy)),
                    routes,
                )
            )
        headers = (w["priority"], w["policy"], w["react"], w["resolve"], w["clock"], w["runbooks"], w["routes"])
        return _md_table(headers, rows)

    def policies_for(self, priority: str) -> str:
        """Each policy of a priority with its own figures, joined into one phrase."""
        w = self.words
        parts = []
        for policy in self.policies():
            data = policy.data
            if data["priority"] != priority:
                continue
            count = self.runbooks_on(policy)
            parts.append(
                w["policy_sentence"].format(
                    name=md(data["name"]),
                    react=duration(data["react_within"], self.language),
                    resolve=duration(data["resolve_within"], self.language),
                    clock=self.clock(data["clock"]),
                    count=w["runbook_count_one"] if count == 1 else w["runbook_count"].format(n=count),
                )
            )
        if not parts:
            return w["no_policy"]
        return _join(parts, w["and"])

    def policies_on(self, clock: str) -> str:
        """The names of the policies that run on a clock ('24x7' or a calendar id)."""
        names = [f"**{md(p.data['name'])}**" for p in self.policies() if p.data["clock"] == clock]
        return _join(names, self.words["and"]) if names else self.words["none"]


def _name_key(entity: Entity) -> tuple[str, str]:
    return entity.data["name"].lower(), entity.id


def _a(label: object, url: object) -> str:
    """A link in Markdown context: the tag is HTML (stashed by Markdown), the label inert."""
    safe = safe_url(url)
    if safe is None:
        return md(label)
    # md() leaves no quote, angle bracket or brace in the attribute: it is inert for
    # Markdown, Jinja and the HTML parser, and the browser decodes the references.
    return f'<a href="{md(safe)}">{md(label)}</a>'


def _join(parts: list[str], last: str) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return "; ".join(parts[:-1]) + ";" + last + parts[-1]


def _md_table(headers: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    """A Markdown table; cells are inert already (md() turns | and newlines into references)."""
    head = list(headers)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    # Blank lines around it: a table must start its own block wherever the macro is called.
    return "\n\n" + "\n".join(lines) + "\n\n"
