from ..problems import WARNING
from ..registry import Example, Rule
from ._tree import ALERT_ARGS, ALERT_RULES, PRICE_ALERT

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
    bad=Example(
        files={ALERT_RULES: PRICE_ALERT + "---\n" + PRICE_ALERT.replace("pricing", "stock")},
        args=ALERT_ARGS,
        expect=f"{ALERT_RULES}:10:1",
    ),
    good=Example(
        files={ALERT_RULES: PRICE_ALERT},
        args=ALERT_ARGS,
    ),
)
