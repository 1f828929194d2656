from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK, TEAMS

RULE = Rule(
    code="KB209",
    name="unowned-system",
    level=ERROR,
    summary="A runbook names a system no team owns: nobody would know whose problem it is.",
    message="no team owns system '{system}'",
    hint="add '{system}' to the owns list of its owner in escalation/teams.yaml, or fix the system id",
    why=(
        "The L2 owner of an incident is the team that owns the affected system: with no owner, nobody on the "
        "client's side is known to be responsible and escalation stops at L1."
    ),
    fix=(
        "Add the system to the owns: list of the team responsible for it in escalation/teams.yaml, or correct "
        "the system id to one a team owns."
    ),
    bad=Example(
        replace={RUNBOOK: [("systems: [worker, job-queue]", "systems: [worker, mailer]")]}, expect=f"{RUNBOOK}:5:19"
    ),
    good=Example(
        replace={
            RUNBOOK: [("systems: [worker, job-queue]", "systems: [worker, mailer]")],
            TEAMS: [("owns: [worker]", "owns: [worker, mailer]")],
        }
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if not kb.intact("team"):
        return  # an invalid teams.yaml would make every system look unowned
    owned = kb.system_owners()
    for runbook in kb.runbooks.values():
        for index, system in enumerate(runbook.data["systems"]):
            if system not in owned:
                yield Finding(runbook, ("systems", index), {"system": system})
