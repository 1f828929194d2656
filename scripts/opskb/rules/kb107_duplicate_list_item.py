from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB107",
    name="duplicate-list-item",
    level=ERROR,
    summary="A list that must hold distinct values names one twice.",
    message="{detail}",
    keywords=("uniqueItems",),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(replace={RUNBOOK: [("tags: [prices]", "tags: [prices, prices]")]}, expect=f"{RUNBOOK}:45:7"),
    good=Example(replace={RUNBOOK: [("tags: [prices]", "tags: [prices]")]}),
)
