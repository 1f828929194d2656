"""The pre-rendered pages of a large `mkdocs build` written by worker processes, theme and
all, ahead of MkDocs' own loop, which then passes over each of them in a moment.

Each worker job is MkDocs' own build of one page (``mkdocs.commands.build._build_page``:
every plugin event and the theme run as in MkDocs' loop) in a forked worker
(parallel.py). Used only where what the workers leave out of this process cannot
matter: MkDocs' own build loop (not another engine's), and no plugin but those of
``PAGE_EVENTS_ALLOWED`` handling a page's context or output (a plugin that keeps state
from those events would not see these pages, so the loop writes them in this process).

INVARIANT: a build whose pages the workers wrote is byte for byte the build MkDocs' own
loop writes (``workers: 0``), and a page a worker cannot write fails the build with
MkDocs' own message. Held by
tests/test_site_parallel.py::test_pages_made_by_workers_are_the_pages_made_in_the_build,
::test_a_page_a_worker_cannot_write_fails_the_build_as_without_workers and
::test_a_plugin_outside_the_allow_list_sees_every_page_written.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel

from .parallel import Workers
from .prerendered import PreRenderedPage

try:
    # Private to MkDocs (1.4 to 1.6, and ProperDocs): MkDocs' build of one page, with
    # every plugin event, as its loop runs it. Why: the only way to write a page in a
    # worker exactly as the loop would. Without it (another MkDocs), no writers: MkDocs'
    # loop writes every page in this process, the same pages, more slowly.
    from mkdocs.commands.build import _build_page
except ImportError:
    _build_page = None

# The logger of MkDocs' build loop, which notes each page it does not write.
BUILD_LOGGER = "mkdocs.commands.build"

# Plugins whose page_context and post_page events can run in a worker process: they keep
# no state from them (Material's tags plugin adds the page's tags to its context).
PAGE_EVENTS_ALLOWED = frozenset({"material.plugins.tags.plugin.TagsPlugin", "opskb.build.plugin.OpskbPlugin"})


class Writers:
    """The workers writing one build's pre-rendered pages, and the filter that keeps
    MkDocs' note for each of those pages out of its log."""

    def __init__(
        self, pages: list[PreRenderedPage], processes: int, config: MkDocsConfig, files: Files, nav: Any, env: Any
    ) -> None:
        for number, page in enumerate(pages):
            page.writer = number
        jobs = [functools.partial(_write_elsewhere, page, config, files, nav, env) for page in pages]
        self.written = _Written()
        logging.getLogger(BUILD_LOGGER).addFilter(self.written)
        self.pool = Workers(jobs, processes, fallback=lambda _: False)

    def passed_over(self, page: PreRenderedPage) -> bool:
        """Whether ``page``, now in MkDocs' loop, was written by a worker (after waiting for
        it): then the loop has nothing to do for it."""
        if page.writer is not None and not page.writing:
            page.written = self.pool.get(page.writer)
            if page.passed_over:
                self.written.uris.add(page.file.src_uri)
                return True
        return False

    def close(self) -> None:
        self.pool.close()
        logging.getLogger(BUILD_LOGGER).removeFilter(self.written)


def start_writers(
    wanted: Callable[[int], int], config: MkDocsConfig, files: Files, nav: Any, env: Any
) -> Writers | None:
    """Writers for the pre-rendered pages of ``files``, if the build allows them;
    ``wanted(pages)``: how many worker processes that many pages get."""
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [f.page for f in doc_files if isinstance(f.page, PreRenderedPage)]
    processes = wanted(len(pages))
    if not processes or _build_page is None or type(config) is not MkDocsConfig:
        return None
    if not _page_events_allowed(config):
        return None
    return Writers(pages, processes, config, doc_files, nav, env)


def _page_events_allowed(config: MkDocsConfig) -> bool:
    handlers = (*config.plugins.events["page_context"], *config.plugins.events["post_page"])
    owners = {type(getattr(handler, "__self__", None)) for handler in handlers}
    return all(f"{owner.__module__}.{owner.__qualname__}" in PAGE_EVENTS_ALLOWED for owner in owners)


def _write_elsewhere(page: PreRenderedPage, config: MkDocsConfig, doc_files: Any, nav: Any, env: Any) -> bool:
    """A writer's job: the page built and written as MkDocs' loop builds it, ahead of it."""
    assert _build_page is not None
    page.writing = True
    try:
        _build_page(page, config, doc_files, nav, env)
    finally:
        page.writing = False
    return True


class _Written(logging.Filter):
    """MkDocs' note for each page a writer wrote ("Page skipped ... empty output"), which
    would print 20,000 lines at a large build: held back for those pages only."""

    def __init__(self) -> None:
        super().__init__()
        self.uris: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        return message.split("'", 2)[1] not in self.uris
