"""Reconcile a file of orders against the status mapping, streaming.

Each row is ``order id, marketplace, marketplace status, our internal status``. A row
whose internal status differs from the one the marketplace status maps to is a mismatch
(the sources' case: the buyer sees "being assembled", our system says "in delivery").
A row that cannot be judged (wrong column count, bad encoding, unknown marketplace,
status or internal status) is a bad row. Both are reported with the file's line number,
and the rest of the file is still checked.

The file is read line by line and findings are handed to a callback as they are found:
memory does not grow with the file (1,000,000 rows is an ordinary nightly export).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO

from .status_keys import StatusKey

MISMATCH = "mismatch"
BAD_ROW = "bad_row"
COLUMNS = ("order_id", "marketplace", "marketplace_status", "internal_status")
_HEADER_WORDS = {
    "order",
    "order_id",
    "id",
    "marketplace",
    "marketplace_status",
    "status",
    "internal",
    "internal_status",
    "our_status",
}


@dataclass(frozen=True)
class Finding:
    """One row that disagrees with the mapping or cannot be judged."""

    line: int
    kind: str
    message: str
    order_id: str = ""
    marketplace: str = ""
    marketplace_status: str = ""
    internal_status: str = ""
    expected: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v != ""}


@dataclass
class Summary:
    rows: int = 0
    ok: int = 0
    mismatches: int = 0
    bad_rows: int = 0
    # (marketplace, expected, ours) -> count: which disagreement dominates
    pairs: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    @property
    def clean(self) -> bool:
        return not self.mismatches and not self.bad_rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "ok": self.ok,
            "mismatches": self.mismatches,
            "bad_rows": self.bad_rows,
            "top_mismatches": [
                {"marketplace": m, "expected": e, "ours": o, "count": n} for (m, e, o), n in self.pairs.most_common(10)
            ],
        }


class StatusMap:
    """The mapping of every marketplace, flattened for fast per-row lookups."""

    def __init__(self, kb: Any) -> None:
        self.markets: dict[str, StatusKey] = {
            market_id: StatusKey(entity.data) for market_id, entity in kb.marketplaces.items()
        }
        self.internal: set[str] = set(kb.internal_statuses)


def reconcile_file(path: Path, status_map: StatusMap, report: Callable[[Finding], None]) -> Summary:
    """Check every row of ``path``; ``report`` gets each finding as soon as it is found."""
    with path.open("rb") as handle:
        return reconcile_stream(handle, status_map, report)


def reconcile_stream(handle: BinaryIO, status_map: StatusMap, report: Callable[[Finding], None]) -> Summary:
    summary = Summary()
    bad_encoding: set[int] = set()
    lines = _decoded_lines(handle, bad_encoding)
    first = next(lines, None)
    if first is None:
        return summary
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(chain([first], lines), delimiter=delimiter)
    previous_end = 0
    while True:
        line = previous_end + 1  # a quoted field may span lines: report where the row starts
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:  # NUL byte, runaway quote, oversized field: skip the row
            previous_end = reader.line_num
            _bad(summary, report, Finding(line, BAD_ROW, f"unreadable CSV: {err}"))
            continue
        previous_end = reader.line_num
        if line in bad_encoding:
            bad_encoding.discard(line)  # keep the set small: each line is seen once
            _bad(summary, report, Finding(line, BAD_ROW, "bad encoding: not UTF-8"))
            continue
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if line == 1 and _is_header(row):
            continue
        finding = _judge(line, row, status_map)
        if finding is not None and finding.kind == BAD_ROW:
            _bad(summary, report, finding)
            continue
        summary.rows += 1
        if finding is None:
            summary.ok += 1
        else:
            summary.mismatches += 1
            summary.pairs[(finding.marketplace, finding.expected, finding.internal_status)] += 1
            report(finding)
    return summary


def _bad(summary: Summary, report: Callable[[Finding], None], finding: Finding) -> None:
    summary.rows += 1
    summary.bad_rows += 1
    report(finding)


def _judge(line: int, row: list[str], status_map: StatusMap) -> Finding | None:
    if len(row) != len(COLUMNS):
        return Finding(line, BAD_ROW, f"expected {len(COLUMNS)} columns ({', '.join(COLUMNS)}), got {len(row)}")
    order_id, market_id, code, ours = (cell.strip() for cell in row)
    base = {"order_id": order_id, "marketplace": market_id, "marketplace_status": code, "internal_status": ours}
    if not order_id:
        return Finding(line, BAD_ROW, "empty order id", **base)
    market = status_map.markets.get(market_id)
    if market is None:
        return Finding(line, BAD_ROW, f"unknown marketplace {market_id!r}", **base)
    resolved = market.resolve(code)
    if resolved is None:
        # Marketplaces add statuses between API versions: say so, never guess a default.
        return Finding(
            line,
            BAD_ROW,
            f"status {code!r} is not in the {market_id} mapping (status_mappings/{market_id}.yaml)",
            **base,
        )
    mapped = resolved.entry
    if ours not in status_map.internal:
        return Finding(line, BAD_ROW, f"unknown internal status {ours!r}", **base)
    expected = mapped["maps_to"]
    if ours == expected:
        return None
    label = f' (buyer sees "{mapped["label"]}")' if mapped.get("label") else ""
    return Finding(
        line,
        MISMATCH,
        f"order {order_id}: {market_id} {code}{label} maps to {expected}, ours is {ours}",
        expected=expected,
        **base,
    )


def _is_header(row: list[str]) -> bool:
    return sum(cell.strip().lower().replace(" ", "_") in _HEADER_WORDS for cell in row) >= 2


def _decoded_lines(handle: BinaryIO, bad: set[int]) -> Iterator[str]:
    """Lines as text; an undecodable line becomes blank and its number is remembered."""
    for number, raw in enumerate(handle, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # UTF-8 BOM from spreadsheet exports
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(number)
            yield "\n"
