"""Search quality on the test set (tests/search_queries.yaml), for `opskb find` and for the
site's search in headless Chromium, and the promise that both rank alike.

The test set is phrased as people type during an incident (English and Russian symptoms
in other words, inflections, slang and abbreviations, alert names, status codes, buyer
labels, typos); each query names the document that must come first.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from site_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, REPO, mkdocs_build, write_config

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]
TOP1 = 0.95
TOP3 = 0.98


def _page_of(url_or_key: str) -> str:
    """runbooks/x.html#a, runbooks/x#a -> runbooks/x: the page a result stands for."""
    return re.sub(r"(\.html)?(#.*)?$", "", url_or_key)


def language(query: dict[str, str]) -> str:
    """The site a query is asked on: the Russian one (ru/) for a query in Cyrillic."""
    return "ru" if re.search("[а-яё]", query["q"], re.I) else "en"


LANGUAGES = ("en", "ru")


def _rates(ranked: dict[str, list[str]], lang: str) -> tuple[float, float, list[str]]:
    top1 = top3 = 0
    misses = []
    asked = [query for query in QUERIES if language(query) == lang]
    for query in asked:
        pages = [_page_of(u) for u in ranked[query["q"]]]
        top1 += pages[:1] == [query["expect"]]
        top3 += query["expect"] in pages[:3]
        if pages[:1] != [query["expect"]]:
            misses.append(f"{query['q']!r}: expected {query['expect']}, got {pages[:3]}")
    return top1 / len(asked), top3 / len(asked), misses


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository's content (runbooks, mappings, docs with the synonyms)."""
    root = tmp_path_factory.mktemp("quality") / "content"
    for name in ("runbooks", "escalation", "status_mappings", "schemas"):
        shutil.copytree(REPO / name, root / name)
    write_config(root, handwritten=True)
    return root


@pytest.fixture(scope="module")
def cli_ranking(content: Path) -> dict[str, list[str]]:
    """Each query's result URLs from `opskb find --format json`, best first."""
    from opskb.cli import main

    ranked = {}
    for query in QUERIES:
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            args = ["find", query["q"], "--root", str(content), "--format", "json", "--limit", "5"]
            code = main([*args, "--lang", language(query)])
        assert code == 0, query
        ranked[query["q"]] = [r["url"] for r in json.loads(out.getvalue())["results"]]
    return ranked


def test_the_set_covers_both_languages_and_every_kind() -> None:
    assert len(QUERIES) >= 60
    russian = [q for q in QUERIES if re.search("[а-яё]", q["q"], re.I)]
    assert len(russian) >= 20 and len(QUERIES) - len(russian) >= 20
    kinds = {q["kind"] for q in QUERIES}
    assert {"typo", "slang", "alert", "status", "label", "symptom", "russian", "entry"} <= kinds
    # teams, SLA policies, systems and status pairs, asked in both languages
    for lang in LANGUAGES:
        about = {q["about"] for q in QUERIES if q["kind"] == "entry" and language(q) == lang}
        assert about == {"team", "policy", "system", "pair"}, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_cli_puts_the_right_document_first(cli_ranking: dict[str, list[str]], lang: str) -> None:
    top1, top3, misses = _rates(cli_ranking, lang)
    assert top1 >= TOP1 and top3 >= TOP3, f"top-1 {top1:.0%}, top-3 {top3:.0%}:\n" + "\n".join(misses)


# ---------------------------------------------------------------- the site

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")


@pytest.fixture(scope="module")
def site(content: Path) -> Path:
    site = content.parent / "site"
    result = mkdocs_build(content / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def tab(site: Path) -> Iterator[Any]:
    """The built site's home page opened from the file system (no server), as offline."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.requests = []
        page.on("request", lambda r: page.requests.append(r.url))
        page.goto((site / "index.html").as_uri())
        yield page
        browser.close()


@pytest.fixture(scope="module")
def site_ranking(tab: Any, site: Path) -> dict[str, list[str]]:
    """Each query's result URLs from the site's own search code, relative to the site of
    the query's language (the Russian ones asked on ru/)."""
    ranked = {}
    for lang in LANGUAGES:
        home = site / ("" if lang == "en" else lang) / "index.html"
        tab.goto(home.as_uri())
        prefix = home.parent.as_uri() + "/"
        for query in (q for q in QUERIES if language(q) == lang):
            answer = tab.evaluate("q => opskbSearch.search(q, 5)", query["q"])
            ranked[query["q"]] = [r["url"].removeprefix(prefix) for r in answer["results"]]
    return ranked


@pytest.mark.browser
@pytest.mark.xdist_group("site")
@needs_chromium
@pytest.mark.parametrize("lang", LANGUAGES)
def test_site_puts_the_right_document_first(site_ranking: dict[str, list[str]], tab: Any, lang: str) -> None:
    top1, top3, misses = _rates(site_ranking, lang)
    assert top1 >= TOP1 and top3 >= TOP3, f"top-1 {top1:.0%}, top-3 {top3:.0%}:\n" + "\n".join(misses)
    outside = [u for u in tab.requests if not u.startswith(("file://", "data:", "about:"))]
    assert not outside, outside


@pytest.mark.browser
@pytest.mark.xdist_group("site")
@needs_chromium
def test_site_and_cli_rank_alike(site_ranking: dict[str, list[str]], cli_ranking: dict[str, list[str]]) -> None:
    """Same top results, in the same order, for every query of the set."""
    differ = {
        q: (cli_ranking[q][:3], site_ranking[q][:3]) for q in cli_ranking if cli_ranking[q][:3] != site_ranking[q][:3]
    }
    assert not differ, "\n".join(f"{q!r}: cli {c} site {s}" for q, (c, s) in differ.items())


@pytest.mark.browser
@pytest.mark.xdist_group("site")
@needs_chromium
def test_search_box_shows_the_ranking(tab: Any, site: Path, cli_ranking: dict[str, list[str]]) -> None:
    """Typed into the header's search box, a query lists what `opskb find` ranks, as links."""
    query = next(q for q in QUERIES if q["kind"] == "typo")["q"]
    tab.goto((site / "index.html").as_uri())
    tab.click(".md-search__input")
    tab.keyboard.type(query)
    first = tab.locator(".md-search-result__item > .md-search-result__link").first
    first.wait_for(timeout=10000)
    tab.wait_for_function(
        "n => document.querySelectorAll('.md-search-result__item').length >= n", arg=len(cli_ranking[query])
    )
    links = tab.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "site-search-box.png"))
    prefix = site.as_uri() + "/"
    assert [link.removeprefix(prefix) for link in links[:3]] == cli_ranking[query][:3]
