from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import INTERNAL

RULE = Rule(
    code="KB309",
    name="dead-end-status",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="A final status lists next statuses, or a status that is not final has nowhere to go.",
    message="{kind} status '{code}' {problem}",
    hint="mark it terminal: true when orders stop there, or list where they go next",
    why=(
        "A final status with next statuses contradicts itself, and a status that is not final with nowhere to "
        "go traps orders in it; the state diagram and reconcile draw wrong conclusions from both."
    ),
    fix="Set terminal: true on a status where orders stop, or list under next: where they go from it.",
    bad=Example(
        replace={INTERNAL: [("    name: Shipped\n    next: [delivered]\n", "    name: Shipped\n")]},
        expect=f"{INTERNAL}:9:9",
        also=("KB302", "KB303"),
    ),
    good=Example(),
)


def _verdict(status: dict) -> str | None:
    if status.get("terminal") and status.get("next"):
        return "is final but lists next statuses"
    if not status.get("terminal") and not status.get("next"):
        return "is not final but has no next statuses"
    return None


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for status in kb.internal_statuses.values():
        problem = _verdict(status.data)
        if problem:
            yield Finding(status, ("id",), {"kind": "internal", "code": status.id, "problem": problem})
    for market in kb.marketplaces.values():
        for index, status in enumerate(market.data["statuses"]):
            problem = _verdict(status)
            # A marketplace status without next: is allowed when the file does not model its transitions.
            if problem and (status.get("terminal") or any("next" in s for s in market.data["statuses"])):
                yield Finding(
                    market, ("statuses", index, "code"), {"kind": market.id, "code": status["code"], "problem": problem}
                )
