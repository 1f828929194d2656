from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

_DO_NOT = """do_not:
  - action: Requeue every job at once.
    why: It floods the workers and delays every other queue.
"""

RULE = Rule(
    code="KB305",
    name="critical-without-do-not",
    level=ERROR,
    summary=(
        "A critical runbook says nothing about what must not be done. An engineer without context "
        "once deleted a file the database needed: load dropped, and so did the database."
    ),
    message="critical runbook has no do_not list",
    hint="add do_not: with each dangerous action and why (what breaks, who owns it)",
    why=(
        "Under pressure an engineer without context reaches for the obvious fix (requeue everything, restart "
        "the database, delete a lock file) and turns an incident into an outage; the do_not block is what "
        "stops them."
    ),
    fix=(
        "Add do_not: with one entry per dangerous action: action (what not to do) and why (what breaks, and "
        "who owns it)."
    ),
    bad=Example(replace={RUNBOOK: [(_DO_NOT, "")]}, expect=f"{RUNBOOK}:4:11"),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        if runbook.data["severity"] == "critical" and not runbook.data.get("do_not"):
            yield Finding(runbook, ("severity",))
