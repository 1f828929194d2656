"""KB340: several SLA policies share a priority and not exactly one is its default.

What it does: for each priority that two or more policies of escalation/sla.yaml have,
checks that exactly one of them is marked `default_for_priority: true`.

Why: `opskb report sla` gives a ticket that names no runbook the policy of its priority.
With two critical policies (15/30 minutes for a critical situation, 4 calendar hours for a
critical incident) and no default, or two defaults, the report would have to guess which
deadline a bare critical ticket had, and its SLA % would be a guess too.

Fix: mark exactly one of the policies of that priority `default_for_priority: true`.
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.problems import ERROR
from ._tree import SLA

_HIGH_AS_CRITICAL = ("    priority: high", "    priority: critical")

RULE = Rule(
    code="KB340",
    name="priority-without-default-policy",
    level=ERROR,
    summary="Several SLA policies have one priority and not exactly one of them is marked default_for_priority.",
    message="SLA policies {policies} have priority '{priority}' and {claim}",
    hint="mark exactly one of them default_for_priority: true: the policy a '{priority}' ticket gets by its priority",
    why=(
        "`opskb report sla` measures a ticket that names no runbook on the policy of its priority. When several "
        "policies have that priority, nothing says which deadline applies unless exactly one of them is the "
        "default: the report would have to guess, and so would the SLA % a manager reads."
    ),
    fix=(
        "Add `default_for_priority: true` to the policy a ticket of that priority gets when it names no "
        "runbook, and remove it from the others."
    ),
    bad=Example(replace={SLA: [_HIGH_AS_CRITICAL]}, expect=f"{SLA}:16:15"),
    good=Example(replace={SLA: [(_HIGH_AS_CRITICAL[0], f"{_HIGH_AS_CRITICAL[1]}\n    default_for_priority: true")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    by_priority: dict[str, list[Entity]] = {}
    for policy in kb.sla_policies.values():
        if "priority" in policy.data:
            by_priority.setdefault(policy.data["priority"], []).append(policy)
    for priority, policies in by_priority.items():
        if len(policies) < 2:
            continue
        defaults = [p for p in policies if p.data.get("default_for_priority")]
        if len(defaults) == 1:
            continue
        names = ", ".join(p.id for p in policies)
        if defaults:
            claim = f"{len(defaults)} of them are marked default_for_priority"
            at, where = defaults[1], ("default_for_priority",)
        else:
            claim = "none is marked default_for_priority"
            at, where = policies[-1], ("priority",)
        yield Finding(at, where, {"policies": names, "priority": priority, "claim": claim})
