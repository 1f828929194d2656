from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB101",
    name="value-not-allowed",
    summary="A field has a value outside the allowed list (an enum), e.g. severity 'urgent'.",
    keywords=("enum", "const"),
    bad=("severity: critical", "severity: urgent"),
    good="severity: high",
    expect="4:11",
)
