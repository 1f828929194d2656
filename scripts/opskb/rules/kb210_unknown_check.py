from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB210",
    name="unknown-check",
    level=ERROR,
    summary="A step refers to a check that the runbook's checks list does not define.",
    message="check '{check}' is not defined in this runbook's checks",
    hint="use the id of an entry under checks:, or remove the check: line",
    why=(
        "The step tells the engineer to run a check that does not exist: `opskb run` has nothing to execute "
        "and the page no result to compare against, so diagnosis falls back to guessing."
    ),
    fix=(
        "Set check: to the id of an entry under the runbook's checks: (the hint names the closest one), add "
        "the missing check, or remove the check: line."
    ),
    bad=Example(
        replace={RUNBOOK: [("    check: processed-vs-queued", "    check: processed-count")]}, expect=f"{RUNBOOK}:20:12"
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        checks = {c["id"]: ("checks", n, "id") for n, c in enumerate(runbook.data.get("checks", []))}
        for index, step in enumerate(runbook.data["steps"]):
            if "check" in step and step["check"] not in checks:
                check_id = step["check"]
                yield Finding(
                    runbook, ("steps", index, "check"), {"check": check_id}, refers=("check", check_id), choices=checks
                )
