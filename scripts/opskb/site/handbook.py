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
from ..status_keys import DECIDES_ALONE, StatusKey
from .escape import md, safe_url
from .pages import ESCALATION_MAP, INTERNAL, LINES, SEVERITIES, TEAMS
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
        "pairs_intro": "**{name}** ({first}/{second}): a pair resolves in this order.",
        "pairs_listed": "A pair listed in the mapping means what its line says.",
        "pairs_alone": "When {second} is {values}, it is final and decides alone, whatever {first} says.",
        "pairs_first": "Any other pair falls back to its {first} alone, when that is listed.",
        "pairs_unknown": "Any other pair is reported as not in the mapping, never given a default.",
        "pairs_example": "Worked example: {pair} is not listed; {how}, so it means {target}.",
        "pairs_example_unknown": "Worked example: {pair} is not listed and is reported as unknown.",
        "how_alone": "{second} {value} decides alone (listed as {listed})",
        "how_first": "its {first} decides (listed as {listed})",
        "or": " or ",
        "no_pairs": "no marketplace here has a two-field key",
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
        "pairs_intro": "**{name}** ({first}/{second}): пара разбирается в таком порядке.",
        "pairs_listed": "Пара, записанная в соответствии, значит то, что сказано в её строке.",
        "pairs_alone": (
            "Если {second} равно {values}, это окончательное значение, и решает оно, что бы ни было в {first}."
        ),
        "pairs_first": "Любая другая пара сводится к одному {first}, если он записан.",
        "pairs_unknown": "Любая другая пара считается отсутствующей в соответствии, значения по умолчанию нет.",
        "pairs_example": "Пример: пары {pair} в файле нет; {how}, поэтому она означает {target}.",
        "pairs_example_unknown": "Пример: пары {pair} в файле нет, о ней сообщается как о неизвестной.",
        "how_alone": "решает {second} {value} (записано как {listed})",
        "how_first": "решает её {first} (записано как {listed})",
        "or": " или ",
        "no_pairs": "здесь нет маркетплейсов с ключом из двух полей",
    },
}
# contact field -> its word and how it becomes a link (None: shown as text)
_CONTACTS = (
    ("chat", "chat", lambda value: value),
    ("email", "mail", lambda value: "mailto:" + value),
    ("phone", "phone", lambda value: "tel:" + re.sub(r"[^0-9+]", "", value)),
    ("ticket_queue", "queue", None),
)
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
        parts = []
        for key, word, link in _CONTACTS:
            if key in data:
                value = data[key]
                parts.append(f"{self.words[word]} {_a(value, link(value)) if link else md(value)}")
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
        if priority not in SEVERITIES:
            raise KeyError(f"unknown priority {priority!r} (known: {', '.join(SEVERITIES)})")
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

    def internal(self, entry: dict[str, Any]) -> str:
        """An internal status as a link to its place on the internal model page."""
        status = self.kb.internal_statuses.get(entry["maps_to"])
        name = md(status.data["name"]) if status else md(entry["maps_to"])
        return self.link(f"{name} ({_code(entry['maps_to'])})", INTERNAL, f"status-{entry['maps_to']}")

    def pair_precedence(self, marketplace_id: str) -> str:
        """One marketplace's two-field precedence, with a worked example ('' for one field)."""
        if marketplace_id not in self.kb.marketplaces:
            raise KeyError(f"unknown marketplace {marketplace_id!r}")
        return _block(precedence_text(self, self.kb.marketplaces[marketplace_id]))

    def pair_precedences(self) -> str:
        """The precedence of every marketplace with a two-field key."""
        texts = [precedence_text(self, m) for m in sorted(self.kb.marketplaces.values(), key=_name_key)]
        return _block("\n\n".join(t for t in texts if t) or self.words["no_pairs"])

    def policies_on(self, clock: str) -> str:
        """The names of the policies that run on a clock ('24x7' or a calendar id)."""
        _known_clock(self.kb, clock)
        names = [f"**{md(p.data['name'])}**" for p in self.policies() if p.data["clock"] == clock]
        return _join(names, self.words["and"]) if names else self.words["none"]


def _known_clock(kb: KnowledgeBase, clock: str) -> None:
    if clock != CLOCK_24X7 and clock not in kb.calendars:
        known = ", ".join([CLOCK_24X7, *sorted(kb.calendars)])
        raise KeyError(f"unknown clock {clock!r} (known: {known})")


def _name_key(entity: Entity) -> tuple[str, str]:
    return entity.data["name"].lower(), entity.id


def _code(text: object) -> str:
    """Inline code in Markdown context. Not a backtick span: inside one, the character
    references md() writes would show as typed; in <code> the browser decodes them."""
    return f"<code>{md(text)}</code>"


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
    shown on worked examples resolved by opskb.status_keys (the resolver every command and
    the mapping page use): the same statement wherever a handwritten page needs it."""
    w, data = book.words, market.data
    key = StatusKey(data)
    if not key.two_fields:
        return ""
    first, second = (_code(f) for f in key.fields)
    steps = [w["pairs_listed"]]
    if key.decides_alone:
        values = w["or"].join(_code(v) for v in key.decides_alone)
        steps.append(w["pairs_alone"].format(first=first, second=second, values=values))
    steps.append(w["pairs_first" if key.first_alone else "pairs_unknown"].format(first=first))
    lines = [w["pairs_intro"].format(name=md(data["name"]), first=first, second=second), ""]
    lines += [f"{n}. {step}" for n, step in enumerate(steps, start=1)]
    examples = []
    for pair in key.worked_examples():
        resolved = key.resolve(pair)
        if resolved is None:
            examples.append(w["pairs_example_unknown"].format(pair=_code(pair)))
            continue
        listed = _code(resolved.entry["code"])
        if resolved.how == DECIDES_ALONE:
            how = w["how_alone"].format(second=second, value=_code(pair.split("/", 1)[1]), listed=listed)
        else:
            how = w["how_first"].format(first=first, listed=listed)
        examples.append(w["pairs_example"].format(pair=_code(pair), how=how, target=book.internal(resolved.entry)))
    for text in examples:
        lines += ["", text]
    return "\n".join(lines)
