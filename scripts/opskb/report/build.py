"""The report over one or more ticket exports: read, assign, measure, count, in one stream.

Each row goes through ``tickets`` (the shared export reader and the file's date format),
``keys`` (a key listed before is left out), the period (a ticket created outside it is
not counted), ``assign`` (policy, runbook, systems, team), ``measure`` (deadlines on the
policy's clock) and ``aggregate``; a sink (the JSON or CSV writer) gets every measured
ticket as it comes, and every row left out is handed to ``on_left_out`` with its file,
row and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from ..escalation.clocks import ClockError
from ..model.kb import KnowledgeBase
from ..statuses.exports import Broken, ExportError, ReadOptions
from .aggregate import LeftOut, Report
from .assign import Assigner, Assignment
from .keys import SeenKeys
from .measure import Measured, measure, policies
from .priorities import priority_table
from .tickets import Bad, Ticket, TicketFile


class Sink(Protocol):
    def ticket(self, ticket: Ticket, file: str, assigned: Assignment, measured: Measured) -> None: ...


@dataclass
class Options:
    zone: tzinfo
    as_of: datetime
    start: datetime | None = None
    end: datetime | None = None
    by: str = "system"
    read: ReadOptions = field(default_factory=ReadOptions)
    date_format: str = ""
    priorities: dict[str, str] = field(default_factory=dict)


def build(
    kb: KnowledgeBase,
    paths: Sequence[Path],
    options: Options,
    sink: Sink | None,
    on_left_out: Callable[[LeftOut], None],
) -> Report:
    report = Report(options.by, options.zone, options.start, options.end, options.as_of)
    assigner = Assigner(kb, priority_table(options.priorities))
    clocks = policies(kb)
    seen = SeenKeys()
    start, end, as_of = options.start, options.end, options.as_of

    def leave_out(file: str, line: int, kind: str, reason: str) -> None:
        problem = LeftOut(file, line, kind, reason)
        report.leave_out(problem)
        on_left_out(problem)

    for index, path in enumerate(paths):
        file = str(path)
        tickets = TicketFile(lambda path=path: path.open("rb"), options.zone, options.read, options.date_format)
        responses = None
        for item in _rows(tickets, file):
            if item.__class__ is not Ticket:  # Broken or Bad (one class test: a million rows)
                leave_out(file, item.line, getattr(item, "kind", "unreadable row"), item.reason)
                continue
            if responses is None:
                responses = "first_response" in tickets.layout_info.get("columns", {})
            first = seen.first(item.key, index, item.line)
            if first is not None:
                where = f"{paths[first[0]]}:{first[1]}"
                leave_out(file, item.line, "duplicate key", f"{item.key}: duplicate ticket key (first on {where})")
                continue
            if (start is not None and item.created < start) or (end is not None and item.created >= end):
                report.outside_period += 1
                continue
            assigned = assigner.assign(item.text, item.priority, item.systems, item.team)
            if assigned.policy is None:
                leave_out(file, item.line, assigned.problem_kind, f"{item.key}: {assigned.problem}")
                continue
            try:
                measured = measure(item, clocks[assigned.policy], as_of, responses)
            except ClockError as err:  # a deadline past the year 9999
                leave_out(file, item.line, "bad date", f"{item.key}: {err}")
                continue
            report.add(item, file, assigned, measured)
            if sink is not None:
                sink.ticket(item, file, assigned, measured)
        report.files.append({"path": file, **tickets.layout_info})
    return report


def _rows(tickets: TicketFile, file: str) -> Iterator[Ticket | Broken | Bad]:
    """The file's rows; a file-level problem (no header, dates in no known form) names the file."""
    try:
        yield from tickets.rows()
    except ExportError as err:
        raise ExportError(f"{file}: {err}") from None
