from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB509",
    name="bad-record-name",
    level=ERROR,
    summary="A recording rule's name is the metric it writes: letters, digits, _ and :, not starting with a digit.",
    message="invalid recording rule name {name!r}",
    hint="use the level:metric:operations convention, e.g. job:price_feed_sent:rate5m",
    bad=Example(
        files={
            ALERT_RULES: PRICE_ALERT.replace(
                "alert: MarketplacePricesAcceptedBelowSent", "record: price-feed:rate5m"
            ).replace("        for: 10m\n", "")
        },
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:4:17",
    ),
    good=Example(
        files={
            ALERT_RULES: PRICE_ALERT.replace(
                "alert: MarketplacePricesAcceptedBelowSent", "record: price_feed:rate5m"
            ).replace("        for: 10m\n", "")
        },
        args=ALERT_ARGS,
    ),
)
