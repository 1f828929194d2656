"""Whom to call for a runbook and by when, from one registration moment: the plan.

The pure part of ``opskb escalate``: the site's worked deadlines (site/deadlines.py) call
the same function, so a page and the command give the same times for the same start.
Deadlines are counted by ``opskb.escalation.clocks`` on the SLA policy's clock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from ..model.durations import humanize
from ..model.kb import Entity, KnowledgeBase
from . import clocks

# Many runbooks share a route, and the site asks for the same moments on every one of
# them: the clock arithmetic (a pure function of hashable values) is done once per moment.
_deadline_for = lru_cache(maxsize=8192)(clocks.deadline_for)


class PlanError(ValueError):
    """The runbook has no route or SLA policy to count deadlines on."""


def display_zone(kb: KnowledgeBase, route: Entity, clock: clocks.Clock, tz: str | None = None) -> ZoneInfo | Any:
    """The zone times are shown in: ``tz``, else the calendar's, else the first team's, else UTC."""
    if tz:
        return clocks._zone(tz)
    if isinstance(clock, clocks.WorkingCalendar):
        return clock.zone
    for hop in route.data["hops"]:
        team = kb.teams.get(hop["team"])
        if team:
            return clocks._zone(team.data["hours"]["timezone"])
    return UTC


def route_clock(kb: KnowledgeBase, runbook: Entity) -> tuple[Entity, Entity, clocks.Clock]:
    """The runbook's route, SLA policy and the clock that policy runs on."""
    route = kb.route_of(runbook.id)
    sla = kb.sla_of(route.data["id"]) if route else None
    if route is None or sla is None:
        raise PlanError(f"runbook {runbook.id}: route or SLA policy missing")
    return route, sla, clocks.clock_of(kb, sla.data)


def plan(
    kb: KnowledgeBase,
    runbook: Entity,
    start: datetime,
    zone: Any,
    now: datetime | None = None,
    chain: tuple[Entity, Entity, clocks.Clock] | None = None,
) -> dict[str, Any]:
    """Everything `escalate` prints for an incident registered at ``start``, as plain data.

    Times are ISO 8601 in ``zone``; ``overdue`` compares with ``now`` (never, when None).
    ``chain`` is ``route_clock``'s answer when the caller has it already (the site asks
    for several starts of one runbook).
    """
    route, sla, clock = chain or route_clock(kb, runbook)

    def due(text: str) -> dict[str, Any]:
        moment = _deadline_for(start, text, clock).astimezone(zone)
        overdue = now is not None and moment < now
        return {"at": moment.isoformat(), "after": text, "after_text": humanize(text), "overdue": overdue}

    policy = sla.data
    hops = []
    for number, hop in enumerate(route.data["hops"]):
        team = kb.teams.get(hop["team"])
        hop_due = due(hop["after"]) if "after" in hop else None
        entry: dict[str, Any] = {
            "line": hop["line"],
            "team": hop["team"],
            "name": team.data["name"] if team else hop["team"],
            "contacts": dict(team.data["contacts"]) if team else {},
            "due": hop_due,
            "when": hop.get("when"),
            "first": number == 0,
        }
        if team and hop_due:
            entry["outside_hours"] = outside_hours(team.data["hours"], datetime.fromisoformat(hop_due["at"]))
        hops.append(entry)
    return {
        "runbook": {"id": runbook.id, "title": runbook.data["title"], "severity": runbook.data["severity"]},
        "route": {"id": route.data["id"], "name": route.data["name"]},
        "sla": {
            "id": policy["id"],
            "name": policy["name"],
            "clock": policy["clock"],
            "clock_text": "24x7 calendar time" if isinstance(clock, str) else clock.describe(),
        },
        "zone": str(zone),
        "registered": start.astimezone(zone).isoformat(),
        "react_by": due(policy["react_within"]),
        "resolve_or_escalate_by": due(policy["resolve_within"]),
        "hops": hops,
    }


def outside_hours(hours: dict[str, Any], moment: datetime) -> str | None:
    """Working-hours teams are asleep at 03:00: the hours to say so next to the hop."""
    if hours["schedule"] != "working_hours":
        return None
    local = moment.astimezone(clocks._zone(hours["timezone"]))
    inside = local.weekday() < 5 and hours["start"] <= f"{local:%H:%M}" < hours["end"]
    return None if inside else f"{hours['start']}-{hours['end']} mon-fri {hours['timezone']}"
