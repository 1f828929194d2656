from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB204",
    name="unknown-runbook",
    level=ERROR,
    summary="A runbook lists a related runbook that does not exist.",
    message="related runbook '{runbook}' does not exist",
    hint="use the id of a file in runbooks/ (its name without .yaml)",
    why=(
        "A related link to a runbook that does not exist is a dead end on the page: the engineer follows it "
        "mid-incident and lands on nothing, usually because the runbook was renamed or never written."
    ),
    fix=(
        "Use the id of an existing file in runbooks/ (its name without .yaml), or remove the entry until that "
        "runbook exists."
    ),
    bad=Example(
        replace={RUNBOOK: [("tags: [jobs]", "related: [queue-stalled]\ntags: [jobs]")]},
        expect=f"{RUNBOOK}:45:11",
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        for index, other in enumerate(runbook.data.get("related", [])):
            if not kb.is_known("runbook", other):
                yield Finding(runbook, ("related", index), {"runbook": other}, refers=("runbook", other))
