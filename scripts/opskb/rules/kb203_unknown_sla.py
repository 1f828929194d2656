from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import ROUTES, SLA

RULE = Rule(
    code="KB203",
    name="unknown-sla",
    level=ERROR,
    summary="A route names an SLA policy, or a policy names a calendar, that escalation/sla.yaml does not define.",
    message="{what} '{name}' is not defined in escalation/sla.yaml",
    hint="use an id from escalation/sla.yaml ('24x7' needs no calendar), or add it there",
    why=(
        "Without its SLA policy a route has no reaction or resolution deadline, so the runbook page and "
        "`opskb escalate` cannot say by when to escalate; a calendar that does not exist leaves the working "
        "hours of a policy undefined."
    ),
    fix=(
        "Use a policy or calendar id from escalation/sla.yaml, or add it there; a round-the-clock policy uses "
        "clock: 24x7 and needs no calendar."
    ),
    bad=Example(replace={ROUTES: [("sla: critical-24x7", "sla: platinum")]}, expect=f"{ROUTES}:4:10"),
    good=Example(replace={SLA: [("clock: business-hours", "clock: 24x7")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for route in kb.routes.values():
        if not kb.is_known("sla", route.data["sla"]):
            yield Finding(
                route, ("sla",), {"what": "SLA policy", "name": route.data["sla"]}, refers=("sla", route.data["sla"])
            )
    for policy in kb.sla_policies.values():
        clock = policy.data["clock"]
        if clock != "24x7" and not kb.is_known("calendar", clock):
            yield Finding(policy, ("clock",), {"what": "calendar", "name": clock}, refers=("calendar", clock))
