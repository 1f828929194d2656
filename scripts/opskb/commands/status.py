"""Translate a marketplace order status into ours, or reconcile a file of orders.

  opskb status MARKETPLACE STATUS
      The internal status STATUS maps to, whether the match is exact or the closest in
      meaning, and the note saying why. Two-field codes are written 'first/second'
      (Ozon status/substatus, Wildberries supplierStatus/wbStatus, Yandex Market
      status/substatus); a pair resolves by the file's key.precedence: listed as it is,
      else a final second value that decides alone, else (where the file says so) its
      first part alone.
      Exit 1 when the marketplace has no such status (report it: marketplaces add
      statuses between API versions, and nothing is mapped by default).

  opskb status reconcile ORDERS.csv
      One export whose rows carry the order id, the marketplace, its status and ours.
  opskb status reconcile --marketplace ozon MARKETPLACE.csv --ours OURS.csv
      The marketplace's export and our order system's, joined by order id.

      Every order is checked against the mapping: mismatches (ours is not what the
      marketplace status maps to), orders on one side only, and bad rows (unknown
      marketplace, status or internal status, an unterminated quote, a wrong column
      count, a NUL byte, bytes invalid in the file's encoding, an overlong field) are
      reported with their file and line; the rest of the file is still checked. Then a
      summary by (marketplace status -> ours) pair.
      Read as people have them: encoding detected (UTF-8 with or without BOM, cp1251,
      KOI8-R), delimiter (';' ',' tab '|') and header detected from the data, headers in
      Russian or English with columns found by name in any order (extra columns are
      ignored; --column ROLE=NAME for an unusual header, --ours-column for OURS.csv), the
      marketplace as its id, name or an alias, statuses as codes or as the labels buyers
      see. Without a header: order_id, marketplace, marketplace_status, internal_status.
      Exit 1 when anything disagrees or is bad. --format json prints one JSON object per
      line (each finding, then {"summary": ...}); --format csv is safe to open in a
      spreadsheet (a cell starting with = + - @ tab or CR is prefixed with a quote).
      Memory stays flat on any file size; a join holds our side only (about 50 bytes an
      order).

examples:
  opskb status ozon awaiting_packaging
  opskb status yandex-market PROCESSING/READY_TO_SHIP --format json
  opskb status reconcile exports/orders-2026-11-23.csv
  opskb status reconcile --marketplace ozon ozon-postings.csv --ours oms-orders.csv --format csv
  opskb status reconcile orders.csv --column order_id="Номер отправления" --delimiter tab
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

NAME = "status"
HELP = "map a marketplace status to ours; `status reconcile FILE` checks a file of orders"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "marketplace",
        metavar="MARKETPLACE|reconcile",
        help="marketplace id (file name in status_mappings/), or the word reconcile",
    )
    parser.add_argument("status", metavar="STATUS|FILE", help="status code as the API spells it, or the CSV file")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="output format (default: text; csv for reconcile only)",
    )
    parser.add_argument(
        "--max-shown",
        type=int,
        default=None,
        metavar="N",
        help="reconcile, text format: print only the first N findings (all are counted)",
    )
    reconcile = parser.add_argument_group("reconcile")
    reconcile.add_argument("--ours", type=Path, metavar="OURS.csv", help="our order system's export, joined by id")
    reconcile.add_argument(
        "--marketplace", dest="market", metavar="ID", help="the marketplace of the export (needed with --ours)"
    )
    reconcile.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="ROLE=NAME",
        help=f"the header NAME of a column of FILE; ROLE is one of {', '.join(ROLES)}",
    )
    reconcile.add_argument(
        "--ours-column", action="append", default=[], metavar="ROLE=NAME", help="the same, for OURS.csv"
    )
    reconcile.add_argument("--encoding", help="the files' encoding, when detection guesses wrong (e.g. cp1251)")
    reconcile.add_argument(
        "--delimiter", choices=DELIMITERS, metavar="';'|','|tab|'|'", help="the files' delimiter (default: detected)"
    )


ROLES = ("order_id", "marketplace", "marketplace_status", "marketplace_substatus", "internal_status")
DELIMITERS = (";", ",", "tab", "|")


def run(args: argparse.Namespace) -> int:
    if args.marketplace == "reconcile":
        return _reconcile(args)
    return _lookup(args)


def describe(kb: Any, market_id: str, code: str) -> dict[str, Any] | None:
    """The mapping of one status as plain data, or None when the marketplace lacks it."""
    resolution = kb.resolve_status(market_id, code)
    if resolution is None:
        return None
    entry = resolution.entry
    internal = kb.internal_statuses.get(entry["maps_to"])
    data = kb.marketplaces[market_id].data
    return {
        "marketplace": market_id,
        "marketplace_name": data["name"],
        "code": code,
        "matched_code": entry["code"],
        "resolved_by": resolution.how,
        "why": resolution.why(data["key"]["fields"]) or None,
        "label": entry.get("label"),
        "description": entry.get("description"),
        "terminal": bool(entry.get("terminal", False)),
        "maps_to": entry["maps_to"],
        "internal_name": internal.data["name"] if internal else None,
        "internal_name_ru": internal.data.get("name_ru") if internal else None,
        "match": entry["match"],
        "note": entry.get("note"),
        "illustrative": bool(kb.marketplaces[market_id].data.get("illustrative", False)),
    }


def _lookup(args: argparse.Namespace) -> int:
    from ._support import CommandError, did_you_mean, guard, load, status_mappings

    if args.format == "csv":
        raise CommandError("opskb status: --format csv is for reconcile; use text or json")

    kb, problems = load(args.root, NAME)
    status_mappings(kb, NAME)
    market = kb.marketplaces.get(args.marketplace)
    if market is None:
        if args.marketplace in kb.broken.get("marketplace", set()):
            guard(NAME, problems, [p.path for p in problems if p.path.endswith(f"/{args.marketplace}.yaml")])
        raise CommandError(
            f"opskb status: no marketplace {args.marketplace!r}{did_you_mean(args.marketplace, kb.marketplaces)}"
        )
    guard(NAME, problems, [market.file, *([kb.internal.file] if kb.internal else [])])
    found = describe(kb, market.id, args.status)
    if found is None:
        codes = [s["code"] for s in market.data["statuses"]]
        close = [c for c in codes if c.lower() == args.status.lower()]
        hint = f"; codes are case-sensitive: {close[0]}" if close else did_you_mean(args.status, codes)
        raise CommandError(f"opskb status: {market.id} has no status {args.status!r} in {market.file}{hint}", 1)
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
    else:
        print(_lookup_text(found))
    return 0


def _lookup_text(found: dict[str, Any]) -> str:
    label = f' "{found["label"]}"' if found["label"] else ""
    russian = f", «{found['internal_name_ru']}»" if found["internal_name_ru"] else ""
    name = f" ({found['internal_name']}{russian})"
    lines = [f"{found['marketplace']} {found['code']}{label} -> {found['maps_to']}{name}  [{found['match']}]"]
    if found["why"]:
        lines.append(f"  {found['why']}")
    if found["description"]:
        lines.append(f"  means: {found['description']}")
    if found["note"]:
        lines.append(f"  note: {found['note']}")
    if found["terminal"]:
        lines.append("  terminal on the marketplace: the order does not move on from here")
    if found["illustrative"]:
        lines.append(f"  (the {found['marketplace_name']} status model is illustrative: no public list exists)")
    return "\n".join(lines)


def _reconcile(args: argparse.Namespace) -> int:
    from ..model.layout import STATUS_MAPPINGS
    from ..statuses import reconcile
    from ..statuses.exports import ExportError
    from ._support import CommandError, did_you_mean, files_in, guard, load, status_mappings

    paths = [Path(args.status), *([args.ours] if args.ours else [])]
    for path in paths:
        if not path.is_file():
            raise CommandError(f"opskb status reconcile: {path}: no such file")
    if args.ours and not args.market:
        raise CommandError("opskb status reconcile: --ours needs --marketplace ID (the marketplace of FILE)")
    options, ours_options = _read_options(args.column, args), _read_options(args.ours_column, args)
    kb, problems = load(args.root, "status reconcile")
    status_mappings(kb, "status reconcile")
    guard("status reconcile", problems, files_in(kb, STATUS_MAPPINGS))
    status_map = reconcile.StatusMap(kb)
    market = None
    if args.market:
        market = status_map.marketplace(args.market)
        if market is None:
            raise CommandError(
                f"opskb status reconcile: no marketplace {args.market!r}{did_you_mean(args.market, kb.marketplaces)}"
            )
    out = _Output(args.format, args.max_shown)
    try:
        if args.ours:
            summary = reconcile.reconcile_pair(
                paths[0], args.ours, market, status_map, out.report, options, ours_options
            )
        else:
            summary = reconcile.reconcile_file(paths[0], status_map, out.report, options, market)
    except ExportError as err:
        raise CommandError(f"opskb status reconcile: {err}") from None
    except OSError as err:
        raise CommandError(f"opskb status reconcile: {err.filename or paths[0]}: {err.strerror or err}") from None
    out.finish(summary, market)
    return 0 if summary.clean else 1


def _read_options(pairs: list[str], args: argparse.Namespace) -> Any:
    from ._support import CommandError, read_options

    columns = {}
    for pair in pairs:
        role, equals, name = pair.partition("=")
        if not equals or role not in ROLES or not name.strip():
            raise CommandError(f"opskb status reconcile: --column {pair!r}: expected ROLE=NAME, ROLE one of {ROLES}")
        columns[role] = name
    return read_options("status reconcile", columns, args.encoding, args.delimiter)


class _Output:
    """Findings as they come, then the summary, in text, JSON lines or spreadsheet-safe CSV."""

    CSV_COLUMNS = (
        "kind",
        "file",
        "line",
        "order_id",
        "marketplace",
        "marketplace_status",
        "expected",
        "internal_status",
        "ours_file",
        "ours_line",
        "count",
        "message",
    )

    def __init__(self, fmt: str, max_shown: int | None) -> None:
        import csv
        import sys

        self.format, self.max_shown, self.shown = fmt, max_shown, 0
        if fmt == "csv":
            self.csv = csv.writer(sys.stdout, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            self.row(dict(zip(self.CSV_COLUMNS, self.CSV_COLUMNS, strict=True)))

    def row(self, values: dict[str, Any]) -> None:
        from ..statuses.spreadsheet import safe_cell

        self.csv.writerow([safe_cell(values.get(column, "")) for column in self.CSV_COLUMNS])

    def report(self, finding: Any) -> None:
        if self.format == "json":
            print(json.dumps(finding.as_dict(), ensure_ascii=False))
        elif self.format == "csv":
            self.row(finding.as_dict())
        elif self.max_shown is None or self.shown < self.max_shown:
            kind = finding.kind.replace("_", " ")
            where = f" [ours: {finding.ours_file}:{finding.ours_line}]" if finding.ours_line else ""
            print(f"{finding.file}:{finding.line}: {kind}: {finding.message}{where}")
        self.shown += 1

    def finish(self, summary: Any, market: str | None) -> None:
        if self.format == "json":
            print(json.dumps({"summary": summary.as_dict()}, ensure_ascii=False))
        elif self.format == "csv":
            data = summary.as_dict()
            for pair in data["pairs"]:
                verdict = "ok" if pair["ok"] else "mismatch"
                self.row({**pair, "kind": "pair", "internal_status": pair["ours"], "message": verdict})
            for name in ("rows", "ok", "mismatches", "bad_rows", "only_in_marketplace", "only_in_ours"):
                self.row({"kind": "summary", "count": data[name], "message": name})
        else:
            print(_summary_text(summary, self.shown, self.max_shown, market))


def _summary_text(summary: Any, shown: int, max_shown: int | None, market: str | None) -> str:
    first = f"{summary.rows} row(s): {summary.ok} ok, {summary.mismatches} mismatch(es), {summary.bad_rows} bad row(s)"
    if summary.only_marketplace or summary.only_ours or len(summary.files) > 1:
        first += f", {summary.only_marketplace} only in the {market} export, {summary.only_ours} only in ours"
    lines = [first]
    if summary.skipped:
        lines.append(f"({summary.skipped} row(s) of ours are for other marketplaces: not compared)")
    if max_shown is not None and shown > max_shown:
        lines.append(f"(printed the first {max_shown} of {shown} findings)")
    pairs = sorted(summary.pairs.items(), key=lambda item: (item[0][2] == item[0][3], -item[1]))
    if pairs:
        lines.append("by (marketplace status -> ours):")
    for (market_id, status, expected, ours), count in pairs[:20]:
        verdict = "ok" if expected == ours else f"MISMATCH: maps to {expected}"
        lines.append(f"  {count:>8} x {market_id} {status} -> ours {ours}  ({verdict})")
    if len(pairs) > 20:
        lines.append(f"  ... {len(pairs) - 20} more pair(s) (--format json or csv lists them all)")
    for read in summary.files:
        columns = ", ".join(f"{role}={name!r}" for role, name in read["columns"].items())
        header = f"header on line {read['header_line']}" if read["header_line"] else "no header"
        delimiter = "tab" if read["delimiter"] == "\t" else repr(read["delimiter"])
        lines.append(f"read {read['path']}: {read['encoding']}, {delimiter}, {header}: {columns}")
    return "\n".join(lines)
