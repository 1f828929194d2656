from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB107",
    name="duplicate-list-item",
    summary="A list that must hold distinct values names one twice.",
    keywords=("uniqueItems",),
    why=(
        "A value listed twice is usually a copy-paste where another value was meant (a second tag, another "
        "system), so the one meant is missing; the repeat also shows twice on the page."
    ),
    fix="Remove the repeat, or replace it with the value that was meant.",
    bad=("tags: [jobs]", "tags: [jobs, jobs]"),
    good="tags: [jobs, queue]",
    expect="45:7",
)
