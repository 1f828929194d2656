"""Synthetic knowledge bases for the benchmarks: N valid runbooks and a matching escalation map."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
TEMPLATE = (MINIMAL / "runbooks" / "prices-not-applied.yaml").read_text(encoding="utf-8")

WORDS = [
    "price",
    "stock",
    "order",
    "feed",
    "marketplace",
    "warehouse",
    "courier",
    "payment",
    "loyalty",
    "points",
    "cart",
    "pickup",
    "attribute",
    "photo",
    "marking",
    "import",
    "export",
    "queue",
    "backlog",
    "latency",
    "database",
    "timeout",
]


def runbook_text(index: int) -> str:
    """A ~1.5 KB runbook, different words per index so search indexes are realistic."""
    ident = f"synthetic-{index:05d}"
    words = [WORDS[(index * 7 + k) % len(WORDS)] for k in range(4)]
    text = TEMPLATE.replace("id: prices-not-applied", f"id: {ident}")
    text = text.replace(
        "title: Prices not applied on a marketplace", f"title: {' '.join(words).capitalize()} incident {index}"
    )
    text = text.replace("alerts: [MarketplacePricesAcceptedBelowSent]", f"alerts: [Synthetic{index:05d}Alert]")
    text = text.replace(
        "  - marketplace shows yesterday's price", f"  - {words[0]} {words[1]} does not match after {words[2]}"
    )
    return text


def make_tree(root: Path, count: int) -> Path:
    """Write the example tree with ``count`` synthetic runbooks in place of its one runbook."""
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(MINIMAL, root)
    (root / "runbooks" / "prices-not-applied.yaml").unlink()
    for index in range(count):
        (root / "runbooks" / f"synthetic-{index:05d}.yaml").write_text(runbook_text(index), encoding="utf-8")
    return root
