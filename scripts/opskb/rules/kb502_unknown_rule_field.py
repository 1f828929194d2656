from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB502",
    name="unknown-rule-field",
    level=ERROR,
    summary=(
        "A key Prometheus does not know in a rule, a group or at the top of a rule file; promtool"
        " refuses the file (`field exprr not found`)."
    ),
    message="field {field} not found in a {where}",
    hint=(
        "check the spelling (a summary goes under annotations:); a rule has record, alert, expr,"
        " for, keep_firing_for, labels, annotations; a group name, interval, limit, rules"
    ),
    why=(
        "Prometheus decodes rule files strictly: one key it does not know (a summary: beside expr:) makes it "
        "refuse the whole file at the next reload, and every alert in the file stops being evaluated."
    ),
    fix=(
        "Correct the spelling, or move the field where it belongs: summary and description under "
        "annotations:, severity under labels:."
    ),
    detected_by=("opskb.model.alertrules._Validator._fields",),
    bad=alert_example(JOBS_ALERT + "        summary: Fewer jobs processed than queued\n", "9:9"),
    good=alert_example(JOBS_ALERT),
)
