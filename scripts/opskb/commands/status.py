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
      Every row (order id, marketplace, marketplace status, our internal status) is
      checked against the mapping. Rows where ours disagrees with the mapped status are
      reported with their line number, and so are bad rows (unknown marketplace or
      status, wrong column count, bad encoding); the rest of the file is still checked.
      A header row is optional; ';' or ',' separated; UTF-8. Exit 1 when any row
      disagrees or is bad. --format json prints one JSON object per line (each finding,
      then {"summary": ...}) so that memory stays flat on any file size.

examples:
  opskb status ozon awaiting_packaging
  opskb status yandex-market PROCESSING/READY_TO_SHIP --format json
  opskb status reconcile exports/orders-2026-11-23.csv
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
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument(
        "--max-shown",
        type=int,
        default=None,
        metavar="N",
        help="reconcile, text format: print only the first N findings (all are counted)",
    )


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
    from ._support import CommandError, did_you_mean, guard, load

    kb, problems = load(args.root, NAME)
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
    from .. import reconcile
    from ..layout import STATUS_MAPPINGS
    from ._support import CommandError, files_in, guard, load

    path = Path(args.status)
    if not path.is_file():
        raise CommandError(f"opskb status reconcile: {path}: no such file")
    kb, problems = load(args.root, "status reconcile")
    guard("status reconcile", problems, files_in(kb, STATUS_MAPPINGS))
    status_map = reconcile.StatusMap(kb)
    shown = 0

    def report(finding: reconcile.Finding) -> None:
        nonlocal shown
        if args.format == "json":
            print(json.dumps({"file": str(path), **finding.as_dict()}, ensure_ascii=False))
        elif args.max_shown is None or shown < args.max_shown:
            kind = "mismatch" if finding.kind == reconcile.MISMATCH else "bad row"
            print(f"{path}:{finding.line}: {kind}: {finding.message}")
        shown += 1

    try:
        summary = reconcile.reconcile_file(path, status_map, report)
    except OSError as err:
        raise CommandError(f"opskb status reconcile: {path}: {err.strerror or err}") from None
    if args.format == "json":
        print(json.dumps({"summary": summary.as_dict()}, ensure_ascii=False))
    else:
        print(_summary_text(summary, shown, args.max_shown))
    return 0 if summary.clean else 1


def _summary_text(summary: Any, shown: int, max_shown: int | None) -> str:
    lines = [
        f"{summary.rows} row(s): {summary.ok} ok, {summary.mismatches} mismatch(es), {summary.bad_rows} bad row(s)"
    ]
    if max_shown is not None and shown > max_shown:
        lines.append(f"(printed the first {max_shown} of {shown} findings)")
    for (market, expected, ours), count in summary.pairs.most_common(5):
        lines.append(f"  {count:>8} x {market}: mapped {expected}, ours {ours}")
    return "\n".join(lines)
