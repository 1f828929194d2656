from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB509",
    name="bad-record-name",
    level=ERROR,
    summary="A recording rule's name is the metric it writes: letters, digits, _ and :, not starting with a digit.",
    message="invalid recording rule name {name!r}",
    hint="use the level:metric:operations convention, e.g. job:jobs_queued:rate5m",
    why=(
        "A recording rule's name becomes the metric it writes: Prometheus refuses a name with a dash or a "
        "leading digit, so the series is never recorded and every dashboard and alert built on it shows no "
        "data."
    ),
    fix=(
        "Name it with letters, digits, _ and : only, following the level:metric:operations convention "
        "(job:jobs_queued:rate5m)."
    ),
    detected_by=("opskb.model.alertrules._Validator._rule",),
    bad=alert_example(
        JOBS_ALERT.replace("alert: JobsProcessedBelowQueued", "record: job-queue:rate5m").replace(
            "        for: 10m\n", ""
        ),
        "4:17",
    ),
    good=alert_example(
        JOBS_ALERT.replace("alert: JobsProcessedBelowQueued", "record: job_queue:rate5m").replace(
            "        for: 10m\n", ""
        )
    ),
)
