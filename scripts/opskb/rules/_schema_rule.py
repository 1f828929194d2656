"""What the schema rules (KB1xx) share: the schema phase writes their message, the field's
description in schemas/ is their hint, and ``opskb.model.schemas._explain`` reports them (by
the JSON Schema keyword each rule lists in ``keywords``; the loader never sees a code)."""

from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

# Where a jsonschema error becomes a located message with its keyword.
EXPLAIN = "opskb.model.schemas._explain"


def schema_rule(
    code: str,
    name: str,
    summary: str,
    keywords: tuple[str, ...],
    why: str,
    fix: str,
    bad: tuple[str, str],
    good: str,
    expect: str,
    detected_by: tuple[str, ...] = (EXPLAIN,),
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
        why=why,
        fix=fix,
        detected_by=detected_by,
        bad=Example(replace={RUNBOOK: [(old, new)]}, expect=f"{RUNBOOK}:{expect}"),
        good=Example(replace={RUNBOOK: [(old, good)]}),
    )
