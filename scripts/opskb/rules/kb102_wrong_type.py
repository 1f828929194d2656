from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB102",
    name="wrong-type",
    summary="A field has the wrong type: text where a number is expected, a list where a mapping is.",
    keywords=("type",),
    why=(
        "Code and templates read each field as the type the schema names: interval_days: ninety cannot be "
        "added to a date, so the review due date, and the page that shows it, is computed from nothing."
    ),
    fix=(
        "Write the value as the type the message names: a number without quotes, a list with [ ] or '- ' "
        "items, a mapping of key: value lines; quote text that would otherwise read as a number."
    ),
    bad=("interval_days: 90", "interval_days: ninety"),
    good="interval_days: 180",
    expect="44:18",
)
