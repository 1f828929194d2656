"""`opskb find`: ranked runbooks by alert, symptom (EN/RU, stemmed) or marketplace status."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from opskb.gate.checker import check_tree
from opskb.search import search

SECOND = """\
id: stock-pages-missing
title: Marketplace received fewer stock pages than sent
kind: incident
severity: high
systems: [price-feed]
marketplaces: [ozon]
alerts: [StockPagesShort]
symptoms:
  - товар в наличии показывается как нет в наличии
  - остатки не обновились на маркетплейсе
impact: Items in stock look sold out.
route: pricing
first_response:
  - Compare pages sent and received.
steps:
  - id: compare
    title: Compare pages
    do: Open the exporter dashboard.
review:
  owner: pricing-owner
  last_reviewed: "2026-11-01"
  interval_days: 90
"""

STATUSES = """\
id: status-mismatch
title: Order status differs between the marketplace and our system
kind: incident
severity: medium
systems: [pricing]
marketplaces: [ozon]
symptoms:
  - buyer sees the order being assembled, our status says in delivery
  - статус заказа не совпадает
impact: Buyers call support.
route: pricing
first_response:
  - Compare the statuses.
steps:
  - id: compare
    title: Compare statuses
    do: Look up the order in both systems.
review:
  owner: pricing-owner
  last_reviewed: "2026-11-01"
  interval_days: 90
