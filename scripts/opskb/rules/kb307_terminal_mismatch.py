from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import MARKET

RULE = Rule(
    code="KB307",
    name="terminal-mismatch",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary=(
        "A final marketplace status maps to an internal status that is not final (or the reverse), "
        "without a note saying why that is right."
    ),
    message="'{code}' is {side} on {market} but maps to {other} internal status '{target}'",
    hint="map it to a status of the same kind, or explain the exception in note:",
    why=(
        "If the marketplace says an order is final (delivered, cancelled) but our status is not, or the "
        "reverse, reconcile reports the order open forever or closes it too early, and money and stock follow "
        "the wrong state."
    ),
    fix=(
        "Map the status to an internal status of the same kind (final to final); where the difference is "
        "right, set match: closest and say why in note:."
    ),
    bad=Example(
        replace={MARKET: [("    maps_to: delivered\n    match: exact", "    maps_to: shipped\n    match: exact")]},
        expect=f"{MARKET}:29:14",
    ),
    good=Example(
        replace={
            MARKET: [
                (
                    "    maps_to: delivered\n    match: exact",
                    "    maps_to: shipped\n    match: closest\n"
                    "    note: The partner closes the order before the courier's report reaches us.",
                )
            ]
        }
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for market in kb.marketplaces.values():
        for index, status in enumerate(market.data["statuses"]):
            target = kb.internal_statuses.get(status["maps_to"])
            if target is None or status.get("note"):
                continue
            final_here = bool(status.get("terminal"))
            final_there = bool(target.data.get("terminal"))
            if final_here != final_there:
                yield Finding(
                    market,
                    ("statuses", index, "maps_to"),
                    {
                        "code": status["code"],
                        "market": market.id,
                        "target": target.id,
                        "side": "final" if final_here else "not final",
                        "other": "non-final" if final_here else "final",
                    },
                )
