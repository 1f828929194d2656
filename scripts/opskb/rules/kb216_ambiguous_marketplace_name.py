"""KB216: two marketplaces answer to the same name in an order export.

What it does: compares every marketplace's id, name and aliases as `opskb status reconcile`
reads them (case, ё/е, spaces and punctuation aside) and reports a name that two
marketplaces claim.

Why: an export writes the marketplace as people call it (`PartnerShop`, `Partner shop`). A name
two marketplaces share would have the rows of one judged against the other's mapping.

Fix: drop or reword the alias on one of them.
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import STATUS_MAPPINGS
from ..model.problems import ERROR
from ..statuses.exports import normal

_OTHER = """id: partner-shop-global
name: Partner Shop Global
kind: marketplace
aliases: [{alias}]
source:
  api: Partner API, order status
  read_on: "2025-06-01"
key:
  fields: [status]
statuses:
  - code: delivered
    maps_to: delivered
    match: exact
    terminal: true
"""

RULE = Rule(
    code="KB216",
    name="ambiguous-marketplace-name",
    level=ERROR,
    about=STATUS_MAPPINGS,
    summary="Two marketplaces answer to the same id, name or alias, so reconcile could not tell their rows apart.",
    message="'{alias}' also names marketplace '{other}' ({other_file})",
    hint="keep each name for one marketplace: drop or reword this alias",
    why=(
        "`opskb status reconcile` tells the marketplaces of an order export apart by id, name and alias: a "
        "name two marketplaces share makes their rows indistinguishable, so orders would be judged by the "
        "wrong status mapping."
    ),
    fix=(
        "Keep each name and alias for one marketplace: drop or reword the alias in this file (Partner Global "
        "rather than PARTNER SHOP)."
    ),
    bad=Example(
        files={"status_mappings/partner-shop-global.yaml": _OTHER.format(alias="PARTNER SHOP")},
        expect="status_mappings/partner-shop-global.yaml:4:11",
    ),
    good=Example(files={"status_mappings/partner-shop-global.yaml": _OTHER.format(alias="Partner Global")}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    owners: dict[str, str] = {}
    markets = sorted(kb.marketplaces.values(), key=lambda m: m.file)
    # ids and names first: an alias that repeats another marketplace's name is the mistake
    claims = [(m, (field,), m.data[field]) for field in ("id", "name") for m in markets]
    claims += [(m, ("aliases", i), alias) for m in markets for i, alias in enumerate(m.data.get("aliases", []))]
    for market, where, value in claims:
        owner = owners.setdefault(normal(value), market.id)
        if owner != market.id:
            params = {"alias": value, "other": owner, "other_file": kb.marketplaces[owner].file}
            yield Finding(market, where, params)
