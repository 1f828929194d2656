from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB506",
    name="promql-syntax",
    level=ERROR,
    summary=(
        "The expression is not valid PromQL (checked with a parser of Prometheus's grammar): the rule never evaluates."
    ),
    message="expr is not valid PromQL: {reason}",
    hint="fix the expression; try it in the Prometheus expression browser first",
    why=(
        "Prometheus refuses a rule file with an expression it cannot parse, so the alert never fires and the "
        "incident it should catch is reported by a customer instead."
    ),
    fix=(
        "Fix the expression at the reported position (an unbalanced bracket, a missing operator); try it in "
        "the Prometheus expression browser, or run `promtool check rules FILE`."
    ),
    detected_by=("opskb.model.alertrules._Validator._expr",),
    bad=alert_example(
        JOBS_ALERT.replace("jobs_processed < jobs_queued", "rate(jobs_processed[5m] < jobs_queued"),
        "5:15",
    ),
    good=alert_example(JOBS_ALERT),
)
