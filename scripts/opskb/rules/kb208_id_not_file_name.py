from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB208",
    name="id-not-file-name",
    level=ERROR,
    summary="A runbook or marketplace id differs from its file name, so links and `opskb run ID` disagree.",
    message="id '{id}' differs from the file name '{stem}'",
    hint="rename the file to {id}.yaml, or set id: {stem}",
    bad=Example(replace={RUNBOOK: [("id: prices-not-applied", "id: prices-not-accepted")]}, expect=f"{RUNBOOK}:1:5"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for entity in (*kb.runbooks.values(), *kb.marketplaces.values()):
        stem = entity.document.path.stem
        if entity.id != stem:
            yield Finding(entity, ("id",), {"id": entity.id, "stem": stem})
