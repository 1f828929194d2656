from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule
from ._tree import ROUTES

_L2_HOP = """      - line: L2
        team: pricing-owner
        after: 15m
        when: The feed is still short after the first checks.
"""

RULE = Rule(
    code="KB306",
    name="critical-without-l2-owner",
    level=ERROR,
    summary="A critical runbook's route reaches no L2 owner: L1 would have nobody on the client's side to hand it to.",
    message="route '{route}' of this critical runbook has no L2 hop to an owner",
    hint="add an L2 hop with the owning team to route '{route}' in escalation/routes.yaml",
    bad=Example(replace={ROUTES: [(_L2_HOP, "")]}, expect="runbooks/prices-not-applied.yaml:12:8"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        route = kb.routes.get(runbook.data["route"])
        if runbook.data["severity"] != "critical" or route is None:
            continue
        if not any(hop["line"] == "L2" and hop["team"] in kb.teams for hop in route.data["hops"]):
            yield Finding(runbook, ("route",), {"route": route.id})
