from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB103",
    name="missing-field",
    level=ERROR,
    summary="A required field is missing.",
    message="{detail}",
    keywords=("required",),
    hint="see the field's description in schemas/ (your editor shows it)",
    bad=Example(
        replace={RUNBOOK: [("impact: Items sell at the old price; every hour costs margin.\n", "")]},
        expect=f"{RUNBOOK}:1:1",
    ),
    good=Example(
        replace={
            RUNBOOK: [
                (
                    "impact: Items sell at the old price; every hour costs margin.\n",
                    "impact: Items sell at the old price; every hour costs margin.\n",
                )
            ]
        }
    ),
)
