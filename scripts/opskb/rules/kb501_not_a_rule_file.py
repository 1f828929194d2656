from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

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
    why=(
        "Given a server configuration or another file where rule files were meant, opskb checks no rule and "
        "links no alert while CI stays green; Prometheus refuses the same file as a rule file."
    ),
    fix=(
        "Pass the rule files themselves to --alert-rules (top-level groups:, or PrometheusRule manifests), "
        "not prometheus.yml."
    ),
    detected_by=(
        "opskb.model.alertrules._Validator.documents",
        "opskb.model.alertrules._Validator._stream",
        "opskb.model.alertrules._Validator._plain",
    ),
    bad=alert_example("global:\n  scrape_interval: 15s\nrule_files: [rules/*.yaml]\n", "1:1"),
    good=alert_example(JOBS_ALERT),
)
