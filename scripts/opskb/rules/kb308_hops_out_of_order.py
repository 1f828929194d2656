from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.durations import parse_duration
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import ROUTES

RULE = Rule(
    code="KB308",
    name="hops-out-of-order",
    level=ERROR,
    summary="A route does not start at L1, goes back down a line, or escalates earlier than the hop before it.",
    message="{problem}",
    hint="order hops L1 -> L2 -> L3 with growing after: times",
    why=(
        "Escalation goes L1, L2, L3 over growing times; a route that starts elsewhere, goes back down a line "
        "or calls a hop earlier than the one before cannot be followed in order, and `opskb escalate` would "
        "show a chain that makes no sense."
    ),
    fix="Order the hops L1, then L2, then L3, with after: times that grow from hop to hop.",
    bad=Example(replace={ROUTES: [("        after: 30m", "        after: 10m")]}, expect=f"{ROUTES}:14:16"),
    good=Example(),
)


def _problems(hops: list[dict]) -> Iterator[tuple[int, str, str]]:
    if hops[0]["line"] != "L1":
        yield 0, "line", f"the first hop is {hops[0]['line']}; every route starts at L1"
    for index in range(1, len(hops)):
        before, hop = hops[index - 1], hops[index]
        if hop["line"] < before["line"]:
            yield index, "line", f"hop {index + 1} goes back from {before['line']} to {hop['line']}"
        if "after" not in hop:
            yield index, "line", f"hop {index + 1} has no after: (when to escalate to it)"
        elif "after" in before and parse_duration(hop["after"]) <= parse_duration(before["after"]):
            yield index, "after", f"hop {index + 1} is due at {hop['after']}, not after hop {index} ({before['after']})"


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for route in kb.routes.values():
        for index, key, problem in _problems(route.data["hops"]):
            yield Finding(route, ("hops", index, key), {"problem": problem})
