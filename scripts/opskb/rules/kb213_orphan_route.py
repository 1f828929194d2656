from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ._tree import ROUTES

_SPARE = """
  - id: spare
    name: Unused route
    sla: critical-24x7
    hops:
      - line: L1
        team: on-call
"""

RULE = Rule(
    code="KB213",
    name="orphan-route",
    level=WARNING,
    summary="An escalation route that no runbook uses.",
    message="no runbook uses route '{route}'",
    hint="point a runbook's route: at it, or remove it from escalation/routes.yaml",
    why=(
        "A route nobody uses is usually left behind by a rename: the runbooks point at its successor, or at "
        "nothing (KB201), and the stale route's hops and times are kept true by nobody."
    ),
    fix=("Point the runbook's route: at it if it was meant to be used, or delete it from escalation/routes.yaml."),
    bad=Example(replace={ROUTES: [("        after: 30m", "        after: 30m" + _SPARE)]}, expect=f"{ROUTES}:15:9"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if not kb.intact("runbook"):
        return  # an invalid runbook may be the one that uses it
    used = {runbook.data["route"] for runbook in kb.runbooks.values()}
    for route in kb.routes.values():
        if route.id not in used:
            yield Finding(route, ("id",), {"route": route.id})
