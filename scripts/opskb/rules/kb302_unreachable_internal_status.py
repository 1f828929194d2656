from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import INTERNAL

RULE = Rule(
    code="KB302",
    name="unreachable-internal-status",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="An internal status no order can reach from the initial status.",
    message="status '{status}' cannot be reached from '{initial}'",
    hint="add '{status}' to the next: list of the status that leads to it, or remove it",
    why=(
        "A status no order can reach from the initial one is either dead or lacks the transition into it; "
        "reconcile would flag every order found in it as impossible, and the state diagram misleads."
    ),
    fix=(
        "Add the status to the next: list of the status that leads to it, or remove it from "
        "status_mappings/internal.yaml if our system no longer has it."
    ),
    bad=Example(
        replace={
            INTERNAL: [("  - id: cancelled", "  - id: lost\n    name: Lost\n    terminal: true\n  - id: cancelled")]
        },
        expect=f"{INTERNAL}:15:9",
    ),
    good=Example(
        replace={
            INTERNAL: [
                ("    next: [delivered]", "    next: [delivered, lost]"),
                ("  - id: cancelled", "  - id: lost\n    name: Lost\n    terminal: true\n  - id: cancelled"),
            ]
        }
    ),
)


def reachable(kb: KnowledgeBase, start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        status = kb.internal_statuses.get(todo.pop())
        for target in status.data.get("next", []) if status else []:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if kb.internal is None or kb.internal.data["initial"] not in kb.internal_statuses:
        return
    initial = kb.internal.data["initial"]
    seen = reachable(kb, initial)
    for status in kb.internal_statuses.values():
        if status.id not in seen:
            yield Finding(status, ("id",), {"status": status.id, "initial": initial})
