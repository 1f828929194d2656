"""`opskb report sla` against a straightforward recount, on 2,000 varied generated tickets.

The report's hot path is written for speed (deadlines that end on their first day answered
before the day-by-day walk, summaries folded once, ...); the hand-worked tests pin a few
dozen verdicts. Here every ticket of a generated November 2026 export (every hour of the
day, weekends, the 4 November holiday, night starts, open tickets, late and early answers,
tickets that name an alert) is recounted the slow, obvious way: working time minute by
minute on msk-business (09:00-18:00 Mon-Fri, Moscow, Russian holidays), plain addition on
24x7, the verdict rules of ``report.measure`` as its docstring states them, and the totals
summed from those verdicts.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import yaml

from conftest import REPO

MSK = ZoneInfo("Europe/Moscow")
AS_OF = datetime(2026, 12, 1, tzinfo=MSK)  # the end of the period, November 2026
PRIORITIES = {"Highest": "critical", "High": "high", "Medium": "medium", "Low": "low"}
ALERTS = ("PriceExportStale", "KafkaConsumerLagHigh", "OrderStatusMismatch")
ROWS = 2000
_RU = holidays.country_holidays("RU", years=[2026, 2027])


def _export(path: Path) -> None:
    rng = random.Random(24)
    lines = ["Issue key,Summary,Priority,Created,Resolved,Custom field (First Response Date),Component/s"]
    for n in range(1, ROWS + 1):
        created = datetime(2026, 11, 1) + timedelta(minutes=rng.randrange(30 * 24 * 60))
        response = created + timedelta(minutes=rng.choice((1, 30, 59, 60, 61, 240, 600, 3000)))
        resolved = created + timedelta(minutes=rng.choice((10, 200, 239, 240, 241, 900, 2000, 6000)))
        summary = f"{rng.choice(ALERTS)} firing" if rng.random() < 0.15 else rng.choice(("No orders", "Prices"))
        cells = [
            f"OPS-{n}",
            summary,
            rng.choice(list(PRIORITIES)),
            f"{created:%Y-%m-%d %H:%M}",
            "" if rng.random() < 0.1 else f"{resolved:%Y-%m-%d %H:%M}",
            "" if rng.random() < 0.2 else f"{response:%Y-%m-%d %H:%M}",
            rng.choice(("PIM", "CRM", "Order management")),
        ]
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _working(moment: datetime) -> bool:
    """Whether the minute starting at ``moment`` (Moscow wall time) is a working minute."""
    day = moment.date()
    working_day = (day.weekday() < 5 and day not in _RU) or day in _RU.weekend_workdays
    return working_day and time(9) <= moment.time() < time(18)


def _next_opening(moment: datetime) -> datetime:
    day: date = moment.date() if moment.time() < time(9) else moment.date() + timedelta(days=1)
    return datetime.combine(day, time(9), tzinfo=MSK)


def _working_deadline(start: datetime, minutes: int) -> datetime:
    """Count working minutes one at a time (jumping only over closed hours)."""
    moment = start
    while minutes:
        if _working(moment):
            minutes -= 1
            moment += timedelta(minutes=1)
        else:
            moment = max(moment + timedelta(minutes=1), _next_opening(moment))
            moment = moment if _working(moment) else _next_opening(moment)
    return moment


def _minutes(text: str, working: bool) -> int:
    number, unit = int(text[:-1]), text[-1]
    return number * {"m": 1, "h": 60, "d": 9 * 60 if working else 24 * 60}[unit]


def _deadline(start: datetime, text: str, clock: str) -> datetime:
    if clock == "24x7":
        return start + timedelta(minutes=_minutes(text, False))  # Moscow keeps no DST
    return _working_deadline(start, _minutes(text, True))


def _verdict(done: datetime | None, due: datetime, missing: str) -> str:
    if done is not None:
        return "met" if done <= due else "breached"
    return "pending" if due > AS_OF else missing


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(MSK) if value else None


def test_every_verdict_matches_a_straightforward_recount(cli, tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    _export(path)
    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    result = cli("report", "sla", path, *period, "--format", "json", "--root", REPO)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    sla = yaml.safe_load((REPO / "escalation" / "sla.yaml").read_text(encoding="utf-8"))
    policies = {p["id"]: p for p in sla["policies"]}
    tickets = data["tickets"]
    assert len(tickets) == ROWS
    totals = dict.fromkeys(("met", "breached", "pending"), 0)
    for ticket in tickets:
        policy = policies[ticket["policy"]]
        if ticket["runbook"] is None:
            level = PRIORITIES[ticket["priority"]]
            expected = "critical-incident" if level == "critical" else level
            assert ticket["policy"] == expected, ticket
        created = _moment(ticket["created"])
        react_due = _deadline(created, policy["react_within"], policy["clock"])
        resolve_due = _deadline(created, policy["resolve_within"], policy["clock"])
        response, resolved = _moment(ticket["first_response"]), _moment(ticket["resolved"])
        react = "unknown" if response is None and resolved is not None else _verdict(response, react_due, "unknown")
        resolve = _verdict(resolved, resolve_due, "breached")
        verdict = next((v for v in ("breached", "pending") if v in (react, resolve)), "met")
        assert (_moment(ticket["react_due"]), _moment(ticket["resolve_due"])) == (react_due, resolve_due), ticket
        assert (ticket["react"], ticket["resolve"], ticket["verdict"]) == (react, resolve, verdict), ticket
        late = (resolved or AS_OF) - resolve_due if resolve == "breached" else None
        assert ticket["resolve_late_minutes"] == (None if late is None else int(late.total_seconds() // 60))
        totals[verdict] += 1
    summary = data["summary"]["total"]
    assert {k: summary[k] for k in totals} == totals
    assert summary["tickets"] == ROWS
    assert all(totals.values()), "the generated tickets cover every verdict"
