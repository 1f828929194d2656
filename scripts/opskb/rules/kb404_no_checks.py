from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ._tree import RUNBOOK

_CHECK = """    check: processed-vs-queued
"""

RULE = Rule(
    code="KB404",
    name="no-executable-check",
    level=WARNING,
    summary="A critical or high incident runbook whose steps run no check: diagnosis depends on someone's memory.",
    message="no step of this {severity} incident runs a check",
    hint="add a checks: entry (http, sql or prometheus) and reference it from the diagnosing step",
    why=(
        "A critical or high runbook without a check relies on someone remembering which query or dashboard "
        "tells the cases apart; at 3 a.m. the engineer cannot confirm the diagnosis."
    ),
    fix=(
        "Add a checks: entry (http, sql or prometheus) that confirms the diagnosis and reference it from the "
        "diagnosing step with check: ID; `opskb run ID` then runs it."
    ),
    bad=Example(replace={RUNBOOK: [(_CHECK, "")]}, expect=f"{RUNBOOK}:15:1"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        data = runbook.data
        if data["kind"] != "incident" or data["severity"] not in ("critical", "high"):
            continue
        if not any("check" in step for step in data["steps"]):
            yield Finding(runbook, ("steps",), {"severity": data["severity"]}, on_key=True)
