from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB106",
    name="wrong-size",
    summary="A list or text is empty or too long, or a number is out of range.",
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
    bad=("symptoms:\n  - marketplace shows yesterday's price\n  - fewer prices accepted than sent", "symptoms: []"),
    good="symptoms: [marketplace shows yesterday's price, fewer prices accepted than sent]",
    expect="8:11",
)
