from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB108",
    name="non-finite-number",
    level=ERROR,
    summary=(
        "A number that is not finite (.nan, .inf, or past a double's range such as 1e400): JSON cannot "
        "hold it, and NaN passes every bound of a schema because every comparison with it is false."
    ),
    message="this number is not finite (NaN or infinity)",
    hint="write a plain number within the field's range",
    # reported by the schema phase, before any other keyword of the file
    keywords=("finite",),
    why=(
        "NaN and infinity cannot be written as JSON (the search index, exports) and NaN slips past every "
        "minimum and maximum of the schema, so a timeout of .nan would let a check wait forever."
    ),
    fix="Write a plain finite number within the field's range (2.5, not .nan, .inf or 1e400).",
    detected_by=("opskb.model.schemas.SchemaSet.errors",),
    bad=Example(
        replace={RUNBOOK: [("    on_fail: requeue", "    timeout_seconds: .nan\n    on_fail: requeue")]},
        expect=f"{RUNBOOK}:32:22",
    ),
    good=Example(replace={RUNBOOK: [("    on_fail: requeue", "    timeout_seconds: 2.5\n    on_fail: requeue")]}),
)
