from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB508",
    name="alert-field-in-recording-rule",
    level=ERROR,
    summary=(
        "for, keep_firing_for and annotations belong to alerting rules; Prometheus refuses them on a recording rule."
    ),
    message="field {field} is not allowed in a recording rule",
    hint="remove it, or make the rule an alert: if it should page",
    bad=Example(
        files={
            ALERT_RULES: PRICE_ALERT.replace(
                "alert: MarketplacePricesAcceptedBelowSent", "record: price_feed:accepted_below_sent"
            )
        },
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:6:9",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
