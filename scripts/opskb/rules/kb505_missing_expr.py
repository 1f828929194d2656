from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB505",
    name="missing-expr",
    level=ERROR,
    summary="A rule without an expression: Prometheus refuses the file.",
    message="field expr must be set in a rule",
    hint="add expr: with the PromQL expression the rule evaluates",
    bad=Example(
        files={ALERT_RULES: PRICE_ALERT.replace("        expr: price_feed_accepted < price_feed_sent\n", "")},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:4:9",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
