"""MkDocs' own cost for a site of a given shape: the floor under any plugin's build.

Given a built site (``SITE``), writes a MkDocs project (``PROJECT``) with one page for
each page of that site, at the same address (both languages' folders, every runbook and
alert page), and builds it with nothing of opskb in it: no plugin, no Markdown (each
page's HTML is given, as opskb's pre-rendered pages skip Markdown too), a theme of one
template line, a navigation of the home page alone (opskb's runbook and alert pages are
not in the navigation either). What is left is what MkDocs does for every page whatever
makes it: list the files, clean the site folder, read each page, run the events, render
the page's template, write it, and the sitemap.

Usage (site_bench.py runs it with ``--floor-sizes``):
    python benchmarks/mkdocs_floor.py write SITE PROJECT   # the project, once
    python benchmarks/mkdocs_floor.py build PROJECT OUT    # the build to measure
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TEMPLATE = "<!doctype html><title>{{ page.title }}</title>{{ page.content }}\n"
BODY = "<p>The same small body on every page.</p>"


def page_sources(site: Path) -> list[str]:
    """The Markdown path of each page of ``site``: ``a/b/index.html`` is ``a/b.md``, which
    MkDocs' directory URLs write back there; the home page is ``index.md``."""
    sources = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith("assets/"):
            continue
        if rel == "index.html":
            sources.append("index.md")
        else:
            sources.append(rel.removesuffix("/index.html").removesuffix(".html") + ".md")
    return sources


def write_project(site: Path, project: Path) -> int:
    """The project of ``site``'s pages; returns how many pages it has."""
    docs, theme = project / "docs", project / "theme"
    theme.mkdir(parents=True, exist_ok=True)
    (theme / "main.html").write_text(TEMPLATE, encoding="utf-8")
    sources = page_sources(site)
    for number, source in enumerate(sources):
        target = docs / source
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# Page {number}\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: floor\ntheme:\n  name: null\n  custom_dir: theme\nplugins: []\nnav:\n  - index.md\n",
        encoding="utf-8",
    )
    return len(sources)


def build(project: Path, out: Path) -> None:
    """MkDocs' build of ``project`` into ``out``, each page's HTML given (no Markdown)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc

    def render(page: Page, config: object, files: object) -> None:
        page.content, page.toc = BODY, get_toc([])

    Page.render = render  # type: ignore[method-assign]
    mkdocs_build(load_config(str(project / "mkdocs.yml"), site_dir=str(out)))


def main(argv: list[str]) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if len(argv) == 3 and argv[0] == "write":
        print(write_project(Path(argv[1]), Path(argv[2])))
        return 0
    if len(argv) == 3 and argv[0] == "build":
        build(Path(argv[1]), Path(argv[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
