from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB009",
    name="custom-tag",
    level=ERROR,
    summary="A YAML tag other than the standard ones (!!str, !!int...): content is plain data.",
    message="custom tag {tag} is not allowed",
    hint="remove the tag; write the value as plain text",
    bad=Example(replace={RUNBOOK: [("impact: Items", "impact: !secret Items")]}, expect=f"{RUNBOOK}:11:9"),
    good=Example(),
)
