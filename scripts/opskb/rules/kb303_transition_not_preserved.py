from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule
from ._tree import INTERNAL, OZON

RULE = Rule(
    code="KB303",
    name="transition-not-preserved",
    level=ERROR,
    summary=(
        "The marketplace may move A -> B, but the internal model does not allow map(A) -> map(B): "
        "orders would get stuck or be refused by our system."
    ),
    message="{market} moves {source} -> {target}, but internal '{mapped_source}' cannot move to '{mapped_target}'",
    hint="add '{mapped_target}' to next: of '{mapped_source}' in status_mappings/internal.yaml, or fix the mapping",
    bad=Example(
        replace={OZON: [("    next: [delivered]", "    next: [delivered, cancelled]")]}, expect=f"{OZON}:25:23"
    ),
    good=Example(
        replace={
            OZON: [("    next: [delivered]", "    next: [delivered, cancelled]")],
            INTERNAL: [("    next: [delivered]", "    next: [delivered, cancelled]")],
        }
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if kb.internal is None:
        return
    for market in kb.marketplaces.values():
        mapped = {s["code"]: s["maps_to"] for s in market.data["statuses"]}
        for index, status in enumerate(market.data["statuses"]):
            source = status["maps_to"]
            allowed = kb.internal_statuses.get(source)
            if allowed is None:
                continue
            for position, code in enumerate(status.get("next", [])):
                target = mapped.get(code)
                if target is None or target == source or target not in kb.internal_statuses:
                    continue
                if target not in allowed.data.get("next", []):
                    yield Finding(
                        market,
                        ("statuses", index, "next", position),
                        {
                            "market": market.id,
                            "source": status["code"],
                            "target": code,
                            "mapped_source": source,
                            "mapped_target": target,
                        },
                    )
