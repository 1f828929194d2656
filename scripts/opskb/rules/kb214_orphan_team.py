from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ._tree import TEAMS

_SPARE = """
  - id: night-shift
    name: Night shift
    line: L1
    contacts:
      chat: "#night"
    hours:
      schedule: 24x7
      timezone: Europe/Berlin
"""

RULE = Rule(
    code="KB214",
    name="orphan-team",
    level=WARNING,
    summary="A team nobody routes to, that owns no system and reviews no runbook.",
    message="team '{team}' is not in any route, owns nothing and reviews nothing",
    hint="add the team to a route hop or give it the systems it owns; or remove it",
    why=(
        "A team no route reaches, that owns no system and reviews no runbook is never called: its contacts go "
        "stale unnoticed, or it is a renamed team whose references still use the old id."
    ),
    fix=(
        "Add the team to a route hop, list the systems it owns, or make it a runbook's review owner; "
        "otherwise delete it from escalation/teams.yaml."
    ),
    bad=Example(
        replace={
            TEAMS: [('      start: "10:00"\n      end: "19:00"', '      start: "10:00"\n      end: "19:00"' + _SPARE)]
        },
        expect=f"{TEAMS}:36:9",
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if not (kb.intact("route") and kb.intact("runbook")):
        return
    engaged = {hop["team"] for route in kb.routes.values() for hop in route.data["hops"]}
    engaged |= {runbook.data["review"]["owner"] for runbook in kb.runbooks.values()}
    for team in kb.teams.values():
        if team.id not in engaged and not team.data.get("owns"):
            yield Finding(team, ("id",), {"team": team.id})
