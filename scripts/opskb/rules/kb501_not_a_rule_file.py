from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

RULE = Rule(
    code="KB501",
    name="not-a-rule-file",
    level=ERROR,
    summary=(
        "A file given to --alert-rules is not a Prometheus rule file (a server config, a list, an"
        " empty file, a stream without a PrometheusRule)."
    ),
    message="not a Prometheus rule file: {reason}",
    hint="give the rule files themselves: top-level groups:, or PrometheusRule manifests (spec.groups)",
    bad=Example(
        files={ALERT_RULES: "global:\n  scrape_interval: 15s\nrule_files: [rules/*.yaml]\n"},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:1:1",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
