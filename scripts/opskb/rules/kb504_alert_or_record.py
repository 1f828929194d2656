from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB504",
    name="alert-or-record",
    level=ERROR,
    summary="A rule must be exactly one of an alerting rule (alert:) or a recording rule (record:).",
    message="a rule {reason}",
    hint="keep alert: for a rule that pages, record: for one that stores a series; split a rule that does both",
    bad=Example(
        files={
            ALERT_RULES: PRICE_ALERT.replace(
                "        expr:", "        record: price_feed:accepted_below_sent\n        expr:"
            )
        },
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:5:17",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
