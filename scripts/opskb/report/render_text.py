"""The default output: the tables a manager reads, in a terminal or a mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

SHOWN = 20
UNKNOWN_SYSTEM = (
    "no system id, name or alias of the knowledge base reads so; add it as an alias of its system "
    "in escalation/teams.yaml (systems:)"
)
UNKNOWN_TEAM = "no team id, name or ticket queue of escalation/teams.yaml reads so"


def _when(iso: str | None) -> str:
    return datetime.fromisoformat(iso).strftime("%a %Y-%m-%d %H:%M") if iso else "-"


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def render(data: dict[str, Any]) -> str:
    period, total = data["period"], data["total"]
    lines = [
        f"SLA report: tickets created {period['from'] or 'any day'} .. {period['to'] or 'any day'} "
        f"({period['timezone']}), "
        f"as of {_when(period['as_of'])}",
        f"{total['tickets']} ticket(s): {total['met']} met, {total['breached']} breached, {total['pending']} pending; "
        f"SLA {_percent(total['percent'])}% (met / (met + breached))",
        "",
    ]
    width = max([len(g["name"]) for g in data["groups"]] + [len(data["by"]) + 3, 5])
    lines.append(f"{'by ' + data['by']:<{width}}  tickets      met  breached  pending   SLA %  react unknown")
    for group in [*data["groups"], data["total"]]:
        name = group["name"] + ("" if group.get("known", True) else " (unknown)")
        lines.append(
            f"{name:<{width}}  {group['tickets']:>7}  {group['met']:>7}  {group['breached']:>8}  {group['pending']:>7}"
            f"  {_percent(group['percent']):>6}  {group['react'].get('unknown', 0):>13}"
        )
    if data["by"] == "system":
        lines.append("(a ticket of several systems counts in each of them; the total counts it once)")
    breaches = data["breaches"]
    if breaches["count"]:
        listed = breaches["listed"][:SHOWN]
        lines += ["", f"breaches: {breaches['count']} (the {len(listed)} most late):"]
        for b in listed:
            done = f"done {_when(b['done'])}" if b["done"] else "still open"
            lines.append(
                f"  {b['key']}  {b['missed']} due {_when(b['due'])}, {done}: {b['late']} late  [{b['policy']}]"
                + (f"  {b['summary']}" if b["summary"] else "")
            )
    if data["runbooks"]:
        lines += ["", "most frequent runbooks:"]
        lines += [f"  {r['tickets']:>7}  {r['runbook']}" for r in data["runbooks"][:10]]
    none = data["no_runbook"]
    if none["tickets"]:
        share = 100 * none["tickets"] / total["tickets"] if total["tickets"] else 0
        lines += ["", f"tickets naming no runbook: {none['tickets']} ({share:.0f}%): candidates for a new runbook"]
        for item in none["repeated"][:10]:
            lines.append(f"  {item['tickets']:>7} x {item['summary']}  ({', '.join(item['examples'])}, ...)")
        if not none["repeated"]:
            lines += [f"  {e['key']}  {e['summary']}" for e in none["examples"][:10]]
    for kind, where in (("systems", UNKNOWN_SYSTEM), ("teams", UNKNOWN_TEAM)):
        unknown = data[f"unknown_{kind}"]
        for item in unknown[:SHOWN]:
            lines.append(f"unknown {kind[:-1]} {item['name']!r}: {item['tickets']} ticket(s), first at {item['first']}")
        if len(unknown) > SHOWN:
            lines.append(f"  ... and {len(unknown) - SHOWN} more unknown {kind} (--format json lists them)")
        if unknown:
            lines.append(f"  (counted under the name as written: {where})")
    if data["outside_period"]:
        lines.append(f"{data['outside_period']} ticket(s) created outside the period: not counted")
    left = data["left_out"]
    if left["rows"]:
        kinds = ", ".join(f"{kind}: {n}" for kind, n in left["by_kind"].items())
        lines.append(f"left out {left['rows']} row(s) ({kinds}); each is listed on stderr as file:row: reason")
    for read in data["files"]:
        delimiter = "tab" if read.get("delimiter") == "\t" else repr(read.get("delimiter"))
        lines.append(
            f"read {read['path']}: {read.get('encoding')}, {delimiter}, header on line {read.get('header_line')}, "
            f"dates as {read.get('date_format') or '-'}"
        )
    return "\n".join(lines)
