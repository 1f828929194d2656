from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule
from ._tree import RUNBOOK

_TIMEOUT_AFTER = "    query: SELECT sent, accepted FROM price_feed_last_run\n"

RULE = Rule(
    code="KB321",
    name="timeout-not-a-number",
    level=ERROR,
    summary=(
        "A check's timeout_seconds is .nan: it compares false with the schema's 1 and 120, "
        "so the schema lets it through, yet no server timeout can be made of it."
    ),
    message="timeout_seconds of check '{check}' is not a number (.nan)",
    hint="give a number from 1 to 120, or leave timeout_seconds out for the default",
    bad=Example(
        replace={RUNBOOK: [(_TIMEOUT_AFTER, _TIMEOUT_AFTER + "    timeout_seconds: .nan\n")]},
        expect=f"{RUNBOOK}:31:22",
    ),
    good=Example(replace={RUNBOOK: [(_TIMEOUT_AFTER, _TIMEOUT_AFTER + "    timeout_seconds: 2.5\n")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        for index, entry in enumerate(runbook.data.get("checks") or []):
            value = entry.get("timeout_seconds") if isinstance(entry, dict) else None
            if isinstance(value, float) and value != value:  # NaN; infinities fail the schema's bounds
                yield Finding(
                    runbook, ("checks", index, "timeout_seconds"), {"check": entry.get("id", index), "value": value}
                )
