from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB504",
    name="alert-or-record",
    level=ERROR,
    summary="A rule must be exactly one of an alerting rule (alert:) or a recording rule (record:).",
    message="a rule {reason}",
    hint="keep alert: for a rule that pages, record: for one that stores a series; split a rule that does both",
    why=(
        "A rule is either an alert that pages or a recording rule that stores a series; Prometheus refuses a "
        "rule that is both or neither, and the whole file with it."
    ),
    fix=(
        "Keep alert: for a rule that should page and record: for one that stores a series; split a rule that "
        "does both into two rules."
    ),
    detected_by=("opskb.model.alertrules._Validator._rule",),
    bad=alert_example(
        JOBS_ALERT.replace("        expr:", "        record: jobs:processed_below_queued\n        expr:"), "5:17"
    ),
    good=alert_example(JOBS_ALERT),
)
