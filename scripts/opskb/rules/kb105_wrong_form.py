from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB105",
    name="wrong-form",
    summary="A value does not have the required form (id, date, duration, phone...).",
    keywords=("pattern", "format"),
    why=(
        "Ids, dates, durations and phone numbers are parsed: a cadence 'hourly' gives no update clock, a date "
        "2026-02-31 no review due date, an id with capitals or spaces a broken link."
    ),
    fix=(
        "Write the value in the form the field's description gives: durations as 30m, 1h or 2d, dates as "
        '"YYYY-MM-DD" on a real day, ids in lower case with dashes.'
    ),
    bad=("cadence: 1h", "cadence: hourly"),
    good="cadence: 60m",
    expect="39:12",
)
