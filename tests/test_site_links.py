"""Links between generated pages: the relative URL from one page to another is what
``posixpath.relpath`` gives, on every shape of site path, with and without directory URLs."""

from __future__ import annotations

import itertools
import posixpath

from opskb.model.addresses import page_url
from opskb.site.pages import _href

# Folder depths 0-2, shared and distinct prefixes, index pages, a name that is a prefix of another.
SOURCES = [
    "index.md",
    "runbooks/index.md",
    "runbooks/prices.md",
    "runbooks/prices-old.md",
    "marketplaces/ozon.md",
    "alerts/a/b.md",
    "alerts/a/index.md",
    "alerts/ab/c.md",
    "teams.md",
]


def _expected(src: str, dest: str, directory_urls: bool) -> str:
    here, there = page_url(src, directory_urls), page_url(dest, directory_urls)
    if here == there:
        return "#"
    base = posixpath.dirname(here) if not here.endswith("/") else here.rstrip("/")
    rel = posixpath.relpath(there or ".", base or ".")
    return rel.rstrip("/") + "/" if there.endswith("/") or there == "" else rel


def test_relative_links_are_what_relpath_gives() -> None:
    pairs = list(itertools.product(SOURCES, SOURCES, (False, True)))
    mismatches = [(s, d, u) for s, d, u in pairs if _href(s, d, u) != _expected(s, d, u)]
    assert mismatches == []
    assert _href("runbooks/prices.md", "alerts/a/b.md", False) == "../alerts/a/b.html"
    assert _href("alerts/a/b.md", "index.md", True) == "../../../"
