from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR

PAGE = "docs/index.md"

RULE = Rule(
    code="KB223",
    name="docs-page-not-a-template",
    level=ERROR,
    summary="A docs/ page that Jinja2 cannot read: mkdocs-macros renders every page as a template.",
    message="the page is not a valid Jinja2 template: {reason}",
    hint=(
        "close every expression and block that the line opens; to show double braces as text, "
        "put them in a raw block (raw ... endraw)"
    ),
    why=(
        "mkdocs-macros renders every page in docs/ as a Jinja2 template: one unclosed expression fails the "
        "whole site build, and the published site stays without the change."
    ),
    fix=(
        "Close every expression and block the line opens; to show double braces as text, wrap them in a raw "
        "block (raw ... endraw) or write them as quoted strings inside an expression."
    ),
    bad=Example(files={PAGE: "Intro.\n\nCritical: {{ sla_react(\n"}, expect=f"{PAGE}:3:1"),
    good=Example(files={PAGE: 'Intro.\n\nBraces as text: {{ "{{" }} x {{ "}}" }}.\n'}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..site.docrefs import PageError, macro_calls
    from ..site.macros import MACROS

    for found in macro_calls(kb.root, frozenset(MACROS)):
        if isinstance(found, PageError):
            yield Finding(found.place, (), {"reason": found.reason})
