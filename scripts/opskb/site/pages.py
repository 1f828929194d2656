"""The generated pages: Markdown built from the KnowledgeBase, one function per page kind.

Pure functions of the knowledge base (and of ``today`` for review dates), so they are
testable without MkDocs. Every string that comes from YAML goes through ``escape.md``
(or ``escape.pre``/``escape.attr``); identifiers are schema-validated (``[a-z0-9-]``)
and may appear as they are in paths and anchors. Links between pages are Markdown
links so that MkDocs rewrites them and, with ``validation`` raised, checks them.

Every page carries ``render_macros: false``: generated text must never reach Jinja.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..durations import humanize, parse_duration
from ..kb import Entity, KnowledgeBase
from ..registry import all_rules
from ..rulesdoc import example_text
from .escape import attr, code, link, md, mermaid_label, pre

SEVERITIES = ("critical", "high", "medium", "low")
LINES = ("L1", "L2", "L3")
KIND_LABELS = {
    "incident": "Incident",
    "service_request": "Service request",
    "problem": "Problem",
    "change": "Change request",
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

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


@dataclass(frozen=True)
class GeneratedPage:
    """One page made at build time: where it lives in the docs tree and its Markdown."""

    src_uri: str
    content: str
    in_nav: bool = True


def runbook_uri(runbook_id: str) -> str:
    return f"runbooks/{runbook_id}.md"


def marketplace_uri(marketplace_id: str) -> str:
    return f"marketplaces/{marketplace_id}.md"


def _rel(src: str, dest: str) -> str:
    """A Markdown link target from page ``src`` to ``dest`` (both docs-relative)."""
    return posixpath.relpath(dest, posixpath.dirname(src) or ".")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _front_matter(title: str, **extra: Any) -> str:
    # JSON is valid YAML and quotes everything: a title cannot break out of the header.
    # The title is HTML-escaped because themes print page.title into HTML unescaped.
    meta: dict[str, Any] = {"title": attr(title), "render_macros": False, **extra}
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def _list(items: Iterable[str], sep: str = ", ") -> str:
    return sep.join(items)


def _short(duration: str) -> str:
    """'30m' -> '30 min', '4h' -> '4 h': the printed card has little room."""
    return f"{duration[:-1]} {dict(m='min', h='h', d='d')[duration[-1]]}"


class Site:
    """Builds every generated page of one knowledge base."""

    def __init__(self, kb: KnowledgeBase, today: date | None = None) -> None:
        self.kb = kb
        self.today = today or date.today()
        self.runbooks = sorted(kb.runbooks.values(), key=lambda e: (e.data["title"].lower(), e.id))
        self.owners = kb.system_owners()

    # ---------------------------------------------------------------- small pieces

    def runbook_link(self, src: str, runbook_id: str) -> str:
        entity = self.kb.runbooks.get(runbook_id)
        if entity is None:
            return code(runbook_id)
        return f"[{md(entity.data['title'])}]({_rel(src, runbook_uri(runbook_id))})"

    def team_link(self, src: str, team_id: str) -> str:
        team = self.kb.teams.get(team_id)
        if team is None:
            return code(team_id)
        return f"[{md(team.data['name'])}]({_rel(src, TEAMS)}#team-{team_id})"

    def system_link(self, src: str, system: str) -> str:
        return f"[{md(system)}]({_rel(src, BY_SYSTEM)}#system-{system})"

    def marketplace_link(self, src: str, marketplace_id: str) -> str:
        market = self.kb.marketplaces.get(marketplace_id)
        if market is None:
            return code(marketplace_id)
        return f"[{md(market.data['name'])}]({_rel(src, marketplace_uri(marketplace_id))})"

    def contacts(self, team: Entity) -> str:
        """Contacts as one line of inline HTML: mail and phone as links, the rest as text."""
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
            parts.append(f"queue {md(data['ticket_queue'])}")
        return " · ".join(parts) or "no contacts listed"

    def hours(self, team: Entity) -> str:
        hours = team.data["hours"]
        if hours["schedule"] == "24x7":
            return f"24x7 ({md(hours['timezone'])})"
        return f"{md(hours['start'])}–{md(hours['end'])} working days ({md(hours['timezone'])})"

    def clock_text(self, clock: str) -> str:
        if clock == "24x7":
            return "24x7 calendar hours"
        calendar = self.kb.calendars.get(clock)
        if calendar is None:
            return f"working hours ({md(clock)})"
        data = calendar.data
        days = data.get("weekdays", list(WEEKDAYS[:5]))
        text = (
            f"working hours {md(data['start'])}–{md(data['end'])} "
            f"{md(', '.join(days))} ({md(data['timezone'])})"
        )
        if "holidays" in data:
            text += f", no public holidays ({md(data['holidays'])})"
        return text

    def sla_line(self, policy: Entity) -> str:
        data = policy.data
        return (
            f"**React within {humanize(data['react_within'])}** · "
            f"**resolve or escalate within {humanize(data['resolve_within'])}** · "
            f"clock: {self.clock_text(data['clock'])} "
            f"({md(data['name'])})"
        )

    def clock_data(self, clock: str) -> dict[str, Any]:
        """The SLA clock as the incident timer needs it (working days, hours, holidays)."""
        if clock == "24x7" or clock not in self.kb.calendars:
            return {"kind": "24x7"}
        data = self.kb.calendars[clock].data
        days = data.get("weekdays", list(WEEKDAYS[:5]))
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

    def review_due(self, runbook: Entity) -> date:
        review = runbook.data["review"]
        return date.fromisoformat(review["last_reviewed"]) + timedelta(days=review["interval_days"])

    def runbooks_for_marketplace(self, marketplace_id: str) -> list[Entity]:
        found = []
        for runbook in self.runbooks:
            markets = runbook.data.get("marketplaces")
            if markets == "all" or (isinstance(markets, list) and marketplace_id in markets):
                found.append(runbook)
        return found

    def runbook_rows(self, src: str, runbooks: Iterable[Entity]) -> str:
        rows = ["| Runbook | Severity | Type | Owner (L2) |", "| --- | --- | --- | --- |"]
        for runbook in runbooks:
            owner = self.kb.owner_of(runbook.id)
            rows.append(
                f"| {self.runbook_link(src, runbook.id)} | {runbook.data['severity']} | "
                f"{KIND_LABELS[runbook.data['kind']]} | "
                f"{self.team_link(src, owner.id) if owner else '—'} |"
            )
        return "\n".join(rows) + "\n"

    # ---------------------------------------------------------------- runbook page

    def runbook_page(self, runbook: Entity) -> GeneratedPage:
        src = runbook_uri(runbook.id)
        data = runbook.data
        route = self.kb.route_of(runbook.id)
        policy = self.kb.sla_of(route.id) if route else None
        owner = self.kb.owner_of(runbook.id)
        out: list[str] = []
        extra: dict[str, Any] = {"search": {"boost": 2}}
        if data.get("tags"):
            # Read by the tags plugin (tags_name_property) but not by the search plugin,
            # which would boost a tag match a million-fold over a symptom phrase.
            extra["kb_tags"] = data["tags"]
        out.append(_front_matter(data["title"], **extra))
        out.append(f"# {md(data['title'])}\n")

        severity = data["severity"]
        out.append(
            f'<p class="opskb-badges"><span class="opskb-sev opskb-sev-{severity}">{severity}</span> '
            f'<span class="opskb-kind">{KIND_LABELS[data["kind"]]}</span></p>\n'
        )
        facts = [f"**Systems:** {_list(self.system_link(src, s) for s in data['systems'])}"]
        markets = data.get("marketplaces")
        if markets == "all":
            facts.append("**Marketplaces:** all")
        elif markets:
            facts.append(
                f"**Marketplaces:** {_list(self.marketplace_link(src, m) for m in markets)}"
            )
        out.append("\n".join(f"- {fact}" for fact in facts) + "\n")
        out.append(f"**Impact:** {md(data['impact'])}\n")
        # Symptoms and alert names are small headings, not list items: the search plugin
        # weighs a section title 1000 times its text, so the words an engineer has in
        # hand (an alert name, a symptom phrase) find this page before pages that merely
        # mention them. toc_depth keeps them out of the table of contents.
        out.append("## Symptoms and alerts {#symptoms}\n")
        for number, symptom in enumerate(data["symptoms"], start=1):
            out.append(f"#### {md(symptom)} {{ #symptom-{number} .opskb-symptom }}\n")
        for number, alert in enumerate(data.get("alerts", []), start=1):
            out.append(f"#### Alert {code(alert)} {{ #alert-{number} .opskb-alert }}\n")

        due = self.review_due(runbook)
        overdue = due < self.today
        # The banner is also shown by the page script when the review falls due after the
        # build, so a site built long ago does not claim to be fresh.
        out.append(
            f'<div class="admonition warning opskb-review-overdue" data-due="{due.isoformat()}"'
            f'{"" if overdue else " hidden"}><p class="admonition-title">Review overdue</p>'
            f"<p>This runbook was due for review on {due.isoformat()}. Check every step "
            f"before relying on it and tell the review owner.</p></div>\n"
        )

        if data.get("do_not"):
            out.append("## Do not {#do-not}\n")
            out.append('!!! danger "Do not"\n')
            for item in data["do_not"]:
                out.append(f"    - **{md(item['action'])}**<br>Why: {md(item['why'])}")
            out.append("")

        out.append("## SLA clocks {#sla}\n")
        if policy is not None:
            out.append(self.sla_line(policy) + "\n")
        else:
            out.append("No SLA policy found for this route.\n")
        if route is not None and policy is not None:
            out.append(self.timer_block(runbook, route, policy))

        out.append("## Owner and escalation {#escalation}\n")
        if owner is not None:
            out.append(
                f"**Owner (L2):** {self.team_link(src, owner.id)} — {self.contacts(owner)}\n"
            )
        if route is not None:
            out.append(
                f"Route: [{md(route.data['name'])}]({_rel(src, ESCALATION_MAP)}#route-{route.id})\n"
            )
            out.append(self.chain_table(src, route))

        out.append("## First response {#first-response}\n")
        out.append("\n".join(f"1. {md(item)}" for item in data["first_response"]) + "\n")

        out.append("## Steps {#steps}\n")
        checks = {check["id"]: check for check in data.get("checks", [])}
        for number, step in enumerate(data["steps"], start=1):
            out.append(f"### {number}. {md(step['title'])} {{#step-{step['id']}}}\n")
            if step.get("changes_system"):
                mark = '<span class="opskb-mark opskb-changes">Changes a system</span>'
            else:
                mark = '<span class="opskb-mark opskb-readonly">Read-only</span>'
            meta = [mark, f"line {step.get('line', 'L1')}"]
            if step.get("tool"):
                meta.append(f"tool: {md(step['tool'])}")
            out.append(" · ".join(meta) + "\n")
            out.append(md(step["do"]) + "\n")
            check_id = step.get("check")
            if check_id:
                check = checks.get(check_id)
                title = md(check["title"]) if check else code(check_id)
                out.append(f"Check: {title}\n")
                out.append(f"```text\nopskb run {runbook.id} --check {check_id}\n```\n")

        if checks:
            out.append("## Checks {#checks}\n")
            out.append(f"Run them all: `opskb run {runbook.id}`\n")
            out.append("| Check | Type | Source | On failure |\n| --- | --- | --- | --- |")
            for check in checks.values():
                on_fail = check.get("on_fail")
                fail = f"[step {on_fail}](#step-{on_fail})" if on_fail else "—"
                out.append(
                    f"| {md(check['title'])} ({code(check['id'])}) | {check['type']} | "
                    f"{code(check['source'])} | {fail} |"
                )
            out.append("")

        comm = data.get("communication")
        if comm:
            out.append("## Update template {#update-template}\n")
            cadence = f" · every {humanize(comm['cadence'])}" if comm.get("cadence") else ""
            out.append(
                f"**Channel:** {md(comm['channel'])} · **Audience:** {md(comm['audience'])}"
                f"{cadence}\n"
            )
            out.append(
                f'<pre class="opskb-template"><code>{pre(comm["template"])}</code></pre>\n'
            )

        if data.get("related"):
            out.append("## Related {#related}\n")
            out.append("\n".join(f"- {self.runbook_link(src, r)}" for r in data["related"]) + "\n")

        review = data["review"]
        out.append("## Review {#review}\n")
        out.append(
            f"Review owner: {self.team_link(src, review['owner'])} · last reviewed "
            f"{review['last_reviewed']} · every {review['interval_days']} days · next review "
            f"due {due.isoformat()}{' (**overdue**)' if overdue else ''}\n"
        )
        out.append(f"Source: `{runbook.file}`\n")
        return GeneratedPage(src, "\n".join(out), in_nav=False)

    def chain_table(self, src: str, route: Entity) -> str:
        rows = [
            "| Line | Team | Escalate at the latest | Escalate earlier when | Contacts | Hours |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for hop in route.data["hops"]:
            team = self.kb.teams.get(hop["team"])
            after = f"{humanize(hop['after'])} after registration" if hop.get("after") else "at once"
            rows.append(
                f"| {hop['line']} | {self.team_link(src, hop['team'])} | {after} | "
                f"{md(hop['when']) if hop.get('when') else '—'} | "
                f"{self.contacts(team) if team else '—'} | {self.hours(team) if team else '—'} |"
            )
        return "\n".join(rows) + "\n"

    def timer_block(self, runbook: Entity, route: Entity, policy: Entity) -> str:
        """The incident timer: data for the page script, and a static fallback without it."""
        clock = policy.data["clock"]
        hops = []
        for hop in route.data["hops"]:
            team = self.kb.teams.get(hop["team"])
            minutes = self.clock_minutes(hop["after"], clock) if hop.get("after") else 0
            hops.append(
                {
                    "line": hop["line"],
                    "team": team.data["name"] if team else hop["team"],
                    "after": minutes,
                }
            )
        payload = {
            "runbook": runbook.id,
            "react": self.clock_minutes(policy.data["react_within"], clock),
            "resolve": self.clock_minutes(policy.data["resolve_within"], clock),
            "clock": self.clock_data(clock),
            "hops": hops,
        }
        blob = attr(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        return (
            f'<div class="opskb-timer" data-opskb-timer="{blob}">'
            '<p class="opskb-timer-fallback">Incident timer: needs JavaScript. Count the '
            "times in the table below from the moment the incident was registered.</p>"
            "</div>\n"
        )

    # ---------------------------------------------------------------- indexes

    def runbook_index(self) -> GeneratedPage:
        src = RUNBOOK_INDEX
        out = [_front_matter("Runbooks", search={"exclude": True})]
        out.append("# Runbooks\n")
        out.append(
            f"{len(self.runbooks)} runbooks. Browse them "
            f"[by system]({_rel(src, BY_SYSTEM)}), [by marketplace]({_rel(src, BY_MARKETPLACE)}), "
            f"[by severity]({_rel(src, BY_SEVERITY)}) or [by tag]({_rel(src, BY_TAG)}), or "
            "search for an alert name or a symptom.\n"
        )
        out.append(self.runbook_rows(src, self.runbooks))
        return GeneratedPage(src, "\n".join(out))

    def by_system(self) -> GeneratedPage:
        src = BY_SYSTEM
        out = [_front_matter("Runbooks by system", search={"exclude": True}), "# Runbooks by system\n"]
        systems: dict[str, list[Entity]] = {}
        for runbook in self.runbooks:
            for system in runbook.data["systems"]:
                systems.setdefault(system, []).append(runbook)
        for system in sorted(set(systems) | set(self.owners)):
            out.append(f"## {md(system)} {{#system-{system}}}\n")
            owners = self.owners.get(system, [])
            owner_text = _list(self.team_link(src, t) for t in owners) if owners else "no owner"
            out.append(f"Owner: {owner_text}\n")
            if systems.get(system):
                out.append(self.runbook_rows(src, systems[system]))
            else:
                out.append("No runbook yet.\n")
        return GeneratedPage(src, "\n".join(out))

    def by_marketplace(self) -> GeneratedPage:
        src = BY_MARKETPLACE
        out = [
            _front_matter("Runbooks by marketplace", search={"exclude": True}),
            "# Runbooks by marketplace\n",
        ]
        every = [r for r in self.runbooks if r.data.get("marketplaces") == "all"]
        out.append("## Every marketplace {#all}\n")
        out.append(self.runbook_rows(src, every) if every else "None.\n")
        for market in sorted(self.kb.marketplaces.values(), key=lambda e: e.data["name"].lower()):
            own = [
                r for r in self.runbooks
                if isinstance(r.data.get("marketplaces"), list) and market.id in r.data["marketplaces"]
            ]
            out.append(f"## {md(market.data['name'])} {{#marketplace-{market.id}}}\n")
            out.append(f"Status mapping: {self.marketplace_link(src, market.id)}\n")
            out.append(self.runbook_rows(src, own) if own else "Only the runbooks for every marketplace.\n")
        return GeneratedPage(src, "\n".join(out))

    def by_severity(self) -> GeneratedPage:
        src = BY_SEVERITY
        out = [_front_matter("Runbooks by severity", search={"exclude": True}), "# Runbooks by severity\n"]
        for severity in SEVERITIES:
            found = [r for r in self.runbooks if r.data["severity"] == severity]
            out.append(f"## {severity.capitalize()} {{#{severity}}}\n")
            out.append(self.runbook_rows(src, found) if found else "None.\n")
        return GeneratedPage(src, "\n".join(out))

    def by_tag(self) -> GeneratedPage:
        # mkdocs-material's tags plugin fills the listing from the runbooks' front matter.
        out = [
            _front_matter("Runbooks by tag", search={"exclude": True}),
            "# Runbooks by tag\n",
            "<!-- material/tags -->\n",
        ]
        return GeneratedPage(BY_TAG, "\n".join(out))

    # ---------------------------------------------------------------- escalation

    def escalation_map(self) -> GeneratedPage:
        src = ESCALATION_MAP
        out = [_front_matter("Escalation map"), "# Escalation map\n"]
        out.append(
            "Who owns each family of incidents and how it moves L1 → L2 → L3. Times are the "
            "latest moment the ticket must be with that line, counted on the route's SLA clock "
            f"from registration. Printable: [escalation card]({_rel(src, CARD)}); contacts: "
            f"[team directory]({_rel(src, TEAMS)}).\n"
        )
        out.append("| Incident family | SLA | L1 | L2 | L3 |\n| --- | --- | --- | --- | --- |")
        routes = sorted(self.kb.routes.values(), key=lambda e: e.data["name"].lower())
        for route in routes:
            policy = self.kb.sla_of(route.id)
            cells = {line: [] for line in LINES}
            for hop in route.data["hops"]:
                when = f" by {humanize(hop['after'])}" if hop.get("after") else ""
                cells.setdefault(hop["line"], []).append(self.team_link(src, hop["team"]) + when)
            sla = (
                f"{humanize(policy.data['react_within'])} / {humanize(policy.data['resolve_within'])}"
                if policy else "—"
            )
            out.append(
                f"| [{md(route.data['name'])}](#route-{route.id}) | {sla} | "
                + " | ".join(_list(cells[line], "<br>") or "—" for line in LINES)
                + " |"
            )
        out.append("")
        by_route: dict[str, list[Entity]] = {}
        for runbook in self.runbooks:
            by_route.setdefault(runbook.data["route"], []).append(runbook)
        for route in routes:
            policy = self.kb.sla_of(route.id)
            out.append(f"## {md(route.data['name'])} {{#route-{route.id}}}\n")
            if policy is not None:
                out.append(self.sla_line(policy) + "\n")
            out.append(self.chain_table(src, route))
            found = by_route.get(route.id, [])
            out.append(f"Runbooks on this route ({len(found)}):\n")
            out.append("\n".join(f"- {self.runbook_link(src, r.id)}" for r in found) + "\n" if found else "None.\n")
        return GeneratedPage(src, "\n".join(out))

    def team_directory(self) -> GeneratedPage:
        src = TEAMS
        out = [_front_matter("Team directory"), "# Team directory\n"]
        routes_of: dict[str, list[Entity]] = {}
        for route in self.kb.routes.values():
            for hop in route.data["hops"]:
                routes_of.setdefault(hop["team"], []).append(route)
        for line in LINES:
            teams = [t for t in self.kb.teams.values() if t.data["line"] == line]
            if not teams:
                continue
            out.append(f"## {line} {{#line-{line.lower()}}}\n")
            for team in sorted(teams, key=lambda e: e.data["name"].lower()):
                data = team.data
                out.append(f"### {md(data['name'])} {{#team-{team.id}}}\n")
                if data.get("role"):
                    out.append(md(data["role"]) + "\n")
                facts = [
                    f"**Contacts:** {self.contacts(team)}",
                    f"**Hours:** {self.hours(team)}",
                ]
                if data.get("vendor"):
                    facts.append("**Vendor** (external contractor)")
                if data.get("owns"):
                    facts.append(f"**Owns:** {_list(self.system_link(src, s) for s in data['owns'])}")
                routes = routes_of.get(team.id, [])
                if routes:
                    facts.append(
                        "**Routes:** "
                        + _list(
                            f"[{md(r.data['name'])}]({_rel(src, ESCALATION_MAP)}#route-{r.id})"
                            for r in sorted(routes, key=lambda e: e.data["name"].lower())
                        )
                    )
                out.append("\n".join(f"- {fact}" for fact in facts) + "\n")
        return GeneratedPage(src, "\n".join(out))

    def card(self) -> GeneratedPage:
        """One printed sheet for the desk: routes on the left, whom to call on the right.

        Compact on purpose (abbreviated clocks, no queue names, the common time zone
        stated once); the full details are on the escalation map and team directory.
        """
        src = CARD
        zones = [t.data["hours"]["timezone"] for t in self.kb.teams.values()]
        common = max(set(zones), key=zones.count) if zones else ""
        out = [
            _front_matter("Escalation card", hide=["navigation", "toc"], search={"exclude": True}),
            "# Escalation card\n",
            "Print this page: one sheet. (n) is the latest hand-over to that line, counted "
            f"from registration on the route's SLA clock; hours are {md(common)} time unless "
            "stated.\n",
            '<div class="opskb-card" markdown>\n',
            '<div class="opskb-card-routes" markdown>\n',
            "| Incident family | React / resolve | L1 | L2 | L3 |\n| --- | --- | --- | --- | --- |",
        ]
        for route in sorted(self.kb.routes.values(), key=lambda e: e.data["name"].lower()):
            policy = self.kb.sla_of(route.id)
            cells = {line: [] for line in LINES}
            for hop in route.data["hops"]:
                team = self.kb.teams.get(hop["team"])
                name = md(team.data["name"]) if team else code(hop["team"])
                when = f" ({_short(hop['after'])})" if hop.get("after") else ""
                cells.setdefault(hop["line"], []).append(name + when)
            sla = (
                f"{_short(policy.data['react_within'])} / {_short(policy.data['resolve_within'])}"
                + (" 24x7" if policy.data["clock"] == "24x7" else " work h")
                if policy else "—"
            )
            out.append(
                f"| {md(route.data['name'])} | {sla} | "
                + " | ".join(_list(cells[line], "<br>") or "—" for line in LINES)
                + " |"
            )
        out.append("\n</div>\n")
        out.append('<div class="opskb-card-teams" markdown>\n')
        out.append("| Team | Contacts | Hours |\n| --- | --- | --- |")
        for team in sorted(self.kb.teams.values(), key=lambda e: (e.data["line"], e.data["name"].lower())):
            data = team.data
            contacts = data.get("contacts", {})
            reach = [md(contacts[k]) for k in ("chat", "phone", "email") if k in contacts]
            hours = data["hours"]
            when = "24x7" if hours["schedule"] == "24x7" else f"{md(hours['start'])}–{md(hours['end'])}"
            if hours["timezone"] != common:
                when += f" {md(hours['timezone'])}"
            out.append(
                f"| {md(data['name'])} ({data['line']}) | "
                f"{_list(reach, ' · ') or md(contacts.get('ticket_queue', '—'))} | {when} |"
            )
        out.append("\n</div>\n\n</div>\n")
        return GeneratedPage(src, "\n".join(out))

    # ---------------------------------------------------------------- status models

    def marketplace_index(self) -> GeneratedPage:
        src = MARKETPLACES
        out = [_front_matter("Marketplaces"), "# Marketplaces and order statuses\n"]
        out.append(
            "Each marketplace names order statuses its own way; each is mapped onto one "
            f"[internal status]({_rel(src, INTERNAL)}), exactly or to the closest in meaning.\n"
        )
        out.append(
            "| Marketplace | Kind | Statuses | Closest matches | Source read on |\n"
            "| --- | --- | --- | --- | --- |"
        )
        for market in sorted(self.kb.marketplaces.values(), key=lambda e: e.data["name"].lower()):
            statuses = market.data["statuses"]
            closest = sum(1 for s in statuses if s["match"] == "closest")
            kind = "online pharmacy" if market.data["kind"] == "online_pharmacy" else "marketplace"
            out.append(
                f"| {self.marketplace_link(src, market.id)} | {kind} | {len(statuses)} | {closest} | "
                f"{md(market.data['source']['read_on'])} |"
            )
        out.append("")
        return GeneratedPage(src, "\n".join(out))

    def marketplace_page(self, market: Entity) -> GeneratedPage:
        src = marketplace_uri(market.id)
        data = market.data
        internal = self.kb.internal_statuses
        out = [_front_matter(data["name"], search={"boost": 3})]
        out.append(f"# {md(data['name'])}\n")
        kind = "Online pharmacy (vertical)" if data["kind"] == "online_pharmacy" else "Marketplace (horizontal)"
        source = data["source"]
        facts = [f"**Kind:** {kind}"]
        api = md(source["api"])
        if source.get("version"):
            api += f", version {md(source['version'])}"
        api += f", read on {md(source['read_on'])}"
        if source.get("reference"):
            api += f" ({link(source['reference'], source['reference'])})"
        facts.append(f"**Status source:** {api}")
        fields = data["key"]["fields"]
        facts.append(f"**Status key:** {_list(code(f) for f in fields)}")
        if data["key"].get("precedence"):
            facts.append(f"**Precedence:** {md(data['key']['precedence'])}")
        if data.get("chat"):
            facts.append(f"**Seller support chat:** {link(data['chat'], data['chat'])}")
        out.append("\n".join(f"- {fact}" for fact in facts) + "\n")
        if data.get("illustrative"):
            out.append(
                '!!! note "Illustrative status model"\n    No public status list exists for this '
                "marketplace; the model below is illustrative.\n"
            )
        out.append("## Status mapping {#mapping}\n")
        out.append(
            "| Marketplace status | Buyer sees | Internal status | Match | Note |\n"
            "| --- | --- | --- | --- | --- |"
        )
        for status in data["statuses"]:
            target = internal.get(status["maps_to"])
            target_text = (
                f"[{md(target.data['name'])}]({_rel(src, INTERNAL)}#status-{status['maps_to']}) "
                f"({code(status['maps_to'])})" if target else code(status["maps_to"])
            )
            flags = " (terminal)" if status.get("terminal") else ""
            out.append(
                f"| {code(status['code'])}{flags} | {md(status['label']) if status.get('label') else '—'} | "
                f"{target_text} | {status['match']} | "
                f"{md(status['note']) if status.get('note') else ''} |"
            )
        out.append("")
        out.append("## State diagram {#diagram}\n")
        out.append(self.state_diagram(
            [(s["code"], s.get("next", []), bool(s.get("terminal"))) for s in data["statuses"]],
            data.get("initial"),
        ))
        found = self.runbooks_for_marketplace(market.id)
        out.append("## Runbooks {#runbooks}\n")
        out.append(self.runbook_rows(src, found) if found else "None.\n")
        return GeneratedPage(src, "\n".join(out))

    def internal_page(self) -> GeneratedPage:
        src = INTERNAL
        out = [_front_matter("Internal status model"), "# Internal order status model\n"]
        internal = self.kb.internal
        if internal is None:
            out.append("No internal status model (status_mappings/internal.yaml) yet.\n")
            return GeneratedPage(src, "\n".join(out))
        data = internal.data
        if data.get("description"):
            out.append(md(data["description"]) + "\n")
        mapped: dict[str, list[str]] = {}
        for market in sorted(self.kb.marketplaces.values(), key=lambda e: e.data["name"].lower()):
            for status in market.data["statuses"]:
                mapped.setdefault(status["maps_to"], []).append(
                    f"[{md(market.data['name'])}]({_rel(src, marketplace_uri(market.id))}) "
                    f"{code(status['code'])}"
                )
        out.append(f"Orders start in {code(data['initial'])}.\n")
        out.append("## Diagram {#diagram}\n")
        out.append(self.state_diagram(
            [(s["id"], s.get("next", []), bool(s.get("terminal"))) for s in data["statuses"]],
            data["initial"],
        ))
        out.append("## Statuses {#statuses}\n")
        for status in data["statuses"]:
            out.append(f"### {md(status['name'])} {{#status-{status['id']}}}\n")
            facts = [f"**Id:** {code(status['id'])}"]
            if status.get("name_ru"):
                facts.append(f"**Russian:** {md(status['name_ru'])}")
            if status.get("description"):
                facts.append(f"**Means:** {md(status['description'])}")
            nexts = status.get("next", [])
            if status.get("terminal"):
                facts.append("**Terminal**")
            if nexts:
                known = self.kb.internal_statuses
                facts.append(
                    "**Next:** "
                    + _list(f"[{code(n)}](#status-{n})" if n in known else code(n) for n in nexts)
                )
            if mapped.get(status["id"]):
                facts.append("**Marketplace statuses mapped here:** " + _list(mapped[status["id"]]))
            out.append("\n".join(f"- {fact}" for fact in facts) + "\n")
        return GeneratedPage(src, "\n".join(out))

    @staticmethod
    def state_diagram(states: list[tuple[str, list[str], bool]], initial: str | None) -> str:
        """A Mermaid stateDiagram. States get generated ids; the code is only a label."""
        ids: dict[str, str] = {}
        lines = ["```mermaid", "stateDiagram-v2"]

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
        lines.append("```\n")
        return "\n".join(lines)

    # ---------------------------------------------------------------- reference

    def rules_page(self) -> GeneratedPage:
        src = RULES
        out = [_front_matter("Check rules"), "# Check rules\n"]
        out.append(
            "Every problem `opskb check` reports has a stable code. The same lines fail the "
            "site build. Each rule below shows an example that triggers it and its fix, as "
            "changes to the example tree in `tests/fixtures/minimal`.\n"
        )
        family = None
        for rule in all_rules().values():
            if rule.family != family:
                family = rule.family
                out.append(f"## {md(family)} ({rule.code[:3]}xx) {{#family-{_slug(family)}}}\n")
            out.append(f"### {rule.code} {md(rule.name)} {{#{rule.code.lower()}}}\n")
            out.append(f"**Level:** {rule.level} · {md(rule.summary)}\n")
            out.append(f"**Message:** {md(rule.message)}\n")
            out.append(f"**Hint:** {md(rule.hint)}\n")
            out.append("Bad:\n")
            out.append(f"<pre><code>{pre(example_text(rule.bad))}</code></pre>\n")
            out.append("Good:\n")
            out.append(f"<pre><code>{pre(example_text(rule.good))}</code></pre>\n")
        return GeneratedPage(src, "\n".join(out))

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
        pages.extend(
            self.marketplace_page(m)
            for m in sorted(self.kb.marketplaces.values(), key=lambda e: e.data["name"].lower())
        )
        return pages
