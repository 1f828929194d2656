"""What the report says, counted as tickets stream past: memory does not grow with the file.

Per group (system, policy, team or runbook) and per system and week: tickets, met,
breached, pending, and SLA % = met / (met + breached). The breaches kept for listing are
the most late ones (a bounded heap; ``breach_count`` counts them all), the runbooks by
how often tickets name them, the tickets that name no runbook by their summary (the
repeated ones are the candidates for a new runbook; the table is bounded and keeps the
most frequent), and unknown systems and teams by name (bounded too).
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from .assign import Assignment
from .measure import BREACHED, MET, PENDING, UNKNOWN, Measured
from .tickets import Ticket

NONE = "(none)"
KEPT_BREACHES = 200
KEPT_SUMMARIES = 2000
KEPT_UNKNOWN = 200
KEPT_EXAMPLES = 50
KEPT_TALLIES = 20_000
VERDICTS = (MET, BREACHED, PENDING, UNKNOWN)


class Counts:
    """Tickets of one group by verdict: the ticket's, its reaction's and its resolution's."""

    __slots__ = ("outcomes",)

    def __init__(self) -> None:
        # one count per (react, resolve, verdict) seen: one dict update per ticket and
        # group instead of three (a few of these run per ticket, a million times); the
        # three tallies are summed from it when read
        self.outcomes: dict[tuple[str, str, str], int] = {}

    def add(self, outcome: tuple[str, str, str]) -> None:
        """Count one ticket of ``outcome``: ``Measured[2:5]``, its react, resolve and verdict."""
        outcomes = self.outcomes
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    def _tally(self, at: int) -> dict[str, int]:
        found = dict.fromkeys(VERDICTS, 0)
        for outcome, n in self.outcomes.items():
            found[outcome[at]] += n
        return found

    @property
    def verdicts(self) -> dict[str, int]:
        return self._tally(2)

    @property
    def react(self) -> dict[str, int]:
        return self._tally(0)

    @property
    def resolve(self) -> dict[str, int]:
        return self._tally(1)

    @property
    def tickets(self) -> int:
        return sum(self.outcomes.values())

    @property
    def met(self) -> int:
        return self._tally(2)[MET]

    @property
    def breached(self) -> int:
        return self._tally(2)[BREACHED]

    @property
    def pending(self) -> int:
        return self._tally(2)[PENDING]

    @property
    def percent(self) -> float | None:
        judged = self.met + self.breached
        return round(100 * self.met / judged, 1) if judged else None

    def as_dict(self, name: str, **extra: Any) -> dict[str, Any]:
        return {
            "name": name,
            **extra,
            "tickets": self.tickets,
            "met": self.met,
            "breached": self.breached,
            "pending": self.pending,
            "percent": self.percent,
            "react": {verdict: n for verdict, n in sorted(self.react.items()) if n},
            "resolve": {verdict: n for verdict, n in sorted(self.resolve.items()) if n},
        }


@dataclass(frozen=True)
class Breach:
    key: str
    file: str
    line: int
    policy: str
    what: str  # "react" or "resolve"
    due: datetime
    done: datetime | None
    late: timedelta
    summary: str
    systems: tuple[str, ...]


@dataclass
class LeftOut:
    file: str
    line: int
    kind: str
    reason: str


