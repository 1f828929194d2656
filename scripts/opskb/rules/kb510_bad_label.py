from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB510",
    name="bad-label",
    level=ERROR,
    summary=(
        "Label and annotation names are [a-zA-Z_][a-zA-Z0-9_]* (and a rule may not set __name__);"
        " label values are UTF-8."
    ),
    message="invalid {what} {name!r}",
    hint="rename it with letters, digits and underscores, e.g. on_call instead of 'on call'",
    bad=Example(
        files={ALERT_RULES: PRICE_ALERT.replace("severity: critical", "on call: pricing")},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:8:11",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
