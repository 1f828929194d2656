from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB101",
    name="value-not-allowed",
    level=ERROR,
    summary="A field has a value outside the allowed list (an enum), e.g. severity 'urgent'.",
    message="{detail}",
    keywords=("enum", "const"),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(replace={RUNBOOK: [("severity: critical", "severity: urgent")]}, expect=f"{RUNBOOK}:4:11"),
    good=Example(replace={RUNBOOK: [("severity: critical", "severity: critical")]}),
)
