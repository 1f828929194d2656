from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB107",
    name="duplicate-list-item",
    summary="A list that must hold distinct values names one twice.",
    keywords=("uniqueItems",),
    bad=("tags: [prices]", "tags: [prices, prices]"),
    good="tags: [prices, marketplace]",
    expect="45:7",
)
