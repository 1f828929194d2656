from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB211",
    name="unknown-step",
    level=ERROR,
    summary="A check's on_fail points to a step id the runbook does not have.",
    message="step '{step}' is not defined in this runbook's steps",
    hint="use the id of an entry under steps:",
    why=(
        "on_fail says where to go when a check fails; pointing it at a step that does not exist leaves the "
        "engineer with a failed check and no next action."
    ),
    fix="Set on_fail: to the id of a step under steps: (the hint names the closest one), or add the step.",
    bad=Example(replace={RUNBOOK: [("on_fail: requeue", "on_fail: requeue-jobs")]}, expect=f"{RUNBOOK}:32:14"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        steps = {s["id"]: ("steps", n, "id") for n, s in enumerate(runbook.data["steps"])}
        for index, probe in enumerate(runbook.data.get("checks", [])):
            if "on_fail" in probe and probe["on_fail"] not in steps:
                step = probe["on_fail"]
                yield Finding(
                    runbook, ("checks", index, "on_fail"), {"step": step}, refers=("step", step), choices=steps
                )
