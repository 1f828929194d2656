from ..problems import WARNING
from ..registry import Rule
from ._tree import PRICE_ALERT, alert_example

RULE = Rule(
    code="KB512",
    name="no-rules",
    level=WARNING,
    summary=(
        "A rule file or group without rules: Prometheus loads it and evaluates nothing; usually an edit left half done."
    ),
    message="{what}",
    hint="add the rules, or remove the empty group",
    bad=alert_example(PRICE_ALERT + "  - name: stock\n    rules: []\n", "10:12"),
    good=alert_example(PRICE_ALERT),
)
