"""What the schema rules (KB1xx) share: the schema phase writes their message, the field's
description in schemas/ is their hint."""

from ..problems import ERROR
from ..registry import Example, Rule
from ._tree import RUNBOOK


def schema_rule(
    code: str, name: str, summary: str, keywords: tuple[str, ...], bad: tuple[str, str], good: str, expect: str
) -> Rule:
    """A KB1xx rule whose examples replace one snippet of the example runbook."""
    old, new = bad
    return Rule(
        code=code,
        name=name,
        level=ERROR,
        summary=summary,
        message="{detail}",
        keywords=keywords,
        hint="see the field's description in schemas/ (your editor shows it)",
        bad=Example(replace={RUNBOOK: [(old, new)]}, expect=f"{RUNBOOK}:{expect}"),
        good=Example(replace={RUNBOOK: [(old, good)]}),
    )
