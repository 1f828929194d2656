from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import ROUTES

_L2_HOP = """      - line: L2
        team: jobs-owner
        after: 15m
        when: The queue is still growing after the first checks.
"""

RULE = Rule(
    code="KB306",
    name="critical-without-l2-owner",
    level=ERROR,
    summary="A critical runbook's route reaches no L2 owner: L1 would have nobody on the client's side to hand it to.",
    message="route '{route}' of this critical runbook has no L2 hop to an owner",
    hint="add an L2 hop with the owning team to route '{route}' in escalation/routes.yaml",
    why=(
        "L1 can diagnose but not repair the client's systems: a critical incident whose route has no L2 hop "
        "leaves L1 with nobody to hand it to while the SLA runs out."
    ),
    fix=(
        "Add an L2 hop to the route in escalation/routes.yaml with the team that owns the system, due within the SLA."
    ),
    bad=Example(replace={ROUTES: [(_L2_HOP, "")]}, expect="runbooks/jobs-not-processed.yaml:12:8"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        if runbook.data["severity"] != "critical":
            continue
        route = kb.route_of(runbook.id)
        # An L2 hop to a team that is not defined, or not valid, is KB202's or the team's
        # own error: reported here too, it would be the same mistake twice.
        if route is not None and not any(hop["line"] == "L2" for hop in route.data["hops"]):
            yield Finding(runbook, ("route",), {"route": route.id})
