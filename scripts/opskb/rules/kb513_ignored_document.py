from ..gate.registry import Rule
from ..model.problems import WARNING
from ._tree import JOBS_ALERT, alert_example

RULE = Rule(
    code="KB513",
    name="ignored-document",
    level=WARNING,
    summary=(
        "A plain rule file with more than one YAML document: Prometheus reads only the first, so"
        " the rules after --- never run."
    ),
    message="Prometheus reads only the first document of a rule file; this one is ignored",
    hint="move these groups into the first document (or into a file of their own)",
    why=(
        "Prometheus reads only the first YAML document of a plain rule file: the groups after --- never run, "
        "though the file looks complete to whoever reads it."
    ),
    fix=("Move those groups into the first document (and delete the --- line), or into a rule file of their own."),
    detected_by=("opskb.model.alertrules._Validator.documents",),
    bad=alert_example(JOBS_ALERT + "---\n" + JOBS_ALERT.replace("name: jobs", "name: mail"), "10:1"),
    good=alert_example(JOBS_ALERT),
)
