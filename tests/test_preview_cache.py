"""What `mkdocs serve` reuses between rebuilds (build/preview.py) never shows a stale page.

After each kind of edit, a rebuild through one BuildCache must give exactly the pages and
the search index that a fresh build of the same files gives: the edited runbook, a
runbook that another links to, a team every page shows, the synonyms, a runbook added,
removed or renamed, an override template. How many pages a rebuild renders again is
asserted too: reuse that never happens would pass the first check and be worthless.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import time
import weakref
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from opskb.build.preview import BuildCache, IdleCollector, ThemeListing
from opskb.gate.checker import check_tree
from opskb.model.addresses import page_url
from opskb.search import searchindex
from opskb.search.searchindex import build_index
from opskb.site.pages import INDEX_FIELDS, Site, reference_of
from site_helpers import copy_minimal, repository_content

NONCE = "0123456789abcdef"
TODAY = date(2026, 3, 2)
RUNBOOK = "runbooks/prices-not-applied.yaml"


def _tree(tmp_path: Path) -> Path:
    root = copy_minimal(tmp_path / "content")
    text = (root / RUNBOOK).read_text(encoding="utf-8")
    for number in range(3):
        ident = f"copy-{number}"
        copy = text.replace("id: prices-not-applied", f"id: {ident}").replace(
            "title: Prices not applied on a marketplace", f"title: Copy {number} of the price runbook"
        )
        copy = copy.replace("alerts: [MarketplacePricesAcceptedBelowSent]", f"alerts: [CopyAlert{number}]")
        if number == 0:  # copy-0 links to the original: its page shows the original's title
            copy = copy.replace("route: pricing\n", "route: pricing\nrelated: [prices-not-applied]\n")
        if number == 1:  # about order statuses: search points the marketplace's statuses at it
            copy = copy.replace("tags: [prices]", "tags: [prices, order-status]")
        (root / f"runbooks/{ident}.yaml").write_text(copy, encoding="utf-8")
    return root


def _age(root: Path) -> None:
    """Files written in this test look old to the cache (see LoadCache: racy entries)."""
    old = 1_600_000_000
    for path in root.rglob("*"):
        os.utime(path, (old, old))


def _build(root: Path, cache: BuildCache | None, overrides: list[Path] | None = None) -> tuple[dict, tuple]:
    kb, problems = check_tree(root, cache=cache.loads if cache else None)
    assert not [p for p in problems if p.level == "error"], [p.as_text() for p in problems]
    renderer = cache.renderer(NONCE, "en", overrides or []) if cache else None
    rows = cache.rows if cache else None
    site = Site(kb, today=TODAY, nonce=NONCE, renderer=renderer, override_dirs=overrides, row_memo=rows)
    planned = site.planned(cache.pages if cache else None)
    pages = {p.src_uri: (p.content, p.blocks, p.sections) for p in (plan.get() for plan in planned)}
    # as the plugin does: search is given the reference pages the site made
    url_of = functools.partial(page_url, use_directory_urls=False)
    index = build_index(kb, root / "docs", url_of, cache.index if cache else None, reference=reference_of(planned))
    return pages, (index.manifest, index.chunks, index.meta, index.cli)


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _title(root: Path) -> None:
    _edit(root, RUNBOOK, "title: Prices not applied on a marketplace", "title: Prices stuck on a marketplace")


def _step(root: Path) -> None:
    _edit(root, "runbooks/copy-1.yaml", "Open the price feed dashboard in Grafana.", "Open the feed board.")


def _team(root: Path) -> None:
    _edit(root, "escalation/teams.yaml", "name: Pricing owner", "name: Pricing product owner")


def _alert(root: Path) -> None:
    _edit(root, "runbooks/copy-2.yaml", "alerts: [CopyAlert2]", "alerts: [CopyAlert2, CopyAlert1]")


def _marketplace(root: Path) -> None:
    """A runbook no longer about the marketplace: the marketplace's page stops listing it."""
    _edit(root, "runbooks/copy-1.yaml", "marketplaces: [ozon]\n", "")


