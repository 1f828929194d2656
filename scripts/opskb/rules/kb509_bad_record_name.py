from ..problems import ERROR
from ..registry import Rule
from ._tree import PRICE_ALERT, alert_example

RULE = Rule(
    code="KB509",
    name="bad-record-name",
    level=ERROR,
    summary="A recording rule's name is the metric it writes: letters, digits, _ and :, not starting with a digit.",
    message="invalid recording rule name {name!r}",
    hint="use the level:metric:operations convention, e.g. job:price_feed_sent:rate5m",
    bad=alert_example(
        PRICE_ALERT.replace("alert: MarketplacePricesAcceptedBelowSent", "record: price-feed:rate5m").replace(
            "        for: 10m\n", ""
        ),
        "4:17",
    ),
    good=alert_example(
        PRICE_ALERT.replace("alert: MarketplacePricesAcceptedBelowSent", "record: price_feed:rate5m").replace(
            "        for: 10m\n", ""
        )
    ),
)