class Bounded(Counter):
    """A counter of at most ``limit`` names: when full, the least frequent half is dropped
    (its counts are lost, so counts below the kept ones are approximate)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.dropped = limit, 0

    def count(self, name: str) -> None:
        if name not in self and len(self) >= self.limit:
            for old, _ in self.most_common()[self.limit // 2 :]:
                self.dropped += self.pop(old)
        self[name] += 1


@dataclass
class Report:
    by: str
    zone: tzinfo
    start: datetime | None
    end: datetime | None
    as_of: datetime
    groups: dict[str, Counts] = field(default_factory=dict)
    unknown_groups: set[str] = field(default_factory=set)
    weekly: dict[str, dict[date, Counts]] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)
    runbooks: Counter[str] = field(default_factory=Counter)
    no_runbook: int = 0
    no_runbook_summaries: Bounded = field(default_factory=lambda: Bounded(KEPT_SUMMARIES))
    summary_text: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    no_runbook_examples: list[tuple[str, str]] = field(default_factory=list)
    breaches: list[tuple[timedelta, int, Breach]] = field(default_factory=list)
    breach_count: int = 0
    left_out: Counter[str] = field(default_factory=Counter)
    outside_period: int = 0
    unknown_systems: Bounded = field(default_factory=lambda: Bounded(KEPT_UNKNOWN))
    unknown_teams: Bounded = field(default_factory=lambda: Bounded(KEPT_UNKNOWN))
    first_seen: dict[str, str] = field(default_factory=dict)  # unknown name -> file:row first seen
    files: list[dict[str, Any]] = field(default_factory=list)
    _mondays: dict[date, date] = field(default_factory=dict)  # day -> its week's Monday
    # (assignment, week) -> the outcome tallies a ticket of them adds to (see add)
    _tallies: dict[tuple[Assignment, date], list[dict[tuple[str, str, str], int]]] = field(default_factory=dict)
    _folded: dict[str, str] = field(default_factory=dict)  # summary -> its words as counted

    def leave_out(self, problem: LeftOut) -> None:
        self.left_out[problem.kind] += 1

    def add(self, ticket: Ticket, file: str, assigned: Assignment, measured: Measured) -> None:
        outcome = measured[2:5]  # (react, resolve, verdict): what Counts counts
        created = ticket.created
        day = (created if created.tzinfo is self.zone else created.astimezone(self.zone)).date()
        week = self._mondays.get(day)
        if week is None:
            if len(self._mondays) >= KEPT_TALLIES:
                self._mondays.clear()
            week = self._mondays[day] = day - timedelta(days=day.weekday())
        # the counts a ticket of this assignment created in this week goes into (the total,
        # its groups, its systems' weeks), found once per such pair: one update each here
        tallies = self._tallies.get((assigned, week))
        if tallies is None:
            tallies = self._tallies_of(assigned, week)
        for outcomes in tallies:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if assigned.runbook:
            self.runbooks[assigned.runbook] += 1
        else:
            self._no_runbook(ticket)
        for name in assigned.unknown_systems:
            self._unknown(self.unknown_systems, name, file, ticket.line)
        if assigned.unknown_team:
            self._unknown(self.unknown_teams, assigned.unknown_team, file, ticket.line)
        if measured.verdict == BREACHED:
            self._breach(ticket, file, assigned, measured)

    def _tallies_of(self, assigned: Assignment, week: date) -> list[dict[tuple[str, str, str], int]]:
        if len(self._tallies) >= KEPT_TALLIES:
            self._tallies.clear()  # ever-new assignments cost time, never memory
        found = [self.total.outcomes]
        groups = self.groups
        for name in self._group_names(assigned):
            counts = groups.get(name)
            if counts is None:
                counts = groups[name] = Counts()
            found.append(counts.outcomes)
        for system in assigned.systems or (NONE,):
            by_week = self.weekly.setdefault(system, {})
            counts = by_week.get(week)
            if counts is None:
                counts = by_week[week] = Counts()
            found.append(counts.outcomes)
        self._tallies[assigned, week] = found
        return found

    def _group_names(self, assigned: Assignment) -> tuple[str, ...]:
        if self.by == "system":
            return assigned.systems + tuple(map(self._unknown_group, assigned.unknown_systems)) or (NONE,)
        if self.by == "policy":
            return (assigned.policy or NONE,)
        if self.by == "team":
            return (assigned.team or NONE,)
        return (assigned.runbook or NONE,)

    def _unknown_group(self, name: str) -> str:
        if name not in self.unknown_groups and len(self.unknown_groups) >= KEPT_UNKNOWN:
            return "(other unknown)"
        self.unknown_groups.add(name)
        return name

    def _no_runbook(self, ticket: Ticket) -> None:
        self.no_runbook += 1
        if len(self.no_runbook_examples) < KEPT_EXAMPLES:
            self.no_runbook_examples.append((ticket.key, ticket.summary))
        if ticket.summary:
            # the same words, whatever the case and spacing (cheaper than exports.normal per row);
            # summaries repeat (that is what this table looks for): each is folded once
            name = self._folded.get(ticket.summary)
            if name is None:
                if len(self._folded) >= 2 * KEPT_SUMMARIES:
                    self._folded.clear()  # ever-new summaries cost time, never memory
                name = self._folded[ticket.summary] = " ".join(ticket.summary.casefold().split())[:200]
            self.no_runbook_summaries.count(name)
            known = self.summary_text.get(name)
            if known is None:
                self.summary_text[name] = (ticket.summary, [ticket.key])
            elif len(known[1]) < 3:
                known[1].append(ticket.key)
            if len(self.summary_text) > 2 * KEPT_SUMMARIES:
                self.summary_text = {k: v for k, v in self.summary_text.items() if k in self.no_runbook_summaries}

    def _unknown(self, table: Bounded, name: str, file: str, line: int) -> None:
        table.count(name)
        if name not in self.first_seen:
            self.first_seen[name] = f"{file}:{line}"

    def _breach(self, ticket: Ticket, file: str, assigned: Assignment, measured: Measured) -> None:
        self.breach_count += 1
        if measured.resolve == BREACHED:
            what, due, done, late = "resolve", measured.resolve_due, ticket.resolved, measured.resolve_late
        else:
            what, due, done, late = "react", measured.react_due, ticket.first_response, measured.react_late
        if len(self.breaches) >= KEPT_BREACHES and not late > self.breaches[0][0]:
            return  # no later than the least late kept: not listed (most breaches, in a long file)
        entry = (
            late,
            self.breach_count,
            Breach(
                ticket.key,
                file,
                ticket.line,
                assigned.policy or "",
                what,
                due,
                done,
                late,
                ticket.summary,
                assigned.systems,
            ),
        )
        if len(self.breaches) < KEPT_BREACHES:
            heapq.heappush(self.breaches, entry)
        elif entry[0] > self.breaches[0][0]:
            heapq.heapreplace(self.breaches, entry)

    # ------------------------------------------------------------ read by the renderers

    def worst_breaches(self) -> list[Breach]:
        return [entry[2] for entry in sorted(self.breaches, key=lambda e: (-e[0], e[1]))]

    def repeated_without_runbook(self, limit: int = 20) -> list[tuple[str, int, list[str]]]:
        """(summary, tickets, example keys) of the summaries most often without a runbook."""
        found = []
        for name, count in self.no_runbook_summaries.most_common(limit):
            text, keys = self.summary_text.get(name, (name, []))
            found.append((text, count, keys))
        return found

    def weeks(self) -> list[date]:
        """Every week (its Monday) of the period, or from the first ticket's to the last's:
        a week without tickets is a gap on the chart, not left out of it."""
        seen = {week for by_week in self.weekly.values() for week in by_week}
        first = _monday(self.start, self.zone) if self.start else min(seen, default=None)
        last = _monday(self.end - timedelta(days=1), self.zone) if self.end else max(seen, default=None)
        if first is None or last is None:
            return sorted(seen)
        count = (last - first).days // 7 + 1
        return sorted(seen | {first + timedelta(weeks=i) for i in range(max(0, min(count, 60)))})


def _monday(moment: datetime, zone: tzinfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())