"""


@pytest.fixture
def kb_tree(tree: Path) -> Path:
    (tree / "runbooks" / "stock-pages-missing.yaml").write_text(SECOND, encoding="utf-8")
    (tree / "runbooks" / "status-mismatch.yaml").write_text(STATUSES, encoding="utf-8")
    _, problems = check_tree(tree)
    assert not [p for p in problems if p.level == "error"], problems
    return tree


def _ids(cli, root: Path, *query: str) -> list[str]:
    result = cli("find", *query, "--root", root, "--format", "json")
    assert result.code == 0, result.err
    return [hit["id"] for hit in json.loads(result.out)["runbooks"]]


def test_alert_name_finds_its_runbook_first(cli, kb_tree: Path) -> None:
    assert _ids(cli, kb_tree, "MarketplacePricesAcceptedBelowSent")[0] == "prices-not-applied"
    assert _ids(cli, kb_tree, "StockPagesShort")[0] == "stock-pages-missing"


def test_english_symptom_words_in_other_forms(cli, kb_tree: Path) -> None:
    # "price" / "accepting" match "prices" / "accepted" through the English stemmer.
    assert _ids(cli, kb_tree, "price", "not", "accepting")[0] == "prices-not-applied"


def test_russian_symptom_words_in_other_forms(cli, kb_tree: Path) -> None:
    # "остаток не обновляется" vs "остатки не обновились": the Russian stemmer joins them.
    assert _ids(cli, kb_tree, "остаток не обновляется")[0] == "stock-pages-missing"
    assert _ids(cli, kb_tree, "Статусы заказов")[0] == "status-mismatch"


def test_marketplace_status_code_and_buyer_label(cli, kb_tree: Path) -> None:
    result = cli("find", "awaiting_packaging", "--root", kb_tree, "--format", "json")
    data = json.loads(result.out)
    assert data["runbooks"][0]["id"] == "status-mismatch"
    assert data["statuses"][0]["code"] == "awaiting_packaging"
    assert data["statuses"][0]["maps_to"] == "new"
    label = json.loads(cli("find", "Ожидает сборки", "--root", kb_tree, "--format", "json").out)
    assert label["statuses"][0]["code"] == "awaiting_packaging"
    assert label["runbooks"][0]["id"] == "status-mismatch"


def test_text_output_follows_the_ranking_for_a_status_code(cli, kb_tree: Path) -> None:
    """A status code ranks its mapping first (as the site does), so the text leads with it;
    symptom words lead with the runbooks."""
    status = cli("find", "awaiting_packaging", "--root", kb_tree).out.splitlines()
    assert status[0] == "marketplace statuses named:"
    assert "awaiting_packaging" in status[1]
    assert any(line.startswith("1. status-mismatch") for line in status)
    words = cli("find", "prices", "--root", kb_tree).out.splitlines()
    assert words[0].startswith("1. ")


def test_text_output_shows_owner_and_contacts(cli, kb_tree: Path) -> None:
    result = cli("find", "prices", "--root", kb_tree)
    first = result.out.splitlines()[0:2]
    assert first[0].startswith("1. prices-not-applied  [critical]")
    assert "owner: Pricing owner (#pricing, pricing@example.org)" in first[1]


def test_nothing_found_exits_1(cli, kb_tree: Path) -> None:
    result = cli("find", "zzzqqq", "--root", kb_tree)
    assert result.code == 1
    assert "nothing found" in result.out


def test_index_is_cached_and_rebuilt_when_content_changes(kb_tree: Path) -> None:
    index, rebuilt = search.load_or_build(kb_tree, _loader)
    assert rebuilt and (kb_tree / ".cache" / "opskb" / "find-index.marshal").is_file()
    _, rebuilt = search.load_or_build(kb_tree, _fail_loader)
    assert not rebuilt  # the second query never parses YAML
    path = kb_tree / "runbooks" / "stock-pages-missing.yaml"
    path.write_text(SECOND.replace("StockPagesShort", "StockPagesLost"), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    index, rebuilt = search.load_or_build(kb_tree, _loader)
    assert rebuilt
    assert search.search(index, "StockPagesLost").runbooks[0].doc["id"] == "stock-pages-missing"


def test_new_file_invalidates_the_cache(cli, kb_tree: Path) -> None:
    assert "stock-gone" not in _ids(cli, kb_tree, "StockPagesGone")
    (kb_tree / "runbooks" / "stock-gone.yaml").write_text(
        SECOND.replace("stock-pages-missing", "stock-gone").replace("StockPagesShort", "StockPagesGone"),
        encoding="utf-8",
    )
    assert _ids(cli, kb_tree, "StockPagesGone")[0] == "stock-gone"


def test_corrupt_cache_is_rebuilt(cli, kb_tree: Path) -> None:
    cli("find", "prices", "--root", kb_tree)
    (kb_tree / ".cache" / "opskb" / "find-index.marshal").write_bytes(b"\x00garbage")
    assert _ids(cli, kb_tree, "prices")[0] == "prices-not-applied"


def test_broken_file_warns_but_still_finds(cli, kb_tree: Path) -> None:
    (kb_tree / "runbooks" / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    result = cli("find", "MarketplacePricesAcceptedBelowSent", "--root", kb_tree)
    assert result.code == 0
    assert "warning" in result.err
    assert "prices-not-applied" in result.out


def test_usage_errors(cli, tmp_path: Path) -> None:
    result = cli("find", "x", "--root", tmp_path)
    assert result.code == 2 and "no runbooks/" in result.err


def _loader(root: Path):
    kb, problems = check_tree(root)
    return kb, sum(p.level == "error" for p in problems)


def _fail_loader(root: Path):
    raise AssertionError("the cached index should have been used")


def test_repository_content_alert_names_find_their_runbook(cli) -> None:
    kb, _ = check_tree(REPO)
    if not kb.runbooks:
        pytest.skip("the repository has no runbooks yet")
    index, _ = search.load_or_build(REPO, _loader)
    for runbook in kb.runbooks.values():
        for alert in runbook.data.get("alerts", []):
            hits = search.search(index, alert).runbooks
            owners = [hit.doc["id"] for hit in hits if alert in hit.doc["alerts"]]
            assert hits[0].doc["id"] in owners, (alert, [h.doc["id"] for h in hits])


def test_repository_content_russian_and_status_queries() -> None:
    kb, _ = check_tree(REPO)
    if "no-orders-from-marketplace" not in kb.runbooks or "ozon" not in kb.marketplaces:
        pytest.skip("the sample runbooks are not in the repository yet")
    index, _ = search.load_or_build(REPO, _loader)
    assert search.search(index, "нет заказов с маркетплейса").runbooks[0].doc["id"] == "no-orders-from-marketplace"
    status_hits = search.search(index, "awaiting_packaging")
    assert status_hits.statuses[0]["marketplace"] == "ozon"
    assert "status" in status_hits.runbooks[0].doc["id"]


def test_a_schema_edit_invalidates_the_cache(cli, kb_tree: Path) -> None:
    """A content root's own schemas are part of the cache key: a schema change that turns a
    runbook invalid takes it out of the results at once, though no YAML file changed."""
    shutil.copytree(REPO / "schemas", kb_tree / "schemas")
    assert _ids(cli, kb_tree, "MarketplacePricesAcceptedBelowSent")[0] == "prices-not-applied"
    schema = kb_tree / "schemas" / "common.schema.json"  # where severity is defined
    text = schema.read_text(encoding="utf-8")
    assert '"critical"' in text
    schema.write_text(text.replace('"critical"', '"urgent"'), encoding="utf-8")
    result = cli("find", "MarketplacePricesAcceptedBelowSent", "--root", kb_tree, "--format", "json")
    assert "prices-not-applied" not in [hit["id"] for hit in json.loads(result.out or '{"runbooks": []}')["runbooks"]]
    assert "error" in result.err


def test_a_typo_finds_the_word_it_misspells_and_never_outranks_an_exact_match(cli, kb_tree: Path) -> None:
    # "stack" is one letter from "stock": typed exactly, the runbook that says "stack" (in
    # its body only) comes before every runbook that says "stock" (in their titles).
    path = kb_tree / "runbooks" / "status-mismatch.yaml"
    path.write_text(STATUSES.replace("Look up the order in both systems.", "Check the stack trace."), encoding="utf-8")
    assert _ids(cli, kb_tree, "stack")[0] == "status-mismatch"
    assert _ids(cli, kb_tree, "stokc pages")[0] == "stock-pages-missing"  # a transposition


def test_the_content_owns_its_synonyms(cli, kb_tree: Path) -> None:
    """docs/synonyms.yaml feeds the index; editing it rebuilds the cached index."""
    assert "stock-pages-missing" not in _ids_or_none(cli, kb_tree, "нехватка")
    (kb_tree / "docs").mkdir(exist_ok=True)
    synonyms = kb_tree / "docs" / "synonyms.yaml"
    synonyms.write_text("groups:\n  - id: stock\n    terms: [stock, нехватка, остатки]\n", encoding="utf-8")
    assert _ids(cli, kb_tree, "нехватка страниц")[0] == "stock-pages-missing"


def test_a_broken_synonym_list_is_a_located_content_error(cli, kb_tree: Path) -> None:
    (kb_tree / "docs").mkdir(exist_ok=True)
    (kb_tree / "docs" / "synonyms.yaml").write_text("groups:\n  - id: stock\n    terms: [stock]\n", encoding="utf-8")
    result = cli("check", kb_tree)
    assert result.code == 1
    assert "docs/synonyms.yaml:3:12: KB106" in result.out


def _ids_or_none(cli, root: Path, *query: str) -> list[str]:
    result = cli("find", *query, "--root", root, "--format", "json")
    return [hit["id"] for hit in json.loads(result.out)["runbooks"]] if result.code == 0 else []


def test_a_word_typed_with_a_combining_mark_is_the_same_word(cli) -> None:
    """ "й" may arrive as и + U+0306 (pasted from some editors): the same query."""
    composed_query, decomposed_query = "сайт тормозит", "сай\u0306т тормозит"
    result = cli("find", decomposed_query, "--root", REPO, "--format", "json")
    expected = cli("find", composed_query, "--root", REPO, "--format", "json")
    assert json.loads(result.out)["results"] == json.loads(expected.out)["results"]
