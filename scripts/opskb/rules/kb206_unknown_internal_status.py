from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import INTERNAL, MARKET

RULE = Rule(
    code="KB206",
    name="unknown-internal-status",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="A mapping, a transition or the initial status names an internal status that does not exist.",
    message="internal status '{status}' is not defined in status_mappings/internal.yaml",
    hint="use an id from status_mappings/internal.yaml, or add the status there",
    why=(
        "A status mapped to an internal status our system does not have cannot be explained by `opskb status` "
        "or reconciled against our orders, and the state diagram breaks at that point."
    ),
    fix=(
        "Use an id from status_mappings/internal.yaml, or add the status there with its next: list if our "
        "system really has it."
    ),
    bad=Example(replace={MARKET: [("maps_to: shipped", "maps_to: in-delivery")]}, expect=f"{MARKET}:25:14"),
    good=Example(replace={INTERNAL: [("next: [delivered]", "next: [delivered, cancelled]")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if kb.internal is None:
        return

    def known(status: str) -> bool:
        return kb.is_known("internal_status", status)

    if not known(kb.internal.data["initial"]):
        initial = kb.internal.data["initial"]
        yield Finding(kb.internal, ("initial",), {"status": initial}, refers=("internal_status", initial))
    for status in kb.internal_statuses.values():
        for index, target in enumerate(status.data.get("next", [])):
            if not known(target):
                yield Finding(status, ("next", index), {"status": target}, refers=("internal_status", target))
    for market in kb.marketplaces.values():
        for index, status in enumerate(market.data["statuses"]):
            if not known(status["maps_to"]):
                mapped = status["maps_to"]
                yield Finding(
                    market, ("statuses", index, "maps_to"), {"status": mapped}, refers=("internal_status", mapped)
                )
