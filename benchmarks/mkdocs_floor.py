"""MkDocs' own cost for a site of a given shape: the floor under any plugin's build.

Given a built site (``SITE``), writes a MkDocs project (``PROJECT``) with one page for
each page of that site, at the same address (both languages' folders, every runbook and
alert page), and builds it with nothing of opskb in it: no plugin, no Markdown (each
page's HTML is given, as opskb's pre-rendered pages skip Markdown too), a theme of one
template line, a navigation of the home page alone (opskb's runbook and alert pages are
not in the navigation either). What is left is what MkDocs does for every page whatever
makes it: list the files, clean the site folder, read each page, run the events, render
the page's template, write it, and the sitemap.

``serve`` runs plain `mkdocs serve` (no ``--dirty``) on such a project, each page's HTML
its own Markdown text, so that an edit of a page shows: what MkDocs itself takes to show
an edit of a site of that shape, whatever plugin makes its pages. Under plain `mkdocs
serve` MkDocs empties the site folder and writes every file again at each rebuild.

Usage (site_bench.py runs it with ``--floor-sizes`` and ``--serve-sizes``):
    python benchmarks/mkdocs_floor.py write SITE PROJECT [--skip FOLDER ...]
                                                            # the project, once; without
                                                            # the pages under FOLDER/
    python benchmarks/mkdocs_floor.py build PROJECT OUT     # the build to measure
    python benchmarks/mkdocs_floor.py serve PROJECT ADDRESS # plain `mkdocs serve`
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

TEMPLATE = "<!doctype html><title>{{ page.title }}</title>{{ page.content }}\n"
BODY = "<p>The same small body on every page.</p>"


def page_sources(site: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """The Markdown path of each page of ``site``: ``a/b/index.html`` is ``a/b.md``, which
    MkDocs' directory URLs write back there; the home page is ``index.md``. Pages under a
    folder of ``skip`` (``ru``: another language's site) are left out."""
    sources = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel == "404.html" or rel.startswith("assets/") or rel.split("/")[0] in skip:
            continue
        if rel == "index.html":
            sources.append("index.md")
        else:
            sources.append(rel.removesuffix("/index.html").removesuffix(".html") + ".md")
    return sources


def write_project(site: Path, project: Path, skip: tuple[str, ...] = ()) -> int:
    """The project of ``site``'s pages (but those under ``skip``); returns how many pages it has."""
    docs, theme = project / "docs", project / "theme"
    theme.mkdir(parents=True, exist_ok=True)
    (theme / "main.html").write_text(TEMPLATE, encoding="utf-8")
    sources = page_sources(site, skip)
    for number, source in enumerate(sources):
        target = docs / source
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# Page {number}\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: floor\ntheme:\n  name: null\n  custom_dir: theme\nplugins: []\nnav:\n  - index.md\n",
        encoding="utf-8",
    )
    return len(sources)


def _without_markdown(body: Callable[[Any], str]) -> None:
    """Every page's HTML is ``body(page)``: MkDocs' Markdown never runs."""
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc

    def render(page: Page, config: object, files: object) -> None:
        page.content, page.toc = body(page), get_toc([])

    Page.render = render  # type: ignore[method-assign]


def build(project: Path, out: Path) -> None:
    """MkDocs' build of ``project`` into ``out``, each page's HTML given (no Markdown)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    _without_markdown(lambda page: BODY)
    mkdocs_build(load_config(str(project / "mkdocs.yml"), site_dir=str(out)))


def serve(project: Path, address: str) -> None:
    """Plain `mkdocs serve` of ``project`` at ``address`` (host:port), each page's HTML its
    own text, until the process is stopped."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    _without_markdown(lambda page: page.markdown)
    mkdocs_serve(config_file=str(project / "mkdocs.yml"), dev_addr=address, livereload=True)


def main(argv: list[str]) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    write = commands.add_parser("write", help="the project of a built site's pages")
    write.add_argument("site", type=Path)
    write.add_argument("project", type=Path)
    write.add_argument("--skip", action="append", default=[], help="a top folder whose pages are left out")
    for name, target in (("build", "out"), ("serve", "address")):
        command = commands.add_parser(name)
        command.add_argument("project", type=Path)
        command.add_argument(target)
    args = parser.parse_args(argv)
    if args.command == "write":
        print(write_project(args.site, args.project, tuple(args.skip)))
    elif args.command == "build":
        build(args.project, Path(args.out))
    else:
        serve(args.project, args.address)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
