"""``--format csv``: safe to open in a spreadsheet (every cell quoted; a cell starting with
``=`` ``+`` ``-`` ``@``, a tab or CR prefixed with a quote: ``opskb.statuses.spreadsheet``, as
reconcile writes). One row per ticket as it comes (``kind`` ticket), then one per group
(``kind`` group) and per system and week (``kind`` week)."""

from __future__ import annotations

import csv
from typing import Any, TextIO

from ..statuses.spreadsheet import safe_cell
from .model import ticket_data

COLUMNS = (
    "kind",
    "key",
    "name",
    "week",
    "policy",
    "runbook",
    "systems",
    "team",
    "priority",
    "created",
    "first_response",
    "resolved",
    "react_due",
    "resolve_due",
    "react",
    "resolve",
    "verdict",
    "react_late_minutes",
    "resolve_late_minutes",
    "tickets",
    "met",
    "breached",
    "pending",
    "percent",
    "file",
    "line",
)


class CsvWriter:
    def __init__(self, out: TextIO, zone: Any) -> None:
        self.zone = zone
        self.writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        self.writer.writerow(COLUMNS)

    def row(self, values: dict[str, Any]) -> None:
        self.writer.writerow([safe_cell(_cell(values.get(column))) for column in COLUMNS])

    def ticket(self, ticket: Any, file: str, assigned: Any, measured: Any) -> None:
        self.row({"kind": "ticket", **ticket_data(ticket, file, assigned, measured, self.zone)})

    def finish(self, summary: dict[str, Any]) -> None:
        for group in summary["groups"]:
            self.row({"kind": "group", **group})
        self.row({"kind": "total", **summary["total"]})
        for week in summary["weekly"]:
            self.row({"kind": "week", "name": week["system"], **week})


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value
