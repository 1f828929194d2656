from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR

PAGE = "docs/index.md"

RULE = Rule(
    code="KB222",
    name="unknown-macro-reference",
    level=ERROR,
    summary=(
        "A macro call in a docs/ page names an SLA policy, team, runbook, status mapping, clock, priority or "
        "language that the content (or the site) does not have."
    ),
    message="{macro}('{id}') names {kind} '{id}', which is not defined",
    hint="use one of: {known} (or change the page in the change that renames an id)",
    why=(
        "A handwritten page quotes a deadline, team or runbook through a macro so that it stays true when the "
        "data changes; a macro naming an id that does not exist (typically after a rename) fails the site "
        "build, and the published site stays without the change."
    ),
    fix=(
        "Use an id that exists in escalation/ or runbooks/ (the hint names the closest one), and update the "
        "pages in the same change that renames an id. What each macro takes is in its signature "
        "(scripts/opskb/site/macros.py)."
    ),
    bad=Example(files={PAGE: 'Critical: {{ sla_react("critical") }}.\n'}, expect=f"{PAGE}:1:24"),
    good=Example(
        files={PAGE: 'Critical: {{ sla_react("critical-24x7") }}, {{ policies_on("24x7", language="ru") }}.\n'},
    ),
)

_SHOWN = 12


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..site.docrefs import MacroCall, macro_calls
    from ..site.macros import MACROS, bind, names_of

    for call in macro_calls(kb.root, frozenset(MACROS)):
        if not isinstance(call, MacroCall) or call.spread:
            continue
        try:
            bound = bind(call)
        except TypeError:
            continue  # KB224: the call does not fit the macro
        for parameter, argument in bound:
            names, _ = names_of(parameter)
            value = argument.value
            if names is None or not isinstance(value, str) or names.accepts(kb, value):
                continue
            known = names.known(kb)
            shown = ", ".join(known[:_SHOWN]) + (", ..." if len(known) > _SHOWN else "")
            params = {"macro": call.macro, "id": value, "kind": names.noun, "known": shown or "none"}
            refers = (names.kind, value) if names.kind is not None else None
            yield Finding(argument.place, (), params, refers=refers)
