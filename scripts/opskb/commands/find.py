"""Find the runbook for an alert name, a symptom or a marketplace status.

The text may be an alert name as the monitoring system shows it
(MarketplacePricesAcceptedBelowSent), words of a symptom in English or Russian
("цены не применились", "prices not applied"; word forms do not matter), or a
marketplace status code or buyer label (awaiting_packaging, "Ожидает сборки").
Runbooks are ranked best first, each with the L2 owner of its route and how to reach it.

The index is cached under ROOT/.cache/opskb and rebuilt when a content file changes.

examples:
  opskb find MarketplacePricesAcceptedBelowSent
  opskb find "нет заказов с маркетплейса"
  opskb find awaiting_packaging --format json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NAME = "find"
HELP = "find runbooks by alert name, symptom words (EN/RU) or marketplace status"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="+", help="alert name, symptom words or status (several words are one query)")
    parser.add_argument("--root", type=Path, default=Path("."), help="content root (default: .)")
    parser.add_argument("--limit", type=int, default=5, help="how many runbooks to show (default: 5)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument(
        "--lang",
        choices=("en", "ru"),
        default="en",
        help="the site language whose index to search: its reference pages and URLs (default: en)",
    )


def run(args: argparse.Namespace) -> int:
    # Imported here: `opskb find` must answer fast, so nothing heavy loads unless needed.
    from ..model.problems import ExitCode
    from ..search import search

    root: Path = args.root
    if not (root / "runbooks").is_dir():
        print(f"opskb find: {root}: no runbooks/ folder here (use --root)", file=sys.stderr)
        return ExitCode.USAGE
    if args.limit < 1:
        print("opskb find: --limit must be at least 1", file=sys.stderr)
        return ExitCode.USAGE
    query = " ".join(args.text).strip()
    if not query:
        print("opskb find: empty query", file=sys.stderr)
        return ExitCode.USAGE
    index, _ = search.load_or_build(root, _load, args.lang)
    if index.errors:
        # A broken file must not stop L1 finding the runbooks that are fine.
        print(
            f"opskb find: warning: the content has {index.errors} error(s); "
            "run `opskb check` (broken files are left out)",
            file=sys.stderr,
        )
    result = search.search(index, query, args.limit)
    if args.format == "json":
        print(json.dumps(_as_json(query, result), ensure_ascii=False, indent=2))
    else:
        print(_as_text(query, result))
    return ExitCode.CLEAN if result.hits else ExitCode.CONTENT_ERRORS


KINDS = ("runbook", "status", "page")


def _load(root: Path) -> tuple[Any, int]:
    from ..gate.checker import check_tree
    from ..model.problems import ERROR

    kb, problems = check_tree(root)
    return kb, sum(p.level == ERROR for p in problems)


def _as_json(query: str, result: Any) -> dict[str, Any]:
    # `results` is the ranking the site's search box shows (runbooks, statuses and
    # reference pages together); `runbooks` and `statuses` are its parts, with details.
    return {
        "query": query,
        "results": [
            {
                "key": h.doc["key"],
                "kind": KINDS[h.doc["kind"]],
                "title": h.doc["title"],
                "url": h.doc["url"],
                "score": h.score,
            }
            for h in result.hits
        ],
        "runbooks": [_public(hit.doc) | {"score": hit.score, "matched": hit.matched} for hit in result.runbooks],
        "statuses": [_public(status) for status in result.statuses],
    }


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("key", "kind", "url")}


def _as_text(query: str, result: Any) -> str:
    if not result.hits:
        return f"nothing found for {query!r}; try fewer or other words, or an alert name"
    runbooks = _runbook_lines(result.runbooks)
    statuses = _status_lines(result.statuses)
    pages = _page_lines([hit for hit in result.hits if KINDS[hit.doc["kind"]] == "page"])
    # The blocks follow the one ranking the site shows: a status code leads with its
    # mapping, a team, policy, system or pair asked for by name with its entry.
    first = KINDS[result.hits[0].doc["kind"]]
    blocks = {"status": [statuses, runbooks, pages], "page": [pages, runbooks, statuses]}.get(
        first, [runbooks, statuses, pages]
    )
    return "\n\n".join("\n".join(block) for block in blocks if block)


def _runbook_lines(hits: list[Any]) -> list[str]:
    lines = []
    for number, hit in enumerate(hits, 1):
        doc = hit.doc
        lines.append(f"{number}. {doc['id']}  [{doc['severity']}]  {doc['title']}")
        owner = doc["owner"]
        if owner:
            contacts = ", ".join(str(v) for v in owner["contacts"].values())
            lines.append(f"   owner: {owner['name']} ({contacts})  route: {doc['route']}")
        else:
            lines.append(f"   owner: none on route {doc['route']}")
        lines.append(f"   next: opskb escalate {doc['id']}   ({doc['file']})")
    return lines


def _page_lines(hits: list[Any]) -> list[str]:
    """Teams, SLA policies, systems, pair rules and page sections, with where the site has them."""
    if not hits:
        return []
    lines = ["see also:"]
    for hit in hits:
        lines.append(f"  {hit.doc['title']}  ({hit.doc['url']})")
        if hit.doc.get("contacts"):
            lines.append("    " + ", ".join(str(value) for value in hit.doc["contacts"].values()))
    return lines


def _status_lines(statuses: list[dict[str, Any]]) -> list[str]:
    if not statuses:
        return []
    lines = ["marketplace statuses named:"]
    for status in statuses:
        label = f' "{status["label"]}"' if status["label"] else ""
        lines.append(f"  {status['marketplace']} {status['code']}{label} -> {status['maps_to']} ({status['match']})")
    return lines