def _add(root: Path) -> None:
    text = (root / "runbooks/copy-2.yaml").read_text(encoding="utf-8")
    (root / "runbooks/copy-9.yaml").write_text(
        text.replace("id: copy-2", "id: copy-9").replace("title: Copy 2", "title: Copy 9"), encoding="utf-8"
    )


def _remove(root: Path) -> None:
    (root / "runbooks/copy-2.yaml").unlink()


def _synonyms(root: Path) -> None:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/synonyms.yaml").write_text(
        "groups:\n  - id: price\n    terms: [price, tariff, цена]\n", encoding="utf-8"
    )


def _handwritten(root: Path) -> None:
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs/guide.md").write_text("# Guide\n\n## Night shift\n\nCall the pricing owner.\n", "utf-8")


def _same_size_edit(root: Path) -> None:
    """An edit that keeps the size and the modification time (an editor that restores
    it, or a second save within the clock's granularity): the weak spot of a stat cache."""
    path = root / RUNBOOK
    stamp = path.stat().st_mtime_ns
    _edit(root, RUNBOOK, "severity: critical", "severity: high    ")
    os.utime(path, ns=(stamp, stamp))


EDITS: dict[str, Callable[[Path], None]] = {
    "title": _title,
    "step": _step,
    "team": _team,
    "alert": _alert,
    "marketplace": _marketplace,
    "add": _add,
    "remove": _remove,
    "synonyms": _synonyms,
    "handwritten page": _handwritten,
    "same size": _same_size_edit,
}
# Pages a rebuild renders again at most: a runbook edit re-renders its own page, the
# pages that show it and, when it changes what they show (INDEX_FIELDS), the indexes,
# not every runbook nor the fixed pages that show none (teams, rules); a team edit
# re-renders all.
AT_MOST = {"title": 9, "step": 2, "alert": 9, "add": 8, "remove": 6, "same size": 9}


@pytest.mark.parametrize("name", EDITS)
def test_a_rebuild_gives_what_a_fresh_build_gives(tmp_path: Path, name: str) -> None:
    root = _tree(tmp_path)
    _age(root)
    cache = BuildCache()
    before, index_before = _build(root, cache)
    built_before = {src: id(page) for src, (key, page) in cache.pages.items()}
    EDITS[name](root)
    if name != "same size":
        _age(root)
    after, index_after = _build(root, cache)
    fresh, index_fresh = _build(root, None)
    assert after == fresh
    assert index_after == index_fresh
    assert after != before or name in ("synonyms", "handwritten page")
    assert index_after != index_before
    rendered = sum(1 for src, (key, page) in cache.pages.items() if built_before.get(src) != id(page))
    if name in AT_MOST:
        assert rendered <= AT_MOST[name], rendered
    assert rendered >= 1 or name == "handwritten page"  # no generated page shows it


def test_index_rows_kept_between_rebuilds_are_the_rows_made_anew(tmp_path: Path) -> None:
    """After a title edit every index is made again, from the rows of the runbooks that
    did not change as they were (the objects themselves); the edited runbook's rows, and
    after a team edit every row, are made anew. That the pages they make are a fresh
    build's, for every kind of edit: test_a_rebuild_gives_what_a_fresh_build_gives."""
    root = _tree(tmp_path)
    _age(root)
    cache = BuildCache()

    def rows() -> dict[tuple[str, str], tuple[object, str, str | None]]:
        _build(root, cache)
        kept = cache.rows._rows  # what the memo holds
        return {
            (ident, src): (row, row["link"].text, row["owner"] and row["owner"].text)
            for ident, by_page in kept.items()
            for src, (_, row) in by_page.items()
        }

    before = rows()
    assert {i for i, _ in before} >= {"prices-not-applied", "copy-0", "copy-1", "copy-2"}
    assert len({src for _, src in before}) >= 4  # the runbook index, by system, by severity...
    _title(root)
    _age(root)
    after = rows()
    assert after.keys() == before.keys()
    for (ident, src), (row, title, _) in after.items():
        if ident == "prices-not-applied":
            assert row is not before[ident, src][0] and title == "Prices stuck on a marketplace"
        else:
            assert row is before[ident, src][0] and title == before[ident, src][1]
    _team(root)
    _age(root)
    renamed = rows()
    assert all(row is not after[key][0] for key, (row, _, _) in renamed.items())
    assert "Pricing product owner" in {owner for _, _, owner in renamed.values()}


