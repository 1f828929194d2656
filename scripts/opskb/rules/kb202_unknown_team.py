from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import ROUTES, RUNBOOK

RULE = Rule(
    code="KB202",
    name="unknown-team",
    level=ERROR,
    summary="A route hop or a review owner names a team that escalation/teams.yaml does not define.",
    message="team '{team}' is not defined in escalation/teams.yaml",
    hint="use one of the team ids in escalation/teams.yaml, or add the team there",
    why=(
        "A hop to a team that is not defined has no contacts, so at that step of the escalation L1 has nobody "
        "to call; a review owner that is not a team is never asked to review."
    ),
    fix=(
        "Use a team id from escalation/teams.yaml (the hint names the closest one), or add the team there "
        "with its contacts and hours."
    ),
    bad=Example(replace={ROUTES: [("team: jobs-dev", "team: jobs-developers")]}, expect=f"{ROUTES}:13:15"),
    good=Example(replace={RUNBOOK: [("owner: jobs-owner", "owner: jobs-dev")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for route in kb.routes.values():
        for index, hop in enumerate(route.data["hops"]):
            if not kb.is_known("team", hop["team"]):
                yield Finding(route, ("hops", index, "team"), {"team": hop["team"]}, refers=("team", hop["team"]))
    for runbook in kb.runbooks.values():
        owner = runbook.data["review"]["owner"]
        if not kb.is_known("team", owner):
            yield Finding(runbook, ("review", "owner"), {"team": owner}, refers=("team", owner))
