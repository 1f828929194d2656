"""KB217: escalation/teams.yaml names a system no team owns.

What it does: checks that every entry of `systems:` in escalation/teams.yaml (a system's
name and the aliases ticket exports write for it) has the id of a system some team owns.

Why: the names are there so that `opskb report sla` and the site can tell which owned
system a ticket's component means. Names given to an id nobody owns (a typo, a system
renamed in the owns: lists) would count tickets under a system no team answers for, and
the system's real id would have no names at all.

Fix: write the id as the owner's owns: list writes it, or add the system to its owner.
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import TEAMS

# the example tree's teams own monitoring, worker and job-queue
_SYSTEMS = "systems:\n  - id: {id}\n    name: Task queue\n    aliases: [Очередь заданий, JOBQ]\nteams:\n"

RULE = Rule(
    code="KB217",
    name="unknown-named-system",
    level=ERROR,
    summary="A system in escalation/teams.yaml's systems: list is owned by no team.",
    message="no team owns system '{system}': its names would match tickets to a system nobody answers for",
    hint="write the id as a team's owns: list writes it ({owned}), or add '{system}' to its owner's owns: list",
    why=(
        "The systems: list gives owned systems the names tickets use, so that `opskb report sla` and the site "
        "can tell which system a ticket's component means. Names given to an id no team owns (a typo, a system "
        "renamed in the owns: lists) would count tickets under a system nobody answers for, and leave the "
        "real system without its names."
    ),
    fix=(
        "Correct the id to the one in the owner's owns: list in escalation/teams.yaml, or add the system to "
        "the owns: list of the team responsible for it."
    ),
    bad=Example(replace={TEAMS: [("teams:\n", _SYSTEMS.format(id="task-queue"))]}, expect=f"{TEAMS}:2:9"),
    good=Example(replace={TEAMS: [("teams:\n", _SYSTEMS.format(id="job-queue"))]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if not kb.intact("team"):
        return  # an invalid teams.yaml would make every system look unowned
    owned = kb.system_owners()
    listed = ", ".join(sorted(owned)[:8]) + (", ..." if len(owned) > 8 else "") if owned else "none yet"
    for system in kb.systems.values():
        if system.id not in owned:
            yield Finding(system, ("id",), {"system": system.id, "owned": listed})
