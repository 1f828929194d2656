"""KB218: two systems answer to the same name in a ticket export.

What it does: compares the ids of the owned systems and the names and aliases that
escalation/teams.yaml's systems: list gives them, as `opskb report sla` reads a ticket's
system (case, ё/е, spaces and punctuation aside), and reports a name two systems claim.

Why: a ticket export writes the system as people call it (`PIM`, `Каталог товаров`). A
name two systems share would count one system's tickets, and its SLA %, under the other.

Fix: drop or reword the name or alias on one of them.
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.problems import ERROR
from ..statuses.exports import normal
from ._tree import TEAMS

# the example tree's teams own monitoring, worker and job-queue
_SYSTEMS = """systems:
  - id: job-queue
    name: Job queue
    aliases: [Очередь заданий]
  - id: worker
    name: Job worker
    aliases: [{alias}]
teams:
"""

RULE = Rule(
    code="KB218",
    name="ambiguous-system-name",
    level=ERROR,
    summary="Two systems answer to the same id, name or alias, so a ticket's system could be either.",
    message="'{alias}' also names system '{other}' (line {line})",
    hint="keep each name for one system: drop or reword this one",
    why=(
        "`opskb report sla` matches the system a ticket export writes (a Jira component, a ServiceNow "
        "configuration item, the Russian name) to an owned system by its id, name or alias, case and "
        "punctuation aside. A name two systems share would count one system's tickets, and its SLA %, "
        "under the other."
    ),
    fix="Keep each id, name and alias for one system: drop or reword it on the system it does not mean.",
    bad=Example(
        replace={TEAMS: [("teams:\n", _SYSTEMS.format(alias="Job-Queue"))]},
        expect=f"{TEAMS}:7:15",
    ),
    good=Example(replace={TEAMS: [("teams:\n", _SYSTEMS.format(alias="Обработчик заданий"))]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    systems = sorted(kb.systems.values(), key=lambda s: s.locate())
    # ids first (owned ones too, named or not), then names, then aliases: the later claim is the mistake
    owners: dict[str, tuple[str, Entity | None]] = {normal(ident): (ident, None) for ident in kb.system_owners()}
    for system in systems:
        owners.setdefault(normal(system.id), (system.id, system))
    claims = [(s, ("name",), s.data["name"]) for s in systems]
    claims += [(s, ("aliases", i), alias) for s in systems for i, alias in enumerate(s.data.get("aliases", []))]
    for system, where, value in claims:
        owner, entity = owners.setdefault(normal(value), (system.id, system))
        if owner != system.id:
            line = (entity or kb.systems.get(owner) or _owning_team(kb, owner)).locate()[0]
            yield Finding(system, where, {"alias": value, "other": owner, "line": line})


def _owning_team(kb: KnowledgeBase, system: str) -> Entity:
    return kb.teams[kb.system_owners()[system][0]]
