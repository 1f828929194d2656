from ._schema_rule import EXPLAIN, schema_rule

RULE = schema_rule(
    code="KB104",
    name="unknown-field",
    summary="A field the schema does not define (often a typo); it would be silently ignored.",
    keywords=("additionalProperties", "unevaluatedProperties", "propertyNames"),
    why=(
        "Nothing reads an unknown field: `priority: high` or a misspelt `do_nto:` looks like content to its "
        "author but never reaches the site or the checks, so a safety block can be lost to a typo."
    ),
    fix=(
        "Correct the spelling to the field the hint suggests, or move the content to the field that carries "
        "it; a remark for other authors goes in a YAML comment (# ...)."
    ),
    detected_by=(EXPLAIN, "opskb.model.schemas.SchemaSet.errors"),
    bad=("severity: critical", "severity: critical\npriority: high"),
    good="severity: critical  # the SLA policy of the route sets the priority",
    expect="5:1",
)
