from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR

PAGE = "docs/index.md"

RULE = Rule(
    code="KB224",
    name="macro-call-mismatch",
    level=ERROR,
    summary=(
        "A macro call in a docs/ page that does not fit the macro: too many or too few arguments, an unknown "
        "keyword, a value that is not text, or a figure such as runbook_count called like a macro."
    ),
    message="{call}: {reason}",
    hint="{usage}",
    why=(
        "mkdocs-macros calls the macro as the page writes it: an argument too many, a misspelt keyword or "
        "parentheses after a figure fail the whole site build, and the published site stays without the change."
    ),
    fix=(
        "Call the macro as its signature says: the hint of each problem shows the macro's parameters and what "
        "each takes (the macros are the methods of opskb.site.macros.Macros); write a figure such as "
        "runbook_count without parentheses."
    ),
    bad=Example(files={PAGE: 'Critical: {{ sla_react("critical-24x7", "extra") }}.\n'}, expect=f"{PAGE}:1:14"),
    good=Example(files={PAGE: 'Critical: {{ sla_react(policy_id="critical-24x7") }}, {{ runbook_count }} runbooks.\n'}),
)


def _findings(kb: KnowledgeBase) -> Iterator[tuple[object, dict[str, str]]]:
    from ..site.docrefs import COMPUTED, MacroCall, macro_calls
    from ..site.macros import MACROS, bind, names_of, variables
    from ..site.macros import usage as macro_usage

    figures = variables(kb)
    for call in macro_calls(kb.root, frozenset((*MACROS, *figures))):
        if not isinstance(call, MacroCall):
            continue
        if call.macro in figures:
            usage = f"write {{{{ {call.macro} }}}}: it is the number {figures[call.macro]}, not a macro"
            yield call.place, {"call": f"{call.macro}()", "reason": "a figure cannot be called", "usage": usage}
            continue
        usage = f"the macro is {macro_usage(call.macro)}"
        if call.spread:
            continue  # what *args passes is known only in the build
        try:
            bound = bind(call)
        except TypeError as err:
            yield call.place, {"call": f"{call.macro}(...)", "reason": str(err), "usage": usage}
            continue
        for parameter, argument in bound:
            names, optional = names_of(parameter)
            value = argument.value
            if names is None or value is COMPUTED or isinstance(value, str) or (value is None and optional):
                continue
            reason = f"{parameter.name} must be text, not {value!r}"
            yield argument.place, {"call": f"{call.macro}(...)", "reason": reason, "usage": usage}


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for place, params in _findings(kb):
        yield Finding(place, (), params)  # type: ignore[arg-type]
