from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

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
    bad=Example(
        files={ALERT_RULES: PRICE_ALERT.replace("severity: critical", "severity: [critical, page]")},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:8:21",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
