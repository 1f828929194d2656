from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule

PAGE = "docs/index.md"

RULE = Rule(
    code="KB222",
    name="unknown-macro-reference",
    level=ERROR,
    summary="A macro call in a docs/ page names an SLA policy, team or runbook that the content does not define.",
    message="{macro}('{id}') names {kind} '{id}', which is not defined",
    hint="use an id that exists (see escalation/ and runbooks/), or change the page when an id is renamed",
    why=(
        "A handwritten page quotes a deadline, team or runbook through a macro so that it stays true when the "
        "data changes; a macro naming an id that does not exist (typically after a rename) shows the reader "
        "nothing where the fact should be."
    ),
    fix=(
        "Use an id that exists in escalation/ or runbooks/ (the hint names the closest one), and update the "
        "pages in the same change that renames an id."
    ),
    bad=Example(files={PAGE: 'Critical: {{ sla_react("critical") }}.\n'}, expect=f"{PAGE}:1:24"),
    good=Example(
        files={PAGE: 'Critical: {{ sla_react("critical-24x7") }}.\n'},
    ),
)

_KIND_NAMES = {"sla": "SLA policy", "team": "team", "runbook": "runbook", "marketplace": "marketplace"}


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..docrefs import MacroCall, macro_calls
    from ..site.macros import MACRO_ARGUMENT_KINDS

    for call in macro_calls(kb.root, frozenset(MACRO_ARGUMENT_KINDS)):
        if not isinstance(call, MacroCall):
            continue
        kind = MACRO_ARGUMENT_KINDS[call.macro]
        if not kb.is_known(kind, call.argument):
            yield Finding(call.place, (), {"macro": call.macro, "id": call.argument, "kind": _KIND_NAMES[kind]})
