from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB503",
    name="rule-wrong-type",
    level=ERROR,
    summary=(
        "A rule file field holds the wrong kind of YAML value (a list where Prometheus expects a"
        " string, a quoted limit)."
    ),
    message="{field} must be {expected}, not {found}",
    hint="write one value of the expected kind; a label holds a single string",
    why=(
        "Prometheus refuses a rule file whose fields hold the wrong kind of YAML value (a list as a label "
        "value, a quoted limit), so none of its rules load at the next reload."
    ),
    fix=(
        "Write one value of the expected kind: a single string per label, an unquoted integer for limit, a "
        "list of groups under groups:."
    ),
    detected_by=(
        "opskb.model.alertrules._Validator._string",
        "opskb.model.alertrules._Validator._groups",
        "opskb.model.alertrules._Validator._group",
        "opskb.model.alertrules._Validator._names",
    ),
    bad=alert_example(JOBS_ALERT.replace("severity: critical", "severity: [critical, page]"), "8:21"),
    good=alert_example(JOBS_ALERT),
)
