from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB002",
    name="duplicate-key",
    level=ERROR,
    summary="A mapping has the same key twice; YAML loaders silently keep only one of them.",
    message="duplicate key '{key}' (first at line {first_line})",
    hint="keep one of the two entries (merge their content if both matter)",
    bad=Example(
        replace={RUNBOOK: [("severity: critical", "severity: critical\nseverity: high")]}, expect=f"{RUNBOOK}:5:1"
    ),
    good=Example(replace={RUNBOOK: [("severity: critical", "severity: high")]}),
)
