from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB104",
    name="unknown-field",
    summary="A field the schema does not define (often a typo); it would be silently ignored.",
    keywords=("additionalProperties", "unevaluatedProperties", "propertyNames"),
    bad=("severity: critical", "severity: critical\npriority: high"),
    good="severity: critical  # the SLA policy of the route sets the priority",
    expect="5:1",
)
