from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB335",
    name="related-to-itself",
    level=ERROR,
    summary="A runbook that lists itself in `related`.",
    message="runbook '{id}' lists itself as related",
    hint="list the other runbooks an engineer may need next, or remove the entry",
    why=(
        "`related` leads an engineer from one incident to the next one to look at; a link back to the page they "
        "are reading leads nowhere, and usually stands where the runbook that was meant should be."
    ),
    fix="Replace the entry with the runbook that was meant, or remove it.",
    bad=Example(
        replace={RUNBOOK: [("tags: [jobs]", "tags: [jobs]\nrelated: [jobs-not-processed]")]},
        expect=f"{RUNBOOK}:46:11",
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        for number, other in enumerate(runbook.data.get("related", [])):
            if other == runbook.id:
                yield Finding(runbook, ("related", number), {"id": runbook.id})
