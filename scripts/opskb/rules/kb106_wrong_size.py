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
    why=(
        "The bounds keep a page usable: an empty symptoms list leaves the runbook unfindable by search, an "
        "empty contact list leaves L1 nobody to call, and a number out of range (a zero timeout) makes a "
        "check meaningless."
    ),
    fix=(
        "Fill the list or text to at least the size the message gives, shorten what is too long, or bring the "
        "number into the range the message gives."
    ),
    bad=("symptoms:\n  - dashboard shows jobs waiting\n  - fewer jobs processed than queued", "symptoms: []"),
    good="symptoms: [dashboard shows jobs waiting, fewer jobs processed than queued]",
    expect="8:11",
)
