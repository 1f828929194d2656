from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

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
    detected_by=("opskb.model.alertrules._Validator._expr",),
    bad=alert_example(JOBS_ALERT.replace("        expr: jobs_processed < jobs_queued\n", ""), "4:9"),
    good=alert_example(JOBS_ALERT),
)
