from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB011",
    name="multiple-documents",
    level=ERROR,
    summary="More than one YAML document (---) in a file; each file holds exactly one.",
    message="a second YAML document starts here",
    hint="move the second document into a file of its own",
    bad=Example(replace={RUNBOOK: [("tags: [prices]", "tags: [prices]\n---\nid: second")]}, expect=f"{RUNBOOK}:46:1"),
    good=Example(),
)
