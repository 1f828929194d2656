from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB506",
    name="promql-syntax",
    level=ERROR,
    summary=(
        "The expression is not valid PromQL (checked with a parser of Prometheus's grammar): the rule never evaluates."
    ),
    message="expr is not valid PromQL: {reason}",
    hint="fix the expression; try it in the Prometheus expression browser first",
    bad=Example(
        files={
            ALERT_RULES: PRICE_ALERT.replace(
                "price_feed_accepted < price_feed_sent", "rate(price_feed_accepted[5m] < price_feed_sent"
            )
        },
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:5:15",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
