from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB103",
    name="missing-field",
    summary="A required field is missing.",
    keywords=("required",),
    bad=("impact: Items sell at the old price; every hour costs margin.\n", ""),
    good="impact: Items sell at yesterday's price; each hour costs margin.\n",
    expect="1:1",
)
