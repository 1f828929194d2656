from ..problems import WARNING
from ..registry import Rule
from ._tree import PRICE_ALERT, alert_example

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
    bad=alert_example(PRICE_ALERT + "---\n" + PRICE_ALERT.replace("pricing", "stock"), "10:1"),
    good=alert_example(PRICE_ALERT),
)
