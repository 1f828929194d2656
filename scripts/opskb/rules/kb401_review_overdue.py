from collections.abc import Iterator
from datetime import timedelta

from ..gate.registry import Example, Finding, Rule
from ..model.durations import today
from ..model.kb import KnowledgeBase, review_due
from ..model.problems import WARNING
from ._tree import RUNBOOK

RULE = Rule(
    code="KB401",
    name="review-overdue",
    level=WARNING,
    summary="A runbook was last reviewed longer ago than its review interval: it may no longer be true.",
    message="review overdue since {due} (last reviewed {last}, every {days} days)",
    hint="ask {owner} to walk through the runbook, then set last_reviewed to the review date",
    why=(
        "A runbook nobody has checked since the systems changed may send L1 to a dashboard that is gone or to "
        "a team that has moved on; the review date is the only sign of that."
    ),
    fix=(
        "Have the review owner walk through the runbook and correct what changed, then set "
        "review.last_reviewed to the date of that review."
    ),
    bad=Example(
        replace={RUNBOOK: [('last_reviewed: "2026-11-01"', 'last_reviewed: "2025-11-01"')]}, expect=f"{RUNBOOK}:43:18"
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    now = today()
    for runbook in kb.runbooks.values():
        review = runbook.data["review"]
        try:
            due = review_due(runbook.data)
        except ValueError:
            continue  # a pattern-valid but impossible date (2026-02-30) is KB105's business
        if due < now:
            yield Finding(
                runbook,
                ("review", "last_reviewed"),
                {
                    "due": due.isoformat(),
                    "last": (due - timedelta(days=review["interval_days"])).isoformat(),
                    "days": review["interval_days"],
                    "owner": review["owner"],
                },
            )
