import difflib
from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR

PAGE = "docs/index.md"
# the rule speaks for sites that render pages with opskb's macros alone, strictly
MKDOCS = """site_name: Example
plugins:
  - opskb
  - macros:
      modules: [opskb.site.macros]
      on_undefined: strict
"""

RULE = Rule(
    code="KB225",
    name="unknown-name-in-page",
    level=ERROR,
    summary=(
        "A docs/ page reads a name or applies a filter that nothing defines: not opskb's macros and figures, "
        "not mkdocs-macros' own, not mkdocs.yml's extra, not the page's front matter."
    ),
    message="the page reads {kind} '{name}', which is not defined",
    hint="{closest}",
    why=(
        "The site renders pages with `on_undefined: strict`, so an unknown name such as a misspelt figure "
        "fails the whole site build instead of being published empty, and the published site stays without "
        "the change. The gate says so first, at the name."
    ),
    fix=(
        "Correct the name (the hint names the closest ones), define it under `extra:` in mkdocs.yml or in the "
        "page's front matter, or show the braces as text in a raw block. Sites whose mkdocs-macros settings "
        "add names of their own (a module, include_yaml, main.py) are not checked by this rule."
    ),
    bad=Example(files={"mkdocs.yml": MKDOCS, PAGE: "Runbooks: {{ runbook_cuont }}.\n"}, expect=f"{PAGE}:1:14"),
    good=Example(
        files={"mkdocs.yml": MKDOCS, PAGE: "Runbooks: {{ runbook_count }}, built {{ now().year | string }}.\n"}
    ),
)

_CLOSEST = 3


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..model.addresses import mkdocs_config
    from ..site.docrefs import PageName, page_names
    from ..site.macros import page_namespace

    namespace = page_namespace(kb, mkdocs_config(kb.root / "mkdocs.yml"))
    if namespace is None:
        return
    for found in page_names(kb.root):
        if not isinstance(found, PageName):
            continue  # KB223's
        known = namespace.filters if found.is_filter else namespace.names | found.page_variables
        if found.name in known:
            continue
        closest = difflib.get_close_matches(found.name, sorted(known), n=_CLOSEST)
        hint = f"did you mean {' or '.join(closest)}?" if closest else "define it under extra: in mkdocs.yml"
        kind = "the filter" if found.is_filter else "the name"
        yield Finding(found.place, (), {"kind": kind, "name": found.name, "closest": hint})
