from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB105",
    name="wrong-form",
    level=ERROR,
    summary="A value does not have the required form (id, date, duration, phone...).",
    message="{detail}",
    keywords=("pattern", "format"),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(replace={RUNBOOK: [("cadence: 1h", "cadence: hourly")]}, expect=f"{RUNBOOK}:39:12"),
    good=Example(replace={RUNBOOK: [("cadence: 1h", "cadence: 1h")]}),
)
