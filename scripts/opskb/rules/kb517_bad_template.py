from ..gate.registry import Rule
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, alert_example

_SUMMARY = "        annotations:\n          summary: Processed {{ $value | humanizePercentage }} of jobs\n"

RULE = Rule(
    code="KB517",
    name="bad-template",
    level=ERROR,
    summary=(
        "A label or annotation of an alerting rule is not a Go template that parses: Prometheus (and promtool)"
        " refuse the rule; the notification would never be written."
    ),
    message="{what} {name}: the template does not parse: {reason}",
    hint="close each action with two braces, end each if, range and with, and use only Prometheus template functions"
    " (humanize, printf...) and its variables ($labels, $value, $externalLabels, $externalURL)",
    why=(
        "Prometheus refuses a rule whose label or annotation template does not parse: the file fails to load, "
        "or the notification is sent without its text, so L1 gets an alert with no summary."
    ),
    fix=(
        "Close each action with two closing braces and end each if, range and with; use only Prometheus "
        "template functions (humanize, printf...) and its variables ($labels, $value, $externalLabels, "
        "$externalURL), and try it with `promtool check rules FILE`."
    ),
    detected_by=("opskb.model.alertrules._Validator._templates",),
    bad=alert_example(JOBS_ALERT + _SUMMARY.replace("}} of", "} of"), "10:20"),
    good=alert_example(JOBS_ALERT + _SUMMARY),
)
