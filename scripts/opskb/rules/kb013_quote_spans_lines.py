"""KB013: a quoted value runs over several lines (a closing quote is probably missing)."""

from __future__ import annotations

from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB013",
    name="quote-spans-lines",
    level=ERROR,
    summary=(
        "A quoted value runs on over several lines. YAML allows it, but in content it is a quote "
        "left open: the lines up to the next quote become part of the text, and the fields on "
        "them silently disappear."
    ),
    message="this quoted value runs on to line {end}: a closing quote is probably missing",
    hint="close the quote on the line where it opens; write long text as a block scalar (key: >-)",
    why=(
        "An unclosed quote swallows the lines after it up to the next quote: the fields on those lines vanish "
        "into one long string and the file still parses, so a step or a contact disappears without any syntax "
        "error."
    ),
    fix=(
        "Close the quote on the line where it opens; write long text as a block scalar (`key: >-`, the text "
        "indented on the lines below), which needs no quotes."
    ),
    detected_by=("opskb.model.yamldoc.scan_events",),
    bad=Example(
        replace={RUNBOOK: [('{queued} processed."', "{queued} processed.")]},
        expect=f"{RUNBOOK}:40:13",
    ),
    good=Example(replace={RUNBOOK: [('  template: "Jobs since', '  template: >-\n    "Jobs since')]}),
)
