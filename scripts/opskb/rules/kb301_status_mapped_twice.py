from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import MARKET

_REST = "    maps_to: shipped\n    match: exact\n    next: [delivered]\n  - code: delivered\n"

RULE = Rule(
    code="KB301",
    name="status-mapped-twice",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="A marketplace status appears twice, so it would map to two internal statuses.",
    message="status '{code}' is already mapped at line {first}",
    hint="keep one entry per status code; use a 'status/substatus' code to map a substatus differently",
    why=(
        "A marketplace status with two entries maps to two internal statuses: `opskb status` and reconcile "
        "pick one of them, so orders in that status are reported as mismatched, or not, by chance."
    ),
    fix=(
        "Keep one entry per status code; when a substatus must map differently, give it a two-part code "
        "(in_transit/at_pickup_point)."
    ),
    bad=Example(
        replace={
            MARKET: [
                (
                    "  - code: delivered\n",
                    "  - code: in_transit\n" + _REST,
                )
            ]
        },
        expect=f"{MARKET}:28:11",
    ),
    good=Example(
        replace={
            MARKET: [
                (
                    "  - code: delivered\n",
                    "  - code: in_transit/at_pickup_point\n" + _REST,
                )
            ]
        },
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for market in kb.marketplaces.values():
        first: dict[str, int] = {}
        for index, status in enumerate(market.data["statuses"]):
            code = status["code"]
            if code in first:
                line, _ = market.locate("statuses", first[code], "code")
                yield Finding(market, ("statuses", index, "code"), {"code": code, "first": line})
            else:
                first[code] = index
