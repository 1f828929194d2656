from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB507",
    name="bad-rule-duration",
    level=ERROR,
    summary="for, keep_firing_for and a group's interval take a Prometheus duration such as 5m or 1h30m.",
    message="{field}: not a Prometheus duration: {value!r}",
    hint="write units from largest to smallest without spaces: 30s, 5m, 1h30m, 2d (y w d h m s ms)",
    why=(
        "Prometheus refuses `for: 10 minutes`, and the whole file with it; the alert that should wait ten "
        "minutes before paging never loads."
    ),
    fix=(
        "Write a Prometheus duration: units from largest to smallest without spaces (30s, 5m, 1h30m, 2d; the "
        "units are y w d h m s ms)."
    ),
    detected_by=("opskb.model.alertrules._Validator._duration",),
    bad=alert_example(JOBS_ALERT.replace("for: 10m", "for: 10 minutes"), "6:14"),
    good=alert_example(JOBS_ALERT),
)
