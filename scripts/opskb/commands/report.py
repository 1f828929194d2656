"""Reports from the ticket system's exports, measured against the SLA policies.

  opskb report sla EXPORT... [--from DATE] [--to DATE] [--by system|policy|team|runbook]
      SLA compliance of the tickets created in the period (--from and --to are days,
      both included). Each ticket gets an SLA policy: the route's policy of the runbook
      it names (its id or one of its alert names, in any column or label), else the
      policy of its priority (Jira's Highest..Lowest, ServiceNow's '1 - Critical'..
      '5 - Planning', Russian words; --priority NAME=LEVEL adds one; where several policies
      share a priority, the one marked default_for_priority). Reaction (when the export
      has a first-response column) and resolution are measured on the policy's clock,
      as `opskb escalate` counts it (working hours, weekends, public holidays, time zones):
      met, breached, pending (open and due after the end of the period) or, for reaction
      without a first-response time, unknown. SLA % = met / (met + breached).

      Exports are read as `status reconcile` reads them: encoding, delimiter and header
      found from the data, columns by name (Jira's CSV with its repeated Component/s and
      Labels columns and 'Custom field (...)' names, ServiceNow's incident list, Russian
      ITSM exports in cp1251 with ';'); --column ROLE=NAME for an unusual header. Dates
      in the form of the exporting user's locale, one form per file found from its data;
      times without an offset are read in --timezone (default: the business calendar's).

      A row that cannot be measured (a date in no form or not in the file's, resolved
      before created, an unknown priority, an empty or duplicate key, a broken line) is
      printed on stderr as FILE:ROW: bad row: REASON and left out; the report counts
      the rest and says how many rows it left out and why. Exit 1 when rows were left
      out, 2 for a usage error or a file that cannot be read as an export.

      --format text (default), json (one document: every ticket with its deadlines and
      verdicts, then the summary), csv (safe to open in a spreadsheet), html (one static,
      printable page with an SVG chart of SLA % per week for each system). --output FILE
      writes there instead of stdout.

examples:
  opskb report sla jira-2026-11.csv --from 2026-11-01 --to 2026-11-30
  opskb report sla servicenow.csv itsm.csv --from 2026-11-01 --to 2026-11-30 --by team --format html --output sla.html
  opskb report sla export.csv --column first_response="Взято в работу" --priority Срочный=critical
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

NAME = "report"
HELP = "SLA compliance from ticket exports (report sla EXPORT...)"
BY = ("system", "policy", "team", "runbook")
LEVELS = ("critical", "high", "medium", "low")
DELIMITERS = (";", ",", "tab", "|")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", choices=("sla",), help="the report: sla")
    parser.add_argument("exports", nargs="+", type=Path, metavar="EXPORT", help="ticket export(s), CSV")
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day of the period, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day of the period, YYYY-MM-DD (included)")
    parser.add_argument("--timezone", metavar="TZ", help="IANA zone of the period and of times without an offset")
    parser.add_argument("--by", choices=BY, default="system", help="group tickets by (default: system)")
    parser.add_argument("--format", choices=("text", "json", "csv", "html"), default="text", help="default: text")
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE (default: stdout)")
    parser.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="ROLE=NAME",
        help="the header NAME of a column; ROLE is one of "
        "key, summary, priority, created, first_response, resolved, closed, system, team, labels, runbook",
    )
    parser.add_argument(
        "--priority",
        action="append",
        default=[],
        metavar="NAME=LEVEL",
        help="an export's priority NAME and the SLA priority it means (critical, high, medium, low)",
    )
    parser.add_argument("--date-format", metavar="PATTERN", help="the exports' date form, e.g. 'DD.MM.YYYY HH:mm'")
    parser.add_argument("--encoding", help="the exports' encoding, when detection guesses wrong (e.g. cp1251)")
    parser.add_argument("--delimiter", choices=DELIMITERS, metavar="';'|','|tab|'|'", help="default: detected")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")


def run(args: argparse.Namespace) -> int:
    from ..model.layout import ESCALATION, RUNBOOKS
    from ..report import model
    from ..report.build import build
    from ..statuses.exports import ExportError
    from ._support import CommandError, files_in, guard, load

    for path in args.exports:
        if not path.is_file():
            raise CommandError(f"opskb report sla: {path}: no such file")
    kb, problems = load(args.root, "report sla")
    guard("report sla", problems, [*files_in(kb, ESCALATION), *files_in(kb, RUNBOOKS)])
    options = _options(args, kb)
    left: list[int] = [0]

    def on_left_out(problem: Any) -> None:
        left[0] += 1
        print(f"{problem.file}:{problem.line}: bad row: {problem.reason}", file=sys.stderr)

    try:
        with _output(args.output) as out:
            sink = _sink(args.format, out, options.zone)
            report = build(kb, args.exports, options, sink, on_left_out)
            data = model.summary(report, kb)
            _finish(args.format, out, sink, data)
    except ExportError as err:
        raise CommandError(f"opskb report sla: {err}") from None
    except OSError as err:
        raise CommandError(f"opskb report sla: {err.filename or ''}: {err.strerror or err}") from None
    if left[0]:
        print(f"opskb report sla: left out {left[0]} row(s); the report counts the rest", file=sys.stderr)
    return 1 if left[0] else 0


def _options(args: argparse.Namespace, kb: Any) -> Any:
    from ..escalation.clocks import ClockError, _zone
    from ..report.build import Options
    from ..report.dates import DateFormatError, compile_format
    from ._support import CommandError, read_options

    try:
        zone = _zone(args.timezone) if args.timezone else default_zone(kb)
    except ClockError as err:
        raise CommandError(f"opskb report sla: --timezone: {err}") from None
    start = _day(args.start, "--from", zone)
    end = _day(args.end, "--to", zone)
    if end is not None:
        end += timedelta(days=1)
    if start and end and end <= start:
        raise CommandError("opskb report sla: --to is before --from")
    now = datetime.now(zone)
    as_of = min(end, now) if end is not None else now
    columns = dict(
        _pair(
            p,
            "--column",
            (
                "key",
                "summary",
                "priority",
                "created",
                "first_response",
                "resolved",
                "closed",
                "system",
                "team",
                "labels",
                "runbook",
            ),
        )
        for p in args.column
    )
    priorities = dict(_pair(p, "--priority", None) for p in args.priority)
    for name, level in priorities.items():
        if level not in LEVELS:
            raise CommandError(f"opskb report sla: --priority {name}={level}: LEVEL is one of {', '.join(LEVELS)}")
    if args.date_format:
        try:
            compile_format(args.date_format)
        except DateFormatError as err:
            raise CommandError(f"opskb report sla: --date-format: {err}") from None
    return Options(
        zone=zone,
        as_of=as_of,
        start=start,
        end=end,
        by=args.by,
        read=read_options("report sla", columns, args.encoding, args.delimiter),
        date_format=args.date_format or "",
        priorities=priorities,
    )


def default_zone(kb: Any) -> Any:
    """The business calendar's zone, else the first team's, else UTC."""
    from datetime import UTC

    from ..escalation.clocks import _zone

    for calendar in kb.calendars.values():
        return _zone(calendar.data["timezone"])
    for team in kb.teams.values():
        return _zone(team.data["hours"]["timezone"])
    return UTC


def _day(text: str | None, option: str, zone: Any) -> datetime | None:
    from ._support import CommandError

    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"opskb report sla: {option} {text!r}: not a day as YYYY-MM-DD") from None
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def _pair(text: str, option: str, allowed: tuple[str, ...] | None) -> tuple[str, str]:
    from ._support import CommandError

    name, equals, value = text.partition("=")
    if not equals or not name.strip() or not value.strip() or (allowed and name not in allowed):
        roles = f", ROLE one of {', '.join(allowed)}" if allowed else ""
        raise CommandError(f"opskb report sla: {option} {text!r}: expected NAME=VALUE{roles}")
    return name.strip(), value.strip()


@contextmanager
def _output(path: Path | None):
    """stdout, or a file written whole or not at all (a temporary file renamed at the end)."""
    if path is None:
        yield sys.stdout
        return
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _sink(fmt: str, out: TextIO, zone: Any) -> Any:
    if fmt == "json":
        from ..report.render_json import JsonWriter

        return JsonWriter(out, zone)
    if fmt == "csv":
        from ..report.render_csv import CsvWriter

        return CsvWriter(out, zone)
    return None


def _finish(fmt: str, out: TextIO, sink: Any, data: dict[str, Any]) -> None:
    if sink is not None:
        sink.finish(data)
    elif fmt == "html":
        from ..report.render_html import render

        out.write(render(data))
    else:
        from ..report.render_text import render

        out.write(render(data) + "\n")
