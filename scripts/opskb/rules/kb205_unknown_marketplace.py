from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB205",
    name="unknown-marketplace",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="A runbook names a marketplace that has no file in status_mappings/.",
    message="marketplace '{marketplace}' has no file in status_mappings/",
    hint="use a marketplace id from status_mappings/ (or 'all'), or add its mapping file",
    why=(
        "A runbook filed under a marketplace without a mapping file is missing from that marketplace's page, "
        "so L1 looking by marketplace does not find it, and its statuses cannot be explained."
    ),
    fix=(
        "Use a marketplace id from status_mappings/ (or all), or add the marketplace's mapping file (`opskb "
        "new marketplace ID`)."
    ),
    bad=Example(
        replace={RUNBOOK: [("marketplaces: [partner-shop]", "marketplaces: [partner-shop, other-shop]")]},
        expect=f"{RUNBOOK}:6:30",
    ),
    good=Example(replace={RUNBOOK: [("marketplaces: [partner-shop]", "marketplaces: all")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        markets = runbook.data.get("marketplaces", [])
        if markets == "all":
            continue
        for index, market in enumerate(markets):
            if not kb.is_known("marketplace", market):
                yield Finding(runbook, ("marketplaces", index), {"marketplace": market}, refers=("marketplace", market))
