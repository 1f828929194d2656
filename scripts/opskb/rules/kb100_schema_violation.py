from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB100",
    name="schema-violation",
    summary="A JSON Schema rule no more specific code covers (e.g. two fields that exclude each other).",
    keywords=(),
    why=(
        "The schema encodes what the site and the commands rely on; a combination it forbids (a condition "
        "with both right and right_ref) has no single meaning, so a diagnostic would compare against one "
        "value while the author meant the other."
    ),
    fix=(
        "Read the message and the field's description in schemas/ (the editor's YAML extension shows it on "
        "hover), then keep one of the fields that exclude each other, or add the one the schema requires with "
        "it."
    ),
    bad=(
        'condition: {left: processed, op: ">=", right_ref: queued}',
        'condition: {left: processed, op: ">=", right_ref: queued, right: 1}',
    ),
    good='condition: {left: processed, op: ">=", right: 9000}',
    expect="31:16",
)
