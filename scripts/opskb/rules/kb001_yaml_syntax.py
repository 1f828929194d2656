from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB001",
    name="yaml-syntax",
    level=ERROR,
    summary="The file is not valid YAML (or cannot be read).",
    message="not valid YAML: {reason}",
    hint="fix the syntax at this position; quote text that contains ': ', '#', '[' or '{{'",
    bad=Example(
        replace={
            RUNBOOK: [("title: Prices not applied on a marketplace", "title: [Prices not applied on a marketplace")]
        },
        expect=f"{RUNBOOK}:3:5",
    ),
    good=Example(
        replace={RUNBOOK: [("title: Prices not applied on a marketplace", 'title: "[Ozon] Prices not applied"')]},
    ),
)
