from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB511",
    name="bad-group-name",
    level=ERROR,
    summary="Each rule group needs a name, unique within its file.",
    message="group name {reason}",
    hint="name the group, or merge the two groups of one name",
    bad=Example(
        files={
            ALERT_RULES: PRICE_ALERT
            + PRICE_ALERT.replace("groups:\n", "")
            .replace("alert: MarketplacePricesAcceptedBelowSent", "record: price_feed:accepted")
            .replace("        for: 10m\n", "")
        },
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:9:11",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
