from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB102",
    name="wrong-type",
    level=ERROR,
    summary="A field has the wrong type: text where a number is expected, a list where a mapping is.",
    message="{detail}",
    keywords=("type",),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(replace={RUNBOOK: [("interval_days: 90", "interval_days: ninety")]}, expect=f"{RUNBOOK}:44:18"),
    good=Example(replace={RUNBOOK: [("interval_days: 90", "interval_days: 90")]}),
)
