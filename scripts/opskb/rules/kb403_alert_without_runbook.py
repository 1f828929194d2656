from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import WARNING
from ..registry import Example, Finding, Rule

_RULES = """groups:
  - name: pricing
    rules:
      - alert: MarketplacePricesAcceptedBelowSent
        expr: price_feed_accepted < price_feed_sent
      - alert: PriceFeedStalled
        expr: time() - price_feed_last_run > 3600
"""

RULE = Rule(
    code="KB403",
    name="alert-without-runbook",
    level=WARNING,
    summary="A monitoring alert (from --alert-rules files) no runbook lists: L1 is paged with nothing to follow.",
    message="alert '{alert}' has no runbook",
    hint="add '{alert}' to the alerts: of the runbook that handles it",
    bad=Example(
        files={"monitoring/pricing.rules.yaml": _RULES},
        args=("--alert-rules", "monitoring/pricing.rules.yaml"),
        expect="monitoring/pricing.rules.yaml:6:16",
    ),
    good=Example(
        files={
            "monitoring/pricing.rules.yaml": _RULES.replace("PriceFeedStalled", "MarketplacePricesAcceptedBelowSent")
        },
        args=("--alert-rules", "monitoring/pricing.rules.yaml"),
    ),
)


def _alerts(data: object) -> Iterator[tuple[tuple, str]]:
    groups = data.get("groups") if isinstance(data, dict) else None
    for g, group in enumerate(groups if isinstance(groups, list) else []):
        rules = group.get("rules") if isinstance(group, dict) else None
        for r, rule in enumerate(rules if isinstance(rules, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("alert"), str):
                yield ("groups", g, "rules", r, "alert"), rule["alert"]


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    handled = {alert for runbook in kb.runbooks.values() for alert in runbook.data.get("alerts", [])}
    for document in kb.alert_rules:
        for path, alert in _alerts(document.data):
            if alert not in handled:
                yield Finding(document, path, {"alert": alert})
