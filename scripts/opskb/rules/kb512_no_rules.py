from ..gate.registry import Rule
from ..model.problems import WARNING
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB512",
    name="no-rules",
    level=WARNING,
    summary=(
        "A rule file or group without rules: Prometheus loads it and evaluates nothing; usually an edit left half done."
    ),
    message="{what}",
    hint="add the rules, or remove the empty group",
    why=(
        "An empty group or file loads without complaint and evaluates nothing, so an alert that was meant to "
        "be there silently does not exist; usually an edit was left half done."
    ),
    fix="Add the rules the group was meant to hold, or remove the empty group (or file).",
    detected_by=("opskb.model.alertrules._Validator._groups", "opskb.model.alertrules._Validator._group"),
    bad=alert_example(JOBS_ALERT + "  - name: stock\n    rules: []\n", "10:12"),
    good=alert_example(JOBS_ALERT),
)
