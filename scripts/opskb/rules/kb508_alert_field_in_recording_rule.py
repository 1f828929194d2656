from ..problems import ERROR
from ..registry import Rule
from ._tree import PRICE_ALERT, alert_example

RULE = Rule(
    code="KB508",
    name="alert-field-in-recording-rule",
    level=ERROR,
    summary=(
        "for, keep_firing_for and annotations belong to alerting rules; Prometheus refuses them on a recording rule."
    ),
    message="field {field} is not allowed in a recording rule",
    hint="remove it, or make the rule an alert: if it should page",
    bad=alert_example(
        PRICE_ALERT.replace("alert: MarketplacePricesAcceptedBelowSent", "record: price_feed:accepted_below_sent"),
        "6:9",
    ),
    good=alert_example(PRICE_ALERT),
)
