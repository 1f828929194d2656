from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB508",
    name="alert-field-in-recording-rule",
    level=ERROR,
    summary=(
        "for, keep_firing_for and annotations belong to alerting rules; Prometheus refuses them on a recording rule."
    ),
    message="field {field} is not allowed in a recording rule",
    hint="remove it, or make the rule an alert: if it should page",
    why=(
        "for, keep_firing_for and annotations only mean something on an alert: Prometheus refuses them on a "
        "recording rule, and the file with them; usually the rule was meant to page."
    ),
    fix=("Remove the field, or turn the rule into an alert (alert: NAME in place of record:) if it should page."),
    detected_by=("opskb.model.alertrules._Validator._rule",),
    bad=alert_example(
        JOBS_ALERT.replace("alert: JobsProcessedBelowQueued", "record: jobs:processed_below_queued"),
        "6:9",
    ),
    good=alert_example(JOBS_ALERT),
)
