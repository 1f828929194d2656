from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB511",
    name="bad-group-name",
    level=ERROR,
    summary="Each rule group needs a name, unique within its file.",
    message="group name {reason}",
    hint="name the group, or merge the two groups of one name",
    why=(
        "Prometheus refuses a rule file with a group without a name or two groups of one name, so none of the "
        "file's alerts are evaluated."
    ),
    fix="Give each group a name unique within its file, or merge the two groups that share a name.",
    detected_by=("opskb.model.alertrules._Validator._group",),
    bad=alert_example(
        JOBS_ALERT
        + JOBS_ALERT.replace("groups:\n", "")
        .replace("alert: JobsProcessedBelowQueued", "record: jobs:processed")
        .replace("        for: 10m\n", ""),
        "9:11",
    ),
    good=alert_example(JOBS_ALERT),
)
