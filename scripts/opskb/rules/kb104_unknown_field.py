from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB104",
    name="unknown-field",
    level=ERROR,
    summary="A field the schema does not define (often a typo); it would be silently ignored.",
    message="{detail}",
    keywords=("additionalProperties", "unevaluatedProperties", "propertyNames"),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(
        replace={RUNBOOK: [("severity: critical", "severity: critical\npriority: high")]}, expect=f"{RUNBOOK}:5:1"
    ),
    good=Example(replace={RUNBOOK: [("severity: critical", "severity: critical")]}),
)
