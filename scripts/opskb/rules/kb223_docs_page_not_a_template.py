from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule

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
    bad=Example(files={PAGE: "Intro.\n\nCritical: {{ sla_react(\n"}, expect=f"{PAGE}:3:1"),
    good=Example(files={PAGE: 'Intro.\n\nBraces as text: {{ "{{" }} x {{ "}}" }}.\n'}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..docrefs import PageError, macro_calls
    from ..site.macros import MACRO_ARGUMENT_KINDS

    for found in macro_calls(kb.root, frozenset(MACRO_ARGUMENT_KINDS)):
        if isinstance(found, PageError):
            yield Finding(found.place, (), {"reason": found.reason})
