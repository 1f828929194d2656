from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB105",
    name="wrong-form",
    summary="A value does not have the required form (id, date, duration, phone...).",
    keywords=("pattern", "format"),
    why=(
        "Ids, dates, durations and phone numbers are parsed, not just shown: with a cadence 'hourly' nobody is "
        "told when the next update to the business is due, a date 2026-02-31 gives no review date, and an id "
        "with capitals or spaces a broken link."
    ),
    fix=(
        "Write the value in the form the field's description gives: durations as 30m, 1h or 2d, dates as "
        '"YYYY-MM-DD" on a real day, ids in lower case with dashes.'
    ),
    bad=("cadence: 1h", "cadence: hourly"),
    good="cadence: 60m",
    expect="39:12",
)
