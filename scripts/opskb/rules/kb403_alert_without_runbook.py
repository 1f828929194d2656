from collections.abc import Iterator

from ..gate.registry import Finding, Rule
from ..model.alertrules import alerts_of
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ._tree import JOBS_ALERT, alert_example

_RULES = (
    JOBS_ALERT
    + """      - alert: QueueStalled
        expr: time() - job_queue_last_run > 3600
"""
)

RULE = Rule(
    code="KB403",
    name="alert-without-runbook",
    level=WARNING,
    summary="A monitoring alert (from --alert-rules files) no runbook lists: L1 is paged with nothing to follow.",
    message="alert '{alert}' has no runbook",
    hint="add '{alert}' to the alerts: of the runbook that handles it",
    why=("An alert that pages with no runbook behind it leaves L1 to guess from its name what to do and whom to call."),
    fix=(
        "Add the alert's name to alerts: of the runbook that handles it (or write one: `opskb new runbook "
        "ID`), then run `opskb alerts annotate --write` to link the alert to its page."
    ),
    bad=alert_example(_RULES, "9:16"),
    good=alert_example(_RULES.replace("QueueStalled", "JobsProcessedBelowQueued")),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    handled = {alert for runbook in kb.runbooks.values() for alert in runbook.data.get("alerts", [])}
    for rule_file, alert in alerts_of(kb.alert_rules):
        if alert.name not in handled:
            yield Finding(rule_file, (alert.name_node.line, alert.name_node.column), {"alert": alert.name})
