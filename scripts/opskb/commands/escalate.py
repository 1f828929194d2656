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
    from ..escalation.clocks import ClockError

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
    from ..escalation.clocks import ClockError, _zone
    from ..escalation.escalation_plan import PlanError, display_zone, plan, route_clock
    from ..model.layout import ESCALATION
    from ._support import CommandError, files_in, guard, load, runbook

    kb, problems = load(args.root, NAME)
    entity = runbook(kb, args.runbook, NAME, problems)
    guard(NAME, problems, [entity.file, *files_in(kb, ESCALATION)])
    try:
        route, _, clock = route_clock(kb, entity)
    except PlanError as err:
        raise CommandError(f"opskb escalate: {err}", 1) from None
    if args.tz:
        try:
            _zone(args.tz)
        except ClockError as err:
            raise CommandError(f"opskb escalate: --tz: {err}") from None
    display = display_zone(kb, route, clock, args.tz)
    return plan(kb, entity, _parse_at(args.at, display), display, now=datetime.now(UTC))


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
            reach = "use the phone" if hop["contacts"].get("phone") else "they have no phone: write to them"
            lines.append(f"      note: due outside their working hours ({hop['outside_hours']}); {reach}")
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
