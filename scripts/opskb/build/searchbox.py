"""The site's search: the index as script files, and the search box in the page header.

The index is opskb.search.searchindex's, the one `opskb find` ranks with; each file is a script
that hands its JSON to ``window.opskbSearch`` (assets/search.js), so the browser loads
only the chunks a query needs, from a server or from file:// alike.

Material's search plugin is not used (it downloads the whole index before the first
result: 36.7 MB at 10,000 runbooks). The box keeps Material's markup and classes, so it
looks and behaves like the theme's own, but carries none of the ``data-md-component``
hooks that would make the theme's bundle start its own search worker on it. The box
itself is a template (templates/partials/search_box.html, ``Site.search_box``) in the
site's language; this module only places it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..model.addresses import page_url
from ..search.searchindex import IndexMemo, build_index

INDEX_DIR = "search"


def index_files(
    kb: Any,
    docs_dir: Path,
    use_directory_urls: bool,
    memo: IndexMemo | None = None,
    rules_reference: bool = True,
    language: str = "en",
    reference: list[Any] | None = None,
) -> Iterator[tuple[str, str]]:
    """(path under assets/opskb/, script text) of every index file of the site in
    ``language`` (``memo``: see searchindex.IndexMemo; ``rules_reference``: whether the
    rule reference is on the site; ``reference``: its reference pages, as it made them)."""
    built = build_index(
        kb, docs_dir, lambda src: page_url(src, use_directory_urls), memo, rules_reference, language, reference
    )
    manifest = json.dumps(built.manifest, ensure_ascii=False, separators=(",", ":"))
    yield f"{INDEX_DIR}/manifest.js", f"opskbSearch.manifest({manifest});\n"
    for number, chunk in enumerate(built.chunks):
        yield f"{INDEX_DIR}/t{number}.js", f"opskbSearch.chunk({number},{chunk});\n"
    for number, block in enumerate(built.meta):
        yield f"{INDEX_DIR}/m{number}.js", f"opskbSearch.meta({number},{block});\n"


_HEADER_END = "</nav>"


def with_search_box(output: str, box: str) -> str:
    """The page with the search box at the end of its header bar (before its </nav>)."""
    start = output.find('<header class="md-header')
    if start < 0:
        return output
    end = output.find(_HEADER_END, start)
    if end < 0:
        return output
    return output[:end] + box + output[end:]


SEARCH_ICONS = ("magnify", "arrow-left", "close")


def search_icons() -> dict[str, str]:
    """Material's bundled SVG icons the search box uses (the theme's own), by name."""
    import material

    icons = Path(material.__file__).parent / "templates" / ".icons" / "material"
    return {name: (icons / f"{name}.svg").read_text("utf-8") for name in SEARCH_ICONS}
