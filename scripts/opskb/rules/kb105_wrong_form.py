from ._schema_rule import schema_rule

RULE = schema_rule(
    code="KB105",
    name="wrong-form",
    summary="A value does not have the required form (id, date, duration, phone...).",
    keywords=("pattern", "format"),
    bad=("cadence: 1h", "cadence: hourly"),
    good="cadence: 60m",
    expect="39:12",
)
