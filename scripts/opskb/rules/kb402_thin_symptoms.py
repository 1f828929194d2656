from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ._tree import RUNBOOK

RULE = Rule(
    code="KB402",
    name="thin-symptoms",
    level=WARNING,
    summary="An incident runbook lists a single symptom: L1 finds runbooks by the words they see.",
    message="only one symptom; search finds runbooks by symptom words",
    hint="add what L1 sees in their own words (dashboards, buyer complaints, alerts), in English and Russian",
    why=(
        "L1 finds a runbook by typing what they see; with one symptom the runbook matches few of the words "
        "people use, and it is missed during the incident."
    ),
    fix=(
        "Add symptoms in L1's own words: what the dashboards show, what buyers complain about, the alert's "
        "text, in English and in Russian."
    ),
    bad=Example(replace={RUNBOOK: [("  - fewer jobs processed than queued\n", "")]}, expect=f"{RUNBOOK}:8:1"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        if runbook.data["kind"] == "incident" and len(runbook.data["symptoms"]) == 1:  # none: KB106
            yield Finding(runbook, ("symptoms",), on_key=True)
