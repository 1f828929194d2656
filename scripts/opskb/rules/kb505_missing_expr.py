from ..problems import ERROR
from ..registry import Rule
from ._tree import PRICE_ALERT, alert_example

RULE = Rule(
    code="KB505",
    name="missing-expr",
    level=ERROR,
    summary="A rule without an expression: Prometheus refuses the file.",
    message="field expr must be set in a rule",
    hint="add expr: with the PromQL expression the rule evaluates",
    bad=alert_example(PRICE_ALERT.replace("        expr: price_feed_accepted < price_feed_sent\n", ""), "4:9"),
    good=alert_example(PRICE_ALERT),
)
