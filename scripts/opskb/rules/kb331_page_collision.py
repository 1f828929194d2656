import os
from collections import Counter
from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.layout import DOCS
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB331",
    name="page-collision",
    level=ERROR,
    summary=(
        "Two pages for one place on the site: a runbook or status mapping id whose page the site already "
        "generates (runbooks/index.md, escalation/card.md...), or a docs/ file where the site generates "
        "a page (escalation/teams.md, browse/tags.md, alerts/NAME.md, a runbook's page)."
    ),
    message="{what} would be {page}, which is {owner}",
    hint="{fix}",
    why=(
        "The site would write one page over the other (runbooks/index.md, escalation/card.md, "
        "escalation/teams.md...): the build stops, or one of the two disappears from the site."
    ),
    fix=(
        "Choose another id and rename the file to match (`git mv`); move a handwritten page in docs/ to a "
        "path the site does not generate (its generated pages are the ones `mkdocs build` lists)."
    ),
    bad=Example(replace={RUNBOOK: [("id: jobs-not-processed", "id: index")]}, expect=f"{RUNBOOK}:1:5", also=("KB208",)),
    good=Example(files={"docs/escalation/contacts.md": "# Contacts\n"}),
)

_RENAME = "choose another id (and file name)"
_MOVE = "move the page to a path the site does not generate, or rename it"


def _docs_files(kb: KnowledgeBase) -> Iterator[str]:
    """Every file under docs/, relative to it (pages and static files alike)."""
    top = kb.root / DOCS
    for folder, subfolders, names in os.walk(top):
        subfolders.sort()
        for name in sorted(names):
            yield os.path.relpath(os.path.join(folder, name), top).replace(os.sep, "/")


def _page_of(rel: str) -> str:
    """The page a docs/ file is served as: ``PAGE.ru.md`` takes PAGE.md's place in a Russian
    build (site/i18n.py), and a static ``PAGE.html`` is written where PAGE.md's page is."""
    from ..site.i18n import translation_of

    found = translation_of(rel)
    if found is not None:
        return found[0]
    return rel[: -len(".html")] + ".md" if rel.endswith(".html") else rel


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    # imported here: the site's page model is not needed to load the rules
    from ..model.addresses import marketplace_uri, runbook_uri
    from ..site.docrefs import Place
    from ..site.pages import Site

    # what the site generates, from the plan the build itself follows
    generated = [page.src_uri for page in Site(kb).plan(keyed=False)]
    entities: dict[str, Entity] = {runbook_uri(r.id): r for r in kb.runbooks.values()}
    entities.update((marketplace_uri(m.id), m) for m in kb.marketplaces.values())
    counts = Counter(generated)
    others = {page for page, count in counts.items() if page not in entities or count > 1}
    handwritten = {}
    for rel in _docs_files(kb):
        handwritten.setdefault(_page_of(rel), rel)
    for page, entity in entities.items():
        if page in others:
            owner = "a page the site generates"
        elif page in handwritten:
            owner = f"the handwritten page {DOCS}/{handwritten[page]}"
        else:
            continue
        what = f"the page of {entity.kind} '{entity.id}'"
        yield Finding(entity, ("id",), {"what": what, "page": page, "owner": owner, "fix": _RENAME})
    for page, rel in handwritten.items():
        if page in others:
            what = f"the handwritten page {DOCS}/{rel}"
            params = {"what": what, "page": page, "owner": "a page the site generates", "fix": _MOVE}
            yield Finding(Place(f"{DOCS}/{rel}", 1, 1), (), params)
