"""Generated pages that MkDocs does not run Markdown on: their HTML, table of contents and
anchors come ready from opskb (site/headings.py writes what Markdown would make of their
headings), made when MkDocs reads the page, one at a time, in this process or in the
workers (parallel.py), and wrapped in the theme by the stamper (stamp.py).

A page with Markdown of its own (a team's template may add some) goes through Markdown
as any page does. Plugins see a pre-rendered page as any page: its front matter as
``meta``, its Markdown empty.

INVARIANT: a build with pre-rendered pages writes byte for byte what a build that runs
every generated page through MkDocs' Markdown writes (``prerender: false``). Held by
tests/test_site_machinery.py::test_the_machinery_changes_no_byte, and page by page (HTML,
table of contents, anchors) by tests/test_site_headings.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from ..site.pages import GeneratedPage, PageBody
from .shelf import Shelf

# The theme template of a pre-rendered page: it prints what the stamper made of the
# theme's own template (``theme_template``).
STAMPED_TEMPLATE = "opskb-stamped.html"


def _gone() -> GeneratedPage | PageBody:
    raise RuntimeError("opskb: a page of a build that is over was read again")


class PreRenderedPage(Page):
    """A generated page made when MkDocs reads it (``get``); its parts wait on ``shelf``
    (None: in memory) from its reading to its writing."""

    def __init__(
        self, file: File, config: MkDocsConfig, get: Callable[[], GeneratedPage | PageBody], shelf: Shelf | None
    ) -> None:
        super().__init__(None, file, config)
        self._get = get
        self._shelf = shelf
        self._made: GeneratedPage | PageBody | None = None
        # the page, while Markdown renders it: its blocks go back in on_page_content
        self.markdown_page: GeneratedPage | None = None

    def renew(self, get: Callable[[], GeneratedPage | PageBody], shelf: Shelf | None) -> None:
        """Kept for another build (preview.PreviewFiles.kept): what it is made by and
        packed on now, should MkDocs read it again (its output was deleted)."""
        self._get, self._shelf = get, shelf
        self._made, self._packed, self._toc_tokens, self._own_parts = None, None, None, False
        self.markdown_page = None

    def read_source(self, config: MkDocsConfig) -> None:
        made = self._made = self._get()
        if isinstance(made, GeneratedPage):  # only Markdown can render it
            self.markdown, self.meta = get_data(made.content)
            self.markdown_page = made
        else:
            self.markdown = ""
            self.meta = dict(made.meta)
        self.theme_template = self.meta.get("template", "main.html")
        self.meta["template"] = STAMPED_TEMPLATE

    def render(self, config: MkDocsConfig, files: Files) -> None:
        made = self._made
        assert made is not None
        if isinstance(made, GeneratedPage):
            super().render(config, files)
        else:
            body = made.body
            self.content = body.html
            self.toc = get_toc(body.toc)
            self._toc_tokens = body.toc
            self.present_anchor_ids = body.anchors
        self._made = None  # its parts are in content now

    # where its parts are on the shelf, from its packing to its unpacking
    _packed: tuple[int, int] | None = None
    # the table of contents as tokens, from its rendering to its packing
    _toc_tokens: list[dict[str, Any]] | None = None
    # made by opskb, not by Markdown: packed until its writing, released after it
    _own_parts = False
    # its number among the jobs of the build's writers (writers.py), if any
    writer: int | None = None
    # being written by the job of a writer (in a worker, or here while the build waits)
    writing = False
    # written by such a job
    written = False

    @property
    def passed_over(self) -> bool:
        """Written by a writer's job, and now in MkDocs' loop, which has nothing to do."""
        return self.written and not self.writing

    def pack(self, html: str) -> str:
        """The page's HTML, once every plugin has seen it (on_page_content): on the shelf
        until the page's turn to be written (the page's content is then empty)."""
        tokens = self._toc_tokens
        self._toc_tokens = None
        if tokens is None:  # rendered by Markdown: it stays as it is
            return html
        self._own_parts = True
        if self._shelf is None:
            return html
        self._packed = self._shelf.put(html, tokens)
        self.toc = get_toc([])
        return ""

    def unpack(self) -> None:
        """Back from the shelf, for the page's writing (on_page_context)."""
        if self._packed is not None and self._shelf is not None:
            html, tokens = self._shelf.take(self._packed)
            self.content, self.toc, self._packed = html, get_toc(tokens), None

    def forget(self) -> None:
        """Its build is over and no rebuild reuses it (loop.forget_pages): what made it
        goes (the build's site, through ``get``)."""
        self._get = _gone
        self._made, self.markdown_page = None, None

    def release(self) -> None:
        """Written: the page's HTML is not kept to the end of the build."""
        if self._own_parts:
            self.content, self.toc = "", get_toc([])
