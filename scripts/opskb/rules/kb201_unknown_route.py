from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB201",
    name="unknown-route",
    level=ERROR,
    summary="A runbook names an escalation route that escalation/routes.yaml does not define.",
    message="route '{route}' is not defined in escalation/routes.yaml",
    hint="use one of the route ids in escalation/routes.yaml, or add the route there",
    why=(
        "The route says whom to call and by when: with a route that does not exist, the runbook page and "
        "`opskb escalate` show no escalation chain and no SLA deadline, during exactly the incident that "
        "needs them."
    ),
    fix=(
        "Set route: to an id from escalation/routes.yaml (the hint names the closest one), or add the route "
        "there; when a route is renamed, update every runbook that used the old id in the same change."
    ),
    bad=Example(replace={RUNBOOK: [("route: jobs", "route: jobs-v2")]}, expect=f"{RUNBOOK}:12:8", also=("KB213",)),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        route = runbook.data["route"]
        if not kb.is_known("route", route):
            yield Finding(runbook, ("route",), {"route": route}, refers=("route", route))
