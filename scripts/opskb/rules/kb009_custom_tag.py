from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB009",
    name="custom-tag",
    level=ERROR,
    summary="A YAML tag other than the standard ones (!!str, !!int...): content is plain data.",
    message="custom tag {tag} is not allowed",
    hint="remove the tag; write the value as plain text",
    why=(
        "A tag such as !secret or !include asks the reader to run code or fetch something: some tools fail on "
        "it, others do it. Content is plain data, and the value would not mean what its author hoped anyway."
    ),
    fix=(
        "Remove the tag and write the value as plain text; secrets do not belong in the knowledge base at "
        "all, name the vault entry that holds them instead."
    ),
    detected_by=("opskb.model.yamldoc.scan_events",),
    bad=Example(replace={RUNBOOK: [("impact: Users", "impact: !secret Users")]}, expect=f"{RUNBOOK}:11:9"),
    good=Example(),
)
