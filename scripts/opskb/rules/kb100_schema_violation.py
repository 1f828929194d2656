from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB100",
    name="schema-violation",
    level=ERROR,
    summary="The file breaks a rule of its JSON Schema not covered by a more specific code.",
    message="{detail}",
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(
        replace={
            RUNBOOK: [
                (
                    'condition: {left: accepted, op: ">=", right_ref: sent}',
                    'condition: {left: accepted, op: ">=", right_ref: sent, right: 1}',
                )
            ]
        },
        expect=f"{RUNBOOK}:31:16",
    ),
    good=Example(
        replace={
            RUNBOOK: [
                (
                    'condition: {left: accepted, op: ">=", right_ref: sent}',
                    'condition: {left: accepted, op: ">=", right_ref: sent}',
                )
            ]
        }
    ),
)
