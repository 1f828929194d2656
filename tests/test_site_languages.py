"""One site, two languages: English at the root and Russian under ru/ (the plugin's
``languages: [en, ru]`` in mkdocs.yml). In headless Chromium the language switch on a
runbook, an onboarding and a marketplace page lands on the same page in the other
language; each language's search offers only pages that language's site has (every
result of a set of queries is followed to a built file and anchor); a page without a
translation says so in the site's language; one language can still be built alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from site_helpers import (
    CHROMIUM,
    REPO,
    chromium,
    content_site,
    mkdocs_build,
    search_result_links,
    serve,
    write_config,
)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.xdist_group("site"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (make system-deps)"),
]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The site of the repository's content, both languages, and its knowledge base."""
    return content_site(tmp_path_factory.mktemp("languages"), handwritten=True)


@pytest.fixture(scope="module")
def served(content: tuple[Path, Any]) -> Iterator[tuple[Any, str]]:
    """A Chromium tab, and the base URL the site is served at."""
    with serve(content[0]) as url, chromium() as browser:
        yield browser.new_context(viewport={"width": 1280, "height": 900}).new_page(), url


def _switch(tab: Any, language: str) -> None:
    """Choose ``language`` in the header's language menu, as a person does: hover, click,
    after the page has settled (Material's script has fetched the languages' sitemaps by
    then, and a click it takes over must still land on the same page)."""
    tab.wait_for_load_state("networkidle")
    tab.hover(".md-header .md-select")
    tab.click(f".md-header .md-select__link[hreflang='{language}']")
    tab.wait_for_load_state("load")


PAGES = ["runbooks/no-orders-from-marketplace.html", "onboarding.html", "marketplaces/wildberries.html"]


@pytest.mark.parametrize("path", PAGES)
def test_the_language_switch_lands_on_the_same_page(served: tuple[Any, str], path: str) -> None:
    tab, base_url = served
    tab.goto(f"{base_url}/{path}")
    assert tab.get_attribute("html", "lang") == "en"
    english_title = tab.inner_text("h1")
    _switch(tab, "ru")
    assert urlsplit(tab.url).path == f"/ru/{path}"
    assert tab.get_attribute("html", "lang") == "ru"
    russian_headings = tab.inner_text(".md-content h2") if path != PAGES[1] else tab.inner_text("h1")
    assert re.search("[а-яё]", russian_headings.lower())  # the page is the Russian one
    assert re.search("[а-яё]", tab.inner_text(".md-nav--primary").lower())  # so is the navigation
    _switch(tab, "en")
    assert urlsplit(tab.url).path == f"/{path}"
    assert tab.inner_text("h1") == english_title


QUERIES = [
    "onboarding new team",
    "contributing add a runbook",
    "glossary",
    "введение для новой команды",
    "как добавить ранбук",
    "глоссарий",
    "escalation map",
    "карта эскалации",
    "team directory pricing",
    "нет заказов",
    "no orders from marketplace",
    "awaiting_packaging",
    "high priority react",
    "wildberries confirm canceled",
]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_search_result_is_a_dead_link(served: tuple[Any, str], content: tuple[Path, Any], language: str) -> None:
    tab, base_url = served
    root = content[0]
    start = f"{base_url}/{'' if language == 'en' else 'ru/'}runbooks/index.html"
    followed = 0
    for query in QUERIES:
        for link in search_result_links(tab, start, query):
            url = urlsplit(urljoin(start, link))
            path = root / url.path.lstrip("/")
            assert path.is_file(), (language, query, link)
            inside = url.path.startswith("/ru/")
            assert inside == (language == "ru"), (language, query, link)  # never the other language's page
            if url.fragment:
                assert f'id="{url.fragment}"' in path.read_text(encoding="utf-8"), (language, query, link)
            followed += 1
    assert followed > 2 * len(QUERIES)


def test_the_index_of_a_language_has_only_its_pages(content: tuple[Path, Any]) -> None:
    root = content[0]
    for language, folder in (("en", root), ("ru", root / "ru")):
        meta = "".join(p.read_text(encoding="utf-8") for p in (folder / "assets/opskb/search").glob("m*.js"))
        assert ".ru.html" not in meta and ".ru.md" not in meta, language
        urls = re.findall(r'"([\w/.-]+\.html)(?:#[\w-]*)?"', meta)
        assert urls and all((folder / url).is_file() for url in urls), language


def test_a_page_without_a_translation_says_so(tmp_path: Path) -> None:
    """glossary.ru.md removed: the Russian site shows the English glossary under a note in
    Russian; the English one has no note."""
    import shutil

    root = tmp_path / "content"
    for name in ("runbooks", "escalation", "status_mappings", "schemas"):
        shutil.copytree(REPO / name, root / name)
    config = write_config(root, handwritten=True)
    (root / "docs" / "glossary.ru.md").unlink()
    site = tmp_path / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    russian = (site / "ru" / "glossary.html").read_text(encoding="utf-8")
    assert "opskb-untranslated" in russian and "Ещё не переведено" in russian
    english = (site / "glossary.html").read_text(encoding="utf-8")
    assert "opskb-untranslated" not in english
    assert "opskb-untranslated" not in (site / "ru" / "onboarding.html").read_text(encoding="utf-8")


def test_one_language_builds_alone(tmp_path: Path) -> None:
    """Without ``languages`` the site is one language (theme.language), with no switch and
    no ru/ folder; ``languages: [ru]`` builds a Russian site at the root."""
    import shutil

    for languages, lang in (("", "en"), ("      languages: [ru]\n", "ru")):
        root = tmp_path / f"content-{lang}"
        for name in ("runbooks", "escalation", "status_mappings", "schemas"):
            shutil.copytree(REPO / name, root / name)
        config = write_config(root, handwritten=True)
        text = re.sub(r"^      languages: .*\n", languages, config.read_text(encoding="utf-8"), flags=re.M)
        config.write_text(text, encoding="utf-8")
        site = tmp_path / f"site-{lang}"
        result = mkdocs_build(config, site)
        assert result.returncode == 0, result.stderr
        assert not (site / "ru").exists()
        page = (site / "onboarding.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in page
        assert "hreflang" not in page
