from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB100",
    name="schema-violation",
    summary="A JSON Schema rule no more specific code covers (e.g. two fields that exclude each other).",
    keywords=(),
    bad=(
        'condition: {left: accepted, op: ">=", right_ref: sent}',
        'condition: {left: accepted, op: ">=", right_ref: sent, right: 1}',
    ),
    good='condition: {left: accepted, op: ">=", right: 9000}',
    expect="31:16",
)
