from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB020",
    name="non-finite-number",
    level=ERROR,
    summary=(
        "A number that is not a finite value (.nan, .inf, or past a double's range such as 1e400): "
        "JSON, the schemas and every comparison treat it differently, or not at all."
    ),
    message="this number is not finite (NaN or infinity)",
    hint="write a plain number within the field's range",
    bad=Example(
        replace={RUNBOOK: [("    on_fail: resend", "    timeout_seconds: .nan\n    on_fail: resend")]},
        expect=f"{RUNBOOK}:32:22",
    ),
    good=Example(replace={RUNBOOK: [("    on_fail: resend", "    timeout_seconds: 2.5\n    on_fail: resend")]}),
)
