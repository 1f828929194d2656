from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB002",
    name="duplicate-key",
    level=ERROR,
    summary="A mapping has the same key twice; YAML loaders silently keep only one of them.",
    message="duplicate key '{key}' (first at line {first_line})",
    hint="keep one of the two entries (merge their content if both matter)",
    why=(
        "Only one of the two values survives, and which one depends on the tool: the site may show severity "
        "high while the reviewer read critical, and an edit to the first entry silently has no effect."
    ),
    fix=(
        "Delete one of the two entries; if both hold content that matters (two lists of steps, say), merge "
        "them under the one key."
    ),
    detected_by=("opskb.model.yamldoc.scan_events", "opskb.model.yamldoc._rs_finding", "opskb.model.ruleyaml._attach"),
    bad=Example(
        replace={RUNBOOK: [("severity: critical", "severity: critical\nseverity: high")]}, expect=f"{RUNBOOK}:5:1"
    ),
    good=Example(replace={RUNBOOK: [("severity: critical", "severity: high")]}),
)
