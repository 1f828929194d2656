"""KB311: a two-field key's precedence must name what the file lists, consistently.

What it does: checks ``key.precedence`` against the statuses listed. Every value in
``decides_alone`` must be the second part of at least one listed code, and every code
listed with it must be terminal and map to the same internal status (a value that decides
alone cannot mean two things); a one-field key has no precedence.

Why: the precedence is what `opskb status`, reconcile and the site apply to every pair
the API returns. A value that names nothing, or two listings of it that disagree, would
make a cancelled order look open (or the reverse) with nobody noticing.

Fix: list the final value (``complete/sold``), correct its spelling, or map every code
listed with it alike.
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import INTERNAL, MARKET

_RULE_LINE = "    rule: The substatus decides when it is listed; otherwise the status alone.\n"
_CANCELLED = "  - code: cancelled\n"
_LISTED = (
    "  - code: cancelled/cancelled_by_partner\n    maps_to: cancelled\n    match: exact\n    terminal: true\n"
    + _CANCELLED
)

RULE = Rule(
    code="KB311",
    name="precedence-mismatch",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary=(
        "A two-field key's precedence names a value no listed code has, or lists a deciding value "
        "that means two things; or a one-field key declares a precedence."
    ),
    message="{market}: {problem}",
    hint="list the value as 'first/{value}' (terminal, one internal status), fix its spelling, or remove it",
    why=(
        "With a two-field key (status/substatus) the precedence decides which field wins; a value no code "
        "has, or one that means two things, makes `opskb status` resolve a pair otherwise than the author "
        "intended."
    ),
    fix=(
        "List a deciding value only when a code 'first/VALUE' exists and maps to one final status; correct "
        "its spelling, or remove the precedence of a one-field key."
    ),
    bad=Example(
        replace={MARKET: [(_RULE_LINE, _RULE_LINE + "    decides_alone: [lost_in_transit]\n")]},
        expect=f"{MARKET}:11:21",
    ),
    good=Example(
        replace={
            MARKET: [(_RULE_LINE, _RULE_LINE + "    decides_alone: [cancelled_by_partner]\n"), (_CANCELLED, _LISTED)],
            INTERNAL: [("    next: [delivered]", "    next: [delivered, cancelled]")],
        }
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for market in kb.marketplaces.values():
        yield from _check_market(market)


def _check_market(market: Entity) -> Iterator[Finding]:
    key = market.data["key"]
    statuses = market.data["statuses"]
    if len(key["fields"]) < 2:
        if "precedence" in key:
            yield _finding(market, ("key", "precedence"), "precedence", "a one-field key has no precedence")
        return
    deciding = key.get("precedence", {}).get("decides_alone", [])
    for position, value in enumerate(deciding):
        listed = [(i, s) for i, s in enumerate(statuses) if s["code"].partition("/")[2] == value]
        if not listed:
            problem = f"'{value}' decides alone, but no code '.../{value}' is listed"
            yield _finding(market, ("key", "precedence", "decides_alone", position), value, problem)
            continue
        first = listed[0][1]
        for index, status in listed:
            if not status.get("terminal"):
                problem = f"'{value}' decides alone (it is final), but '{status['code']}' is not terminal"
                yield _finding(market, ("statuses", index, "code"), value, problem)
            elif status["maps_to"] != first["maps_to"]:
                problem = (
                    f"'{value}' decides alone, but '{status['code']}' maps to '{status['maps_to']}' "
                    f"and '{first['code']}' to '{first['maps_to']}'"
                )
                yield _finding(market, ("statuses", index, "maps_to"), value, problem)


def _finding(market: Entity, where: tuple, value: str, problem: str) -> Finding:
    return Finding(market, where, {"market": market.id, "value": value, "problem": problem})
