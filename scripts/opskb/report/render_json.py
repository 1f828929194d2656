"""``--format json``: one JSON document, written as the tickets come (never held whole):
``{"tickets": [...], "summary": {...}}``; each ticket with its key, policy, deadlines
(``react_due``, ``resolve_due``) and verdicts (``react``, ``resolve``), the summary as
``model.summary`` gives it (each group with name, tickets, met, breached, pending, percent)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from .model import ticket_data


class JsonWriter:
    def __init__(self, out: TextIO, zone: Any) -> None:
        self.out, self.zone, self.count = out, zone, 0
        out.write('{"tickets": [')

    def ticket(self, ticket: Any, file: str, assigned: Any, measured: Any) -> None:
        self.out.write(",\n" if self.count else "\n")
        self.out.write(json.dumps(ticket_data(ticket, file, assigned, measured, self.zone), ensure_ascii=False))
        self.count += 1

    def finish(self, summary: dict[str, Any]) -> None:
        self.out.write('\n], "summary": ')
        self.out.write(json.dumps(summary, ensure_ascii=False, indent=1))
        self.out.write("}\n")
