"""Ticket rows of an export, read by the shared export reader, as ``Ticket``s or reasons.

The columns are found by ``opskb.statuses.exports`` (the reader of ``status reconcile``) from the
ticket phrasings of ``export_columns.json``; the dates by the file's one format
(``dates``). A row that cannot be measured is a reason, said as ``file:row: reason`` by
the caller: an empty key, a date in no form or not in the file's, a resolution or first
response before the ticket was created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, tzinfo
from itertools import islice
from operator import itemgetter
from typing import BinaryIO, NamedTuple

from ..statuses.exports import TICKETS, Broken, Export, ExportError, ReadOptions, column_names
from . import dates

ROLES = tuple(column_names(TICKETS))
REQUIRED = ("key", "created", "priority")
DATE_ROLES = ("created", "first_response", "resolved", "closed")
SAMPLE_ROWS = 200  # rows whose dates decide the file's form (all of them when undecided)


class Bad(NamedTuple):
    """A row that cannot be measured: its line, what kind of problem, and the reason."""

    line: int
    reason: str
    kind: str


class Ticket(NamedTuple):
    line: int
    key: str
    summary: str
    priority: str
    created: datetime
    first_response: datetime | None
    resolved: datetime | None
    systems: tuple[str, ...]
    team: str
    text: str  # every cell, for the runbook ids and alert names a ticket names anywhere


class TicketFile:
    """One ticket export: its layout, its date format (decided from its data), its rows."""

    def __init__(self, open_file: Callable[[], BinaryIO], zone: tzinfo, options: ReadOptions, date_format: str = ""):
        self._open, self.zone, self.options = open_file, zone, options
        self.formats = [dates.compile_format(date_format)] if date_format else None
        self.layout_info: dict[str, object] = {}

    def _export(self, handle: BinaryIO) -> Export:
        return Export(handle, roles=ROLES, required=REQUIRED, options=self.options, kind=TICKETS)

    def _date_values(self, export: Export, limit: int | None) -> Iterator[str]:
        indices: list[int] | None = None
        for item in islice(export.rows(), limit):
            if isinstance(item, Broken):
                continue
            if indices is None:
                indices = [export.layout.columns[r] for r in DATE_ROLES if r in export.layout.columns]
            for i in indices:
                if value := item.cells[i].strip():
                    yield value

    def _decide(self) -> list[dates.DateFormat]:
        """The formats of this file's dates: from its first rows, else from all of them."""
        known = dates.known_formats()
        with self._open() as handle:
            sample = list(self._date_values(self._export(handle), SAMPLE_ROWS))
        try:
            chosen = dates.decide(sample, known)
        except dates.Undecided:
            with self._open() as handle:
                try:
                    chosen = dates.decide(self._date_values(self._export(handle), None), known)
                except dates.Undecided as err:
                    raise ExportError(str(err)) from None
        if sample and not chosen:
            raise ExportError(
                f"no date of the first rows is in a form opskb knows (such as {sample[0]!r}): "
                "give its form with --date-format, e.g. 'DD.MM.YYYY HH:mm'"
            )
        return chosen

    def rows(self) -> Iterator[Ticket | Broken | Bad]:
        """Every row as a Ticket, or Broken(line, reason) (unreadable), or Bad."""
        formats = self.formats or self._decide()
        self.layout_info["date_format"] = " or ".join(f.pattern for f in formats)
        read = dates.reader(formats)
        shown = formats[0].pattern if formats else "?"
        with self._open() as handle:
            export = self._export(handle)
            pick = None
            for item in export.rows():
                if pick is None and export.layout.header_line:  # the header is read: its columns are known
                    self._check_layout(export)
                    pick = _picker(export)
                    self.layout_info.update(export.layout.as_dict())
                if isinstance(item, Broken):
                    yield item
                    continue
                yield _ticket(item.line, item.cells, pick, read, self.zone, shown)

    @staticmethod
    def _check_layout(export: Export) -> None:
        if "resolved" not in export.layout.columns and "closed" not in export.layout.columns:
            names = ", ".join(column_names(TICKETS)["resolved"][:4])
            raise ExportError(
                f"header on line {export.layout.header_line} has no column for resolved ({names}, ...): "
                "name it with --column resolved=NAME"
            )


class _Picked(NamedTuple):
    key: str
    summary: str
    priority: str
    created: str
    first_response: str
    resolved: str
    closed: str
    team: str
    runbook: str


def _picker(export: Export) -> Callable[[list[str]], tuple[_Picked, tuple[str, ...], str]]:
    columns, repeated = export.layout.columns, export.layout.repeated
    get = itemgetter(*(columns.get(role, -1) for role in _Picked._fields))
    systems = repeated.get("system", [columns["system"]] if "system" in columns else [])
    labels = repeated.get("labels", [columns["labels"]] if "labels" in columns else [])
    first = [columns[r] for r in ("runbook",) if r in columns] + labels  # what names a runbook on purpose

    def pick(cells: list[str]) -> tuple[_Picked, tuple[str, ...], str]:
        cells.append("")  # what index -1 (a column the file lacks) reads
        found = _Picked._make(map(str.strip, get(cells)))
        named = tuple(value for i in systems if (value := cells[i].strip()))
        text = "\x1f".join([cells[i] for i in first] + cells)
        return found, named, text

    return pick


def _ticket(line: int, cells: list[str], pick, read, zone: tzinfo, shown: str) -> Ticket | Bad:
    found, systems, text = pick(cells)
    key = found.key
    if not key:
        return Bad(line, "empty ticket key", "missing value")
    # the four dates written out, not looped over: this runs once per row of a million
    created = read(found.created, zone) if found.created else None
    if created is None:
        return _bad_date(line, key, "created", found.created, shown)
    first_response = read(found.first_response, zone) if found.first_response else None
    if first_response is None and found.first_response:
        return _bad_date(line, key, "first response", found.first_response, shown)
    resolved = read(found.resolved, zone) if found.resolved else None
    if resolved is None and found.resolved:
        return _bad_date(line, key, "resolved", found.resolved, shown)
    if resolved is None and found.closed:
        resolved = read(found.closed, zone)
        if resolved is None:
            return _bad_date(line, key, "closed", found.closed, shown)
    for role, moment in (("resolved", resolved), ("first response", first_response)):
        if moment is not None and moment < created:
            when = f"{moment:%Y-%m-%d %H:%M} is before created {created:%Y-%m-%d %H:%M}"
            return Bad(line, f"{key}: {role} {when}", f"{role} before created")
    return Ticket(
        line, key, found.summary, found.priority, created, first_response, resolved, systems, found.team, text
    )


def _bad_date(line: int, key: str, what: str, value: str, shown: str) -> Bad:
    if not value:
        return Bad(line, f"{key}: no creation time", "missing value")
    return Bad(line, f"{key}: {what} {value!r} is not a date in this file's form ({shown})", "bad date")
