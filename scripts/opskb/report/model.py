"""What the report says, as plain data: the JSON document's summary part, and what the
text, CSV and HTML renderers print. Times are ISO 8601 with the offset of the report's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..model.kb import KnowledgeBase
from .aggregate import NONE, Report
from .assign import Assignment
from .measure import Measured
from .tickets import Ticket


def iso(moment: datetime | None, zone: Any) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo is zone else moment.astimezone(zone)).isoformat()


def minutes(late: timedelta | None) -> int | None:
    return None if late is None else int(late.total_seconds() // 60)


def ticket_data(ticket: Ticket, file: str, assigned: Assignment, measured: Measured, zone: Any) -> dict[str, Any]:
    """One ticket as the JSON and CSV outputs list it."""
    return {
        "key": ticket.key,
        "file": file,
        "line": ticket.line,
        "policy": assigned.policy,
        "runbook": assigned.runbook,
        "systems": list(assigned.systems),
        "team": assigned.team,
        "priority": ticket.priority,
        "created": iso(ticket.created, zone),
        "first_response": iso(ticket.first_response, zone),
        "resolved": iso(ticket.resolved, zone),
        "react_due": iso(measured.react_due, zone),
        "resolve_due": iso(measured.resolve_due, zone),
        "react": measured.react,
        "resolve": measured.resolve,
        "verdict": measured.verdict,
        "react_late_minutes": minutes(measured.react_late),
        "resolve_late_minutes": minutes(measured.resolve_late),
    }


def _title(kb: KnowledgeBase, by: str, name: str) -> str | None:
    table = {"policy": kb.sla_policies, "team": kb.teams, "runbook": kb.runbooks, "system": kb.systems}.get(by)
    entity = table.get(name) if table is not None else None
    if entity is None:
        return None
    return entity.data.get("title") or entity.data.get("name")


def summary(report: Report, kb: KnowledgeBase) -> dict[str, Any]:
    """Everything but the per-ticket list."""
    zone = report.zone
    groups = []
    for name, counts in sorted(report.groups.items(), key=lambda item: (item[0] == NONE, item[0])):
        extra: dict[str, Any] = {"title": _title(kb, report.by, name)}
        if report.by == "system":
            extra["known"] = name not in report.unknown_groups
        groups.append(counts.as_dict(name, **extra))
    weeks = report.weeks()
    weekly = [
        {"system": system, "week": week.isoformat(), **by_week[week].as_dict(system)}
        for system, by_week in sorted(report.weekly.items())
        for week in weeks
        if week in by_week
    ]
    for row in weekly:
        del row["name"]
    breaches = [
        {
            "key": b.key,
            "file": b.file,
            "line": b.line,
            "policy": b.policy,
            "missed": b.what,
            "due": iso(b.due, zone),
            "done": iso(b.done, zone),
            "late_minutes": minutes(b.late),
            "late": late_text(b.late),
            "summary": b.summary,
            "systems": list(b.systems),
        }
        for b in report.worst_breaches()
    ]
    left = sum(report.left_out.values())
    return {
        "period": {
            "from": report.start.date().isoformat() if report.start else None,
            "to": (report.end - timedelta(days=1)).date().isoformat() if report.end else None,
            "start": iso(report.start, zone),
            "end": iso(report.end, zone),
            "as_of": iso(report.as_of, zone),
            "timezone": str(zone),
        },
        "by": report.by,
        "total": report.total.as_dict("total"),
        "groups": groups,
        "weeks": [week.isoformat() for week in weeks],
        "weekly": weekly,
        "breaches": {"count": report.breach_count, "listed": breaches},
        "runbooks": [
            {"runbook": rid, "title": _title(kb, "runbook", rid), "tickets": n}
            for rid, n in report.runbooks.most_common()
        ],
        "no_runbook": {
            "tickets": report.no_runbook,
            "repeated": [
                {"summary": text, "tickets": n, "examples": keys}
                for text, n, keys in report.repeated_without_runbook()
                if n > 1
            ],
            "examples": [{"key": key, "summary": text} for key, text in report.no_runbook_examples],
        },
        "unknown_systems": _unknown(report.unknown_systems, report.first_seen),
        "unknown_teams": _unknown(report.unknown_teams, report.first_seen),
        "outside_period": report.outside_period,
        "left_out": {"rows": left, "by_kind": dict(report.left_out.most_common())},
        "files": report.files,
    }


def _unknown(table: Any, first_seen: dict[str, str]) -> list[dict[str, Any]]:
    return [{"name": name, "tickets": n, "first": first_seen.get(name)} for name, n in table.most_common()]


def late_text(late: timedelta | None) -> str:
    """'2d 3h 05m', '45m'."""
    if late is None:
        return ""
    total = int(late.total_seconds() // 60)
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {mins:02d}m"
    return f"{hours}h {mins:02d}m" if hours else f"{mins}m"
