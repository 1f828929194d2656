"""Generated pages skip Markdown (site/headings.py): what they get instead must be exactly
what Python-Markdown, with the site's own extensions and settings, makes of their Markdown:
the same HTML, the same table of contents, the same anchors (MkDocs checks links against
them). Checked on every generated page of the repo's content, in both languages."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

from opskb.gate.checker import check_tree
from opskb.site.headings import HeadingStyle
from opskb.site.pages import Site
from site_helpers import REPO

FRONT_MATTER = re.compile(r"(?s)^---\n.*?\n---\n")


class _Ids(html.parser.HTMLParser):
    """Every id (and <a name>) in a page, read by a real HTML parser, as MkDocs does."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.ids.add(value)


def _markdown_of(page_content: str, config) -> markdown.Markdown:
    return markdown.Markdown(extensions=config["markdown_extensions"], extension_configs=config["mdx_configs"])


@pytest.fixture(scope="module")
def config():
    return load_config(str(REPO / "mkdocs.yml"))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_generated_page_is_what_markdown_makes_of_it(config, language: str) -> None:
    kb, _ = check_tree(REPO)
    style = HeadingStyle.from_toc(config["mdx_configs"].get("toc"))
    assert style is not None  # the repo's settings are ones headings.py writes
    pages = Site(kb, language=language).pages()
    direct = [p for p in pages if p.order is not None]
    assert len(direct) >= len(pages) - 2  # all but the pages with Markdown of their own
    for page in direct:
        md = _markdown_of(page.content, config)
        expected = page.expand(md.convert(FRONT_MATTER.sub("", page.content)))
        body = page.body(style)
        assert body is not None
        assert body.html == expected, page.src_uri
        assert body.toc == md.toc_tokens, page.src_uri
        parser = _Ids()
        parser.feed(expected)
        assert body.anchors == parser.ids, page.src_uri


def test_settings_it_cannot_write_leave_the_page_to_markdown() -> None:
    assert HeadingStyle.from_toc({"permalink": True, "anchorlink": True}) is None
    assert HeadingStyle.from_toc({"permalink_leading": True}) is None
    assert HeadingStyle.from_toc({"toc_depth": "2-3"}) == HeadingStyle(toc_top=2, toc_bottom=3)


def test_a_heading_without_an_id_gets_the_slug_markdown_gives(config, tmp_path: Path) -> None:
    from opskb.site.headings import Heading, render

    style = HeadingStyle.from_toc(config["mdx_configs"].get("toc"))
    assert style is not None
    parts = [Heading(1, "Цены &#40;ozon&#41;"), Heading(1, "Prices &#38; stock"), Heading(2, "Prices &#38; stock")]
    body = render(parts, {}, style)
    source = "\n\n".join(p.markdown() for p in parts)
    md = _markdown_of(source, config)
    assert body.html == md.convert(source)
    assert body.toc == md.toc_tokens
