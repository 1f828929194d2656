from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB101",
    name="value-not-allowed",
    summary="A field has a value outside the allowed list (an enum), e.g. severity 'urgent'.",
    keywords=("enum", "const"),
    why=(
        "A value outside the list drives nothing: a severity 'urgent' is on no severity index, starts no SLA "
        "clock and escapes the safety rules for critical runbooks (KB305, KB306)."
    ),
    fix=(
        "Use one of the values the message lists (the editor completes them from schemas/); if a new value is "
        "really needed, add it to the schema's enum in a reviewed change."
    ),
    bad=("severity: critical", "severity: urgent"),
    good="severity: high",
    expect="4:11",
)
