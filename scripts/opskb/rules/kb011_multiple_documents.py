from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB011",
    name="multiple-documents",
    level=ERROR,
    summary="More than one YAML document (---) in a file; each file holds exactly one.",
    message="a second YAML document starts here",
    hint="move the second document into a file of its own",
    why=(
        "Each file holds one runbook, mapping or list; a second document after --- is ignored by some tools "
        "and read by others, so a whole runbook can vanish without a trace."
    ),
    fix=("Move the second document into a file of its own (a runbook into runbooks/ID.yaml) and remove the --- line."),
    detected_by=("opskb.model.yamldoc.scan_events",),
    bad=Example(replace={RUNBOOK: [("tags: [jobs]", "tags: [jobs]\n---\nid: second")]}, expect=f"{RUNBOOK}:46:1"),
    good=Example(),
)
