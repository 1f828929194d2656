from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB102",
    name="wrong-type",
    summary="A field has the wrong type: text where a number is expected, a list where a mapping is.",
    keywords=("type",),
    bad=("interval_days: 90", "interval_days: ninety"),
    good="interval_days: 180",
    expect="44:18",
)
