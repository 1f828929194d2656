from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ..model.status_keys import Resolution, StatusKey
from ._tree import INTERNAL, MARKET

RULE = Rule(
    code="KB303",
    name="transition-not-preserved",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary=(
        "The marketplace may move A -> B, but the internal model does not allow map(A) -> map(B): "
        "orders would get stuck or be refused by our system."
    ),
    message="{market} moves {source} -> {target}, but internal '{mapped_source}' cannot move to '{mapped_target}'",
    hint="add '{mapped_target}' to next: of '{mapped_source}' in status_mappings/internal.yaml, or fix the mapping",
    why=(
        "When the marketplace moves an order from A to B, our system must allow the move between their "
        "internal statuses; where it does not, the order gets stuck or the update is refused, and L1 sees a "
        "status that never syncs."
    ),
    fix=(
        "Allow the move in our model (add the mapped target to next: of the mapped source in "
        "status_mappings/internal.yaml), or correct the maps_to of the marketplace status."
    ),
    bad=Example(
        replace={MARKET: [("    next: [delivered]", "    next: [delivered, cancelled]")]}, expect=f"{MARKET}:27:23"
    ),
    good=Example(
        replace={
            MARKET: [("    next: [delivered]", "    next: [delivered, cancelled]")],
            INTERNAL: [("    next: [delivered]", "    next: [delivered, cancelled]")],
        }
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if kb.internal is None:
        return
    for market in kb.marketplaces.values():
        key = StatusKey(market.data)
        seen: set[tuple | None] = set()  # never holds None: listed moves are all reported
        listed = {status["code"] for status in market.data["statuses"]}
        for index, status in enumerate(market.data["statuses"]):
            if status["maps_to"] not in kb.internal_statuses:
                continue
            moves = [(code, ("statuses", index, "next", n)) for n, code in enumerate(status.get("next", []))]
            if not status.get("terminal"):
                # A final second value decides whatever the first field says, so it may follow
                # any open status: the pair it makes resolves by the precedence like any other.
                first = status["code"].split("/", 1)[0]
                moves += [
                    (f"{first}/{second}", ("key", "precedence", "decides_alone", n))
                    for n, second in enumerate(key.decides_alone)
                ]
            for code, where in moves:
                if where[0] == "statuses" and code not in listed:
                    continue  # KB212 reports a next: code the file does not list; its mapping is a guess
                finding = _unless_allowed(kb, market, key.resolve(code), status, code, where)
                # one finding per refused internal move at a decides_alone value, not one per status
                implied = (where, finding.params["mapped_source"]) if finding and where[0] == "key" else None
                if finding and implied not in seen:
                    if implied:
                        seen.add(implied)
                    yield finding


def _unless_allowed(
    kb: KnowledgeBase, market: Entity, resolved: Resolution | None, status: dict, code: str, where: tuple
) -> Finding | None:
    """A finding when the internal model refuses the move ``status`` -> ``code``."""
    if resolved is None:
        return None  # KB212 reports a code that resolves to nothing
    source, target = status["maps_to"], resolved.entry["maps_to"]
    if target == source or target not in kb.internal_statuses:
        return None
    if target in kb.internal_statuses[source].data.get("next", []):
        return None
    params = {"market": market.id, "source": status["code"], "target": code}
    return Finding(market, where, {**params, "mapped_source": source, "mapped_target": target})
