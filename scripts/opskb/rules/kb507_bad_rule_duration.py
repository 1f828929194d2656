from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB507",
    name="bad-rule-duration",
    level=ERROR,
    summary="for, keep_firing_for and a group's interval take a Prometheus duration such as 5m or 1h30m.",
    message="{field}: not a Prometheus duration: {value!r}",
    hint="write units from largest to smallest without spaces: 30s, 5m, 1h30m, 2d (y w d h m s ms)",
    bad=Example(
        files={ALERT_RULES: PRICE_ALERT.replace("for: 10m", "for: 10 minutes")},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:6:14",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
