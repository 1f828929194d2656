from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.durations import parse_duration
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import ROUTES

RULE = Rule(
    code="KB304",
    name="hop-after-sla",
    level=ERROR,
    summary="An escalation hop is due later than the SLA allows to resolve or escalate.",
    message="hop to {team} is due after {after}, but SLA '{sla}' requires resolution or escalation within {within}",
    hint="escalate by {within} at the latest, or attach the route to a policy with a longer resolve_within",
    why=(
        "A hop due after the SLA's deadline means that the escalation chain, followed to the letter, breaches "
        "the SLA before the right team is even called."
    ),
    fix=(
        "Bring the hop's after: within the SLA's resolve_within, or attach the route to a policy with a "
        "longer deadline if that deadline is the agreed one."
    ),
    bad=Example(replace={ROUTES: [("        after: 30m", "        after: 45m")]}, expect=f"{ROUTES}:14:16"),
    good=Example(replace={ROUTES: [("        after: 30m", "        after: 25m")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for route in kb.routes.values():
        policy = kb.sla_policies.get(route.data["sla"])
        if policy is None:
            continue
        within = policy.data["resolve_within"]
        for index, hop in enumerate(route.data["hops"]):
            if "after" in hop and parse_duration(hop["after"]) > parse_duration(within):
                yield Finding(
                    route,
                    ("hops", index, "after"),
                    {
                        "team": hop["team"],
                        "after": hop["after"],
                        "sla": policy.id,
                        "within": within,
                    },
                )
