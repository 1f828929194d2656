"""Whom to call for a runbook, and by when, under its route's SLA clock.

Prints the escalation chain (L1 -> L2 -> L3) with each team's contacts and the deadlines
counted from the moment the incident was registered (--at, default now):
react by, resolve or escalate by, and the time each hop is due.

The clock is the SLA policy's: `24x7` counts calendar time; a working-hours calendar
counts only working hours on working days in its time zone, skipping weekends and the
country's public holidays ("4 working hours" from Friday 16:00 on a 09:00-18:00
calendar ends Monday 11:00).

--at takes ISO 8601 ("2026-11-20 16:00", "2026-11-20T13:00:00+00:00"). A time without
an offset is read in --tz, else in the SLA calendar's zone, else in the first team's zone.

examples:
  opskb escalate prices-not-applied
  opskb escalate order-status-discrepancy --at "2026-11-20 16:00"
  opskb escalate order-status-discrepancy --at 2026-11-20T13:00Z --format json
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NAME = "escalate"
HELP = "the escalation chain of a runbook with contacts and SLA deadlines"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("runbook", help="runbook id (file name without .yaml)")
    parser.add_argument("--at", metavar="TIME", help="when the incident was registered, ISO 8601 (default: now)")
    parser.add_argument("--tz", metavar="ZONE", help="IANA zone for --at without an offset and for display")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from ..clocks import ClockError

    try:
        plan = build_plan(args)
    except ClockError as err:
        print(f"opskb escalate: {err}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(plan, ensure_ascii=False, indent=2))
    else:
        print(render_text(plan))
    return 0


def build_plan(args: argparse.Namespace) -> dict[str, Any]:
    """Everything `escalate` prints, as plain data (the JSON output)."""
    from .. import clocks
    from ..durations import humanize
    from ..layout import ESCALATION
    from ._support import CommandError, files_in, guard, load, runbook

    kb, problems = load(args.root, NAME)
    entity = runbook(kb, args.runbook, NAME, problems)
    guard(NAME, problems, [entity.file, *files_in(kb, ESCALATION)])
    route = kb.route_of(entity.id)
    sla = kb.sla_of(route.data["id"]) if route else None
    if route is None or sla is None:
        raise CommandError(f"opskb escalate: runbook {entity.id}: route or SLA policy missing", 1)
    clock = clocks.clock_of(kb, sla.data)
    display = _display_zone(args.tz, clock, kb, route)
    start = _parse_at(args.at, display)
    now = datetime.now(UTC)

    def due(text: str) -> dict[str, Any]:
        moment = clocks.deadline_for(start, text, clock).astimezone(display)
        return {"at": moment.isoformat(), "after": text, "after_text": humanize(text), "overdue": moment < now}

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
            entry["outside_hours"] = _outside_hours(team.data["hours"], datetime.fromisoformat(hop_due["at"]))
        hops.append(entry)
    return {
        "runbook": {"id": entity.id, "title": entity.data["title"], "severity": entity.data["severity"]},
        "route": {"id": route.data["id"], "name": route.data["name"]},
        "sla": {
            "id": policy["id"],
            "name": policy["name"],
            "clock": policy["clock"],
            "clock_text": "24x7 calendar time" if isinstance(clock, str) else clock.describe(),
        },
        "zone": str(display),
        "registered": start.astimezone(display).isoformat(),
        "react_by": due(policy["react_within"]),
        "resolve_or_escalate_by": due(policy["resolve_within"]),
        "hops": hops,
    }


def render_text(plan: dict[str, Any]) -> str:
    book, sla = plan["runbook"], plan["sla"]
    lines = [
        f"{book['id']}  [{book['severity']}]  {book['title']}",
        f"route {plan['route']['id']}: {plan['route']['name']}",
        f"SLA {sla['id']}: {sla['name']}  (clock: {sla['clock_text']})",
        f"times in {plan['zone']}",
        f"registered            {_show(plan['registered'])}",
        f"react by              {_due_text(plan['react_by'])}",
        f"resolve/escalate by   {_due_text(plan['resolve_or_escalate_by'])}",
        "",
        "chain:",
    ]
    for hop in plan["hops"]:
        when = "now" if hop["first"] else (_due_text(hop["due"]) if hop["due"] else "when needed")
        lines.append(f"  {hop['line']}  {hop['name']} ({hop['team']})  due: {when}")
        if hop.get("outside_hours"):
            lines.append(f"      note: due outside their working hours ({hop['outside_hours']}); use the phone")
        if hop["contacts"]:
            lines.append("      " + "  ".join(f"{k}: {v}" for k, v in hop["contacts"].items()))
        if hop["when"]:
            lines.append(f"      escalate earlier when: {hop['when']}")
    return "\n".join(lines)


def _due_text(due: dict[str, Any]) -> str:
    flag = "  OVERDUE" if due["overdue"] else ""
    return f"{_show(due['at'])}  ({due['after_text']}){flag}"


def _show(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    offset = moment.isoformat()[-6:] if moment.utcoffset() else "UTC"
    return f"{moment:%a %Y-%m-%d %H:%M} {offset}"


def _display_zone(tz: str | None, clock: Any, kb: Any, route: Any) -> Any:
    from ..clocks import ClockError, WorkingCalendar, _zone
    from ._support import CommandError

    if tz:
        try:
            return _zone(tz)
        except ClockError as err:
            raise CommandError(f"opskb escalate: --tz: {err}") from None
    if isinstance(clock, WorkingCalendar):
        return clock.zone
    for hop in route.data["hops"]:
        team = kb.teams.get(hop["team"])
        if team:
            return _zone(team.data["hours"]["timezone"])
    return UTC


def _parse_at(text: str | None, zone: Any) -> datetime:
    from ._support import CommandError

    if text is None:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        raise CommandError(
            f"opskb escalate: --at {text!r}: not an ISO 8601 time (e.g. 2026-11-20 16:00 or 2026-11-20T13:00Z)"
        ) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _outside_hours(hours: dict[str, Any], moment: datetime) -> str | None:
    """Working-hours teams are asleep at 03:00: say so next to the hop."""
    from ..clocks import _zone

    if hours["schedule"] != "working_hours":
        return None
    local = moment.astimezone(_zone(hours["timezone"]))
    inside = local.weekday() < 5 and hours["start"] <= f"{local:%H:%M}" < hours["end"]
    return None if inside else f"{hours['start']}-{hours['end']} mon-fri {hours['timezone']}"
