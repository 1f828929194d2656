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
    why=(
        "A rule without expr evaluates nothing, and Prometheus refuses the whole file, so the other alerts in "
        "it stop too."
    ),
    fix=(
        "Add expr: with the PromQL expression the rule evaluates (try it in the Prometheus expression browser first)."
    ),
    detected_by=("opskb.alertrules._Validator._expr",),
    bad=alert_example(PRICE_ALERT.replace("        expr: price_feed_accepted < price_feed_sent\n", ""), "4:9"),
    good=alert_example(PRICE_ALERT),
)
