from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import MARKET

RULE = Rule(
    code="KB212",
    name="unknown-marketplace-status",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="A marketplace transition or its initial status names a code the file does not list.",
    message="status '{code}' is not listed in this marketplace's statuses",
    hint="add the status (as the API spells it) to statuses:, or fix the spelling",
    why=(
        "A transition to a status the file does not list can never happen as written: the state diagram gets "
        "an edge to nowhere, and KB303 cannot judge whether our model follows the move."
    ),
    fix=(
        "Add the status to statuses: exactly as the marketplace API spells it (with its maps_to), or correct "
        "the code in next: or initial:."
    ),
    bad=Example(
        replace={MARKET: [("next: [delivered]", "next: [delivered, delivery_failed]")]}, expect=f"{MARKET}:27:23"
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for market in kb.marketplaces.values():
        statuses = market.data["statuses"]
        codes = {s["code"]: ("statuses", n, "code") for n, s in enumerate(statuses)}
        if "initial" in market.data and market.data["initial"] not in codes:
            initial = market.data["initial"]
            yield Finding(market, ("initial",), {"code": initial}, refers=("status", initial), choices=codes)
        for index, status in enumerate(statuses):
            for position, target in enumerate(status.get("next", [])):
                if target not in codes:
                    where = ("statuses", index, "next", position)
                    yield Finding(market, where, {"code": target}, refers=("status", target), choices=codes)
