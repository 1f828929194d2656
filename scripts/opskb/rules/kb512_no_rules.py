from ..problems import WARNING
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB512",
    name="no-rules",
    level=WARNING,
    summary=(
        "A rule file or group without rules: Prometheus loads it and evaluates nothing; usually an edit left half done."
    ),
    message="{what}",
    hint="add the rules, or remove the empty group",
    bad=Example(
        files={ALERT_RULES: PRICE_ALERT + "  - name: stock\n    rules: []\n"},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:10:12",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
