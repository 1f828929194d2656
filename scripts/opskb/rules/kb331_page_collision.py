from collections.abc import Iterator

from ..kb import Entity, KnowledgeBase
from ..layout import DOCS
from ..problems import ERROR
from ..registry import Example, Finding, Rule
from ._tree import RUNBOOK

RULE = Rule(
    code="KB331",
    name="page-collision",
    level=ERROR,
    summary=(
        "A runbook or marketplace id whose site page would take the place of a page the site "
        "generates (runbooks/index.md, marketplaces/internal.md...) or of a handwritten page in docs/."
    ),
    message="the page of {kind} '{id}' would be {page}, which is {owner}",
    hint="choose another id (and file name)",
    why=(
        "The site would write this runbook's or marketplace's page over a page it generates or a handwritten "
        "one (runbooks/index.md, marketplaces/internal.md...): one of the two disappears from the site."
    ),
    fix="Choose another id and rename the file to match (`git mv`).",
    bad=Example(replace={RUNBOOK: [("id: prices-not-applied", "id: index")]}, expect=f"{RUNBOOK}:1:5", also=("KB208",)),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    # imported here: the site's page model is not needed to load the rules
    from ..site.pages import FIXED_PAGES, marketplace_uri, runbook_uri

    fixed = set(FIXED_PAGES)
    entities: list[tuple[Entity, str]] = [(r, runbook_uri(r.id)) for r in kb.runbooks.values()]
    entities += [(m, marketplace_uri(m.id)) for m in kb.marketplaces.values()]
    for entity, page in entities:
        if page in fixed:
            owner = "a page the site generates"
        elif (kb.root / DOCS / page).exists():
            owner = f"the handwritten page {DOCS}/{page}"
        else:
            continue
        yield Finding(entity, ("id",), {"kind": entity.kind, "id": entity.id, "page": page, "owner": owner})
