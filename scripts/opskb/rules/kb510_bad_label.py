from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB510",
    name="bad-label",
    level=ERROR,
    summary=(
        "Label and annotation names are [a-zA-Z_][a-zA-Z0-9_]* (and a rule may not set __name__);"
        " label values are UTF-8."
    ),
    message="invalid {what} {name!r}",
    hint="a name takes letters, digits and underscores, no digit first (on_call, not 'on call'); a value, UTF-8 text",
    why=(
        "Prometheus refuses a label or annotation name with a space or a dash, and a label value that is not "
        "UTF-8, so the file does not load and no notification is routed by that label."
    ),
    fix=(
        "Use names of letters, digits and underscores that do not start with a digit (on_call, not 'on "
        "call'), never set __name__, and keep values UTF-8 text."
    ),
    detected_by=("opskb.model.alertrules._Validator._names",),
    bad=alert_example(JOBS_ALERT.replace("severity: critical", "on call: jobs"), "8:11"),
    good=alert_example(JOBS_ALERT),
)