def test_an_unchanged_tree_renders_nothing_again(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _age(root)
    cache = BuildCache()
    _build(root, cache)
    pages = {src: page for src, (key, page) in cache.pages.items()}
    _build(root, cache)
    assert all(cache.pages[src][1] is page for src, page in pages.items())


def test_an_edited_override_template_is_used_at_once(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    _age(root)
    overrides = tmp_path / "overrides" / "opskb"
    (overrides / "runbook").mkdir(parents=True)
    do_not = overrides / "runbook" / "do_not.html"
    do_not.write_text("<p>First override</p>\n", encoding="utf-8")
    cache = BuildCache()
    before, _ = _build(root, cache, [overrides])
    do_not.write_text("<p>Second override, longer</p>\n", encoding="utf-8")
    after, _ = _build(root, cache, [overrides])
    page = after["runbooks/prices-not-applied.md"]
    assert any("Second override" in block for block in page[1].values())
    assert re.search("First override", str(before["runbooks/prices-not-applied.md"][1]))


class _Reads(dict):
    """A runbook's data that notes each field read (and any read of all of them)."""

    def __init__(self, data: dict, seen: set[str]) -> None:
        super().__init__(data)
        self.seen = seen

    def __getitem__(self, key: str) -> object:
        self.seen.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: object = None) -> object:
        self.seen.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.seen.add(str(key))
        return super().__contains__(key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.seen.add("(every field)")
        return super().__iter__()

    def items(self):  # type: ignore[no-untyped-def]
        self.seen.add("(every field)")
        return super().items()

    def values(self):  # type: ignore[no-untyped-def]
        self.seen.add("(every field)")
        return super().values()


@pytest.mark.parametrize("content", ["repository", "fixture"])
def test_the_pages_that_list_runbooks_read_only_the_index_fields(tmp_path: Path, content: str) -> None:
    """Every page but a runbook's (and its alerts') is keyed by INDEX_FIELDS of each
    runbook: a field such a page read and the list lacked would leave it stale after an
    edit of that field under `mkdocs serve`."""
    root = repository_content(tmp_path / "repo") if content == "repository" else _tree(tmp_path)
    kb, _ = check_tree(root)
    seen: set[str] = set()
    for runbook in kb.runbooks.values():
        object.__setattr__(runbook, "data", _Reads(runbook.data, seen))
    site = Site(kb, today=TODAY, nonce=NONCE)
    site.home_lead()
    listing = [p for p in site.plan() if p.in_nav]
    assert listing and all(not p.src_uri.startswith("alerts/") for p in listing)
    seen.clear()  # what planning read is keyed separately
    site.home_lead()
    for plan in listing:
        plan.build()
    assert "title" in seen
    assert seen <= set(INDEX_FIELDS), sorted(seen - set(INDEX_FIELDS))


def test_a_rebuild_after_one_edit_makes_again_only_the_terms_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    _age(root)
    cache = BuildCache()
    _build(root, cache)
    made: list[str] = []
    real = searchindex._term_json

    def counted(term: str, rows: Any, total: int) -> str:
        made.append(term)
        return real(term, rows, total)

    monkeypatch.setattr(searchindex, "_term_json", counted)
    _step(root)
    _age(root)
    _build(root, cache)
    again = set(made)
    made.clear()
    _build(root, None)
    every = set(made)
    assert again, "the edit changed no term"
    assert "board" in again  # the new word of the step ("Open the feed board.")
    assert len(again) * 10 < len(every), (len(again), len(every))


class _Node:
    """An object in a reference cycle: only the garbage collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_the_idle_collector_freezes_a_build_and_frees_its_cycles_later() -> None:
    collector = IdleCollector(delay=0.01)
    try:
        node = _Node()
        alive = weakref.ref(node)
        collector.collect()  # the build's objects, node included, are frozen now
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None  # out of the collections a rebuild triggers
        collector.after_build()
        deadline = time.monotonic() + 10
        while collector.collections < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert collector.collections == 2
        assert alive() is None  # the idle collection unfroze and freed it
        collector.after_build()
        collector.cancel()  # a build starting: the pending collection does not run
        time.sleep(0.1)
        assert collector.collections == 2
    finally:
        collector.cancel()
        gc.unfreeze()


def test_the_theme_listing_follows_files_added_removed_and_renamed(tmp_path: Path) -> None:
    import jinja2

    theme = tmp_path / "theme"
    (theme / "assets" / "icons").mkdir(parents=True)
    for name in ("main.html", "assets/site.css", "assets/icons/a.svg", "assets/icons/b.svg"):
        (theme / name).write_text(name, encoding="utf-8")
    listing = ThemeListing()
    calls: list[str] = []

    def settled() -> None:  # the folders as an hour ago: a listing of just now is not kept
        for folder in (theme, *(p for p in theme.rglob("*") if p.is_dir())):
            os.utime(folder, ns=(time.time_ns() - 3600 * 10**9,) * 2)

    def static(name: str) -> bool:  # MkDocs' own filter keeps what is not a template
        calls.append(name)
        return not name.endswith(".html")

    def listed() -> list[str]:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(theme)]))
        expected = env.list_templates(filter_func=static)
        listing.install(env, ("404.html",))
        calls.clear()
        got = env.list_templates(filter_func=static)
        assert got == expected  # what Jinja2 itself lists, always
        return got

    settled()
    assert listed() == ["assets/icons/a.svg", "assets/icons/b.svg", "assets/site.css"]
    assert listed() and calls == []  # nothing changed: neither walked nor filtered again
    (theme / "assets" / "icons" / "c.svg").write_text("c", encoding="utf-8")
    (theme / "assets" / "site.css").rename(theme / "assets" / "theme.css")
    (theme / "assets" / "icons" / "a.svg").unlink()
    (theme / "assets" / "fonts").mkdir()
    (theme / "assets" / "fonts" / "f.woff2").write_text("f", encoding="utf-8")
    assert listed() == ["assets/fonts/f.woff2", "assets/icons/b.svg", "assets/icons/c.svg", "assets/theme.css"]
    assert sorted(calls) == ["assets/fonts/f.woff2", "assets/icons/c.svg", "assets/theme.css"]  # only the new names
    (theme / "assets" / "icons" / "d.svg").write_text("d", encoding="utf-8")
    assert "assets/icons/d.svg" in listed()  # a change of just now: never a stale listing


def test_a_schema_edit_reaches_the_rules_at_the_next_rebuild(tmp_path: Path) -> None:
    """Under `make serve` one process checks again and again: a rule that keeps what it
    read of the schema must see the schema's edit (KB336 reads which fields are Markdown)."""
    root = copy_minimal(tmp_path / "content")
    _edit(root, RUNBOOK, "impact: Items sell", "impact: See [the board](javascript:alert(1)). Items sell")
    cache = BuildCache()

    def unsafe_links() -> list[str]:
        _, problems = check_tree(root, cache=cache.loads)
        return [p.where for p in problems if p.code == "KB336"]

    assert unsafe_links() == []  # impact is plain text, not Markdown: nothing is a link
    schema = root / "schemas/runbook.schema.json"
    text = schema.read_text(encoding="utf-8")
    marked = '"description": "What it costs: money, customers, orders.", "contentMediaType": "text/markdown"'
    schema.write_text(text.replace('"description": "What it costs: money, customers, orders."', marked), "utf-8")
    assert unsafe_links() == [f"{RUNBOOK}:11:9"]
