from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB106",
    name="wrong-size",
    level=ERROR,
    summary="A list or text is empty or too long, or a number is out of range.",
    message="{detail}",
    keywords=(
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "minProperties",
        "maxProperties",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
    ),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(
        replace={
            RUNBOOK: [
                (
                    "symptoms:\n  - marketplace shows yesterday's price\n  - fewer prices accepted than sent",
                    "symptoms: []",
                )
            ]
        },
        expect=f"{RUNBOOK}:8:11",
    ),
    good=Example(
        replace={
            RUNBOOK: [
                (
                    "  - fewer prices accepted than sent",
                    "  - fewer prices accepted than sent\n  - the feed report shows rejections",
                )
            ]
        }
    ),
)
