"""The adapter's part in MkDocs' writing loop: the theme's listing kept under `mkdocs
serve` (on_pre_build), the theme's environment ready (on_env),
each pre-rendered page's HTML back from the shelf and wrapped in the theme by the stamper
(on_page_context), and the end of a build (on_post_build, on_build_error), after which a
build that no rebuild reuses forgets its pages (``forget_pages``)."""

from __future__ import annotations

import functools
import logging
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .generated import workers_wanted
from .prerendered import PreRenderedPage
from .stamp import Stamper
from .state import Build, Session
from .writers import start_writers

log = logging.getLogger("mkdocs.plugins.opskb")


def ready_env(build: Build, session: Session, options: Any, env: Any, config: MkDocsConfig, files: Files) -> Any:
    """The environment every page is rendered with: under `mkdocs serve` the theme
    compiles once, not at every rebuild; the stamper; in a large build, the writers."""
    if session.cache is not None:
        env.bytecode_cache = session.cache.theme_templates
    build.stamper = Stamper(env, session.nonce)
    if build.makers is not None:  # every page is read: the workers that made them are done
        build.makers.close()
    if options.writers:
        wanted = functools.partial(workers_wanted, session, options)
        build.writers = start_writers(wanted, config, files, build.nav, env)
    return env


def listed_theme(session: Session, config: MkDocsConfig) -> None:
    """Under `mkdocs serve`, the theme's files listed once, not at every rebuild
    (preview.ThemeListing): MkDocs lists them through the environment it gets from the
    theme, before any event that sees the environment (on_env comes later)."""
    if session.cache is None:
        return
    theme, listing = config.theme, session.cache.theme_listing
    make_env = type(theme).get_env.__get__(theme)  # the class's: never a wrapper of a wrapper

    def get_env() -> Any:
        env = make_env()
        listing.install(env, tuple(theme.static_templates))
        return env

    theme.get_env = get_env  # type: ignore[method-assign]


def unpack(build: Build, context: Any, page: Page) -> Any:
    """Before any plugin sees a pre-rendered page's context: its HTML back from the shelf,
    unless a writer wrote it already."""
    if isinstance(page, PreRenderedPage):
        if build.writers is not None and build.writers.passed_over(page):
            return context
        page.unpack()
    return context


def stamp(build: Build, options: Any, context: Any, page: Page) -> Any:
    """After every other plugin: a pre-rendered page wrapped in the theme (stamp.py)."""
    if isinstance(page, PreRenderedPage):
        assert build.stamper is not None
        context["opskb_page"] = "" if page.passed_over else build.stamper.render(context, page, options.stamp)
    return context


def end(build: Build | None, session: Session) -> None:
    """A build is over (written, or failed): its workers stop, its shelf goes, under
    `mkdocs serve` its garbage is collected once the server is idle (preview.py); how
    the machinery did is logged (--verbose)."""
    if build is None:
        return
    makers, writers, shelf = build.end()
    if not session.serving and build.files is not None:
        forget_pages(build.files)
    if session.cache is not None:
        session.cache.collector.after_build()
    for pool, did in ((makers, "made"), (writers.pool if writers else None, "written")):
        if pool is not None:
            others = 1 if pool is makers else 0  # the makers' first job is the search index
            log.debug(
                "opskb: %d pages %s by %d worker processes and this one, %d of them here while "
                "waiting and %d again by the build",
                pool.jobs - others,
                did,
                pool.processes,
                pool.shared,
                pool.made_here,
            )
    if shelf is not None:
        log.debug("opskb: %d pages kept on the shelf, %d KB", shelf.pages, shelf.size // 1024)
    stamper = build.stamper
    if stamper is not None:
        log.debug(
            "opskb: %d pages filled from %d shells, %d rendered; "
            "tables of contents from %d shells (%d not vouched for)",
            stamper.stamped,
            len(stamper.shells),
            stamper.rendered,
            len(stamper.toc_shells),
            sum(shell is None for shell in stamper.toc_shells.values()),
        )


def forget_pages(files: Files) -> None:
    """A build no later rebuild reuses is written: its pages let go of their HTML, table
    of contents, anchors and what made them, and generated files of their text. MkDocs
    holds every File and Page to the end of its build, and the other languages are built
    within it (languages.py), so without this each language's pages stay in memory while
    the next language is made. Nothing reads them after on_post_build; `mkdocs serve`
    keeps its pages for the next rebuild (preview.py) and never gets here.

    INVARIANT: every language's site is byte for byte what it was without this (the other
    languages never read the first's pages). Held by
    tests/test_site_languages.py::test_one_language_builds_alone and, for every page of
    both languages, tests/test_site_machinery.py::test_the_machinery_changes_no_byte."""
    for file in files:
        page = file.page
        if page is not None:
            page.content, page.toc, page.present_anchor_ids = None, get_toc([]), None
            page.markdown = None
            if isinstance(page, PreRenderedPage):
                page.forget()
        if file.generated_by is not None and file.abs_src_path is None:  # its text is in memory
            file.content_bytes = b""
