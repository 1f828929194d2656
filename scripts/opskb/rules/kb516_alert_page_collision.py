from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.addresses import alert_page_name
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB516",
    name="alert-page-collision",
    level=ERROR,
    summary=(
        "Two alert names differ only in letter case: their pages (alerts/NAME.html) collide on a case-insensitive disk."
    ),
    message="alert '{alert}' and alert '{other}' would share one page on a case-insensitive disk",
    hint="rename one of the alerts in the rule files and here, so the names differ in more than case",
    why=(
        "Alert pages are named after their alert (alerts/NAME.html): two names that differ only in case "
        "overwrite each other on a macOS or Windows disk, so one alert's runbook_url opens the other's page."
    ),
    fix=(
        "Rename one of the alerts in the rule files, and in the runbooks' alerts:, so that the names differ "
        "in more than letter case."
    ),
    bad=Example(
        replace={
            RUNBOOK: [
                (
                    "alerts: [JobsProcessedBelowQueued]",
                    "alerts: [JobsProcessedBelowQueued, JobsProcessedBelowqueued]",
                )
            ]
        },
        expect=f"{RUNBOOK}:7:36",
    ),
    good=Example(
        replace={
            RUNBOOK: [
                (
                    "alerts: [JobsProcessedBelowQueued]",
                    "alerts: [JobsProcessedBelowQueued, JobsProcessedBelowQueuedLong]",
                )
            ]
        },
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    first: dict[str, str] = {}
    for ident in sorted(kb.runbooks):
        runbook = kb.runbooks[ident]
        for index, alert in enumerate(runbook.data.get("alerts", [])):
            folded = alert_page_name(alert).casefold()
            other = first.setdefault(folded, alert)
            if other != alert:
                yield Finding(runbook, ("alerts", index), {"alert": alert, "other": other})
