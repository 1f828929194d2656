from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB103",
    name="missing-field",
    summary="A required field is missing.",
    keywords=("required",),
    why=(
        "A required field is one the runbook page or an incident command needs (impact, route, first "
        "response): without it the page has a hole exactly where the engineer looks."
    ),
    fix=(
        "Add the field the message names at the level it names; the field's description in schemas/ says what "
        "to write, and `opskb new` shows every required field in a valid start."
    ),
    bad=("impact: Users wait for their exports; every hour delays more of them.\n", ""),
    good="impact: Users wait for their exports; each hour delays more of them.\n",
    expect="1:1",
)
