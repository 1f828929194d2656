from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB208",
    name="id-not-file-name",
    level=ERROR,
    summary="A runbook or status mapping id differs from its file name, so links and `opskb run ID` disagree.",
    message="id '{id}' differs from the file name '{stem}'",
    hint="rename the file to {id}.yaml, or set id: {stem}",
    why=(
        "Page addresses and `opskb run ID` go by the file name, references by the id: when the two differ, a "
        "name that works in one place fails in the other, and the engineer types the wrong one at 3 a.m."
    ),
    fix=("Rename the file to ID.yaml (`git mv`), or set id: to the file name; rename both together from then on."),
    bad=Example(replace={RUNBOOK: [("id: jobs-not-processed", "id: jobs-not-finished")]}, expect=f"{RUNBOOK}:1:5"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for entity in (*kb.runbooks.values(), *kb.marketplaces.values()):
        stem = entity.document.path.stem
        if entity.id != stem:
            yield Finding(entity, ("id",), {"id": entity.id, "stem": stem})
