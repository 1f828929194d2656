from ..problems import ERROR
from ..registry import Rule
from ._tree import PRICE_ALERT, alert_example

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
    bad=alert_example(PRICE_ALERT.replace("severity: critical", "severity: [critical, page]"), "8:21"),
    good=alert_example(PRICE_ALERT),
)
