"""What the plugin holds: a session's (one `mkdocs build`, or one `mkdocs serve` and its
rebuilds) and one build's. The plugin's event handlers pass them to the modules that do
the work; this module does none."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.structure.files import Files

from ..model.kb import KnowledgeBase
from ..model.problems import Problem
from ..site.i18n import Served
from ..site.pages import GeneratedPage, Site
from .languages import OtherLanguages
from .parallel import Workers
from .preview import BuildCache, PreviewFiles
from .shelf import Shelf
from .stamp import Stamper
from .writers import Writers


@dataclass
class Session:
    """Kept across the rebuilds of one `mkdocs serve` (MkDocs reuses a plugin instance
    that has on_startup): the nonce of every page's scripts, what the next build can
    reuse (preview.py), under --dirty the files of the generated pages, the content
    folders' watcher (watch.py), the other languages' builds (languages.py)."""

    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    serving: bool = False
    dirty: bool = False
    cache: BuildCache | None = None
    preview: PreviewFiles | None = None
    watcher: Any = None
    languages: OtherLanguages = field(default_factory=OtherLanguages)

    @classmethod
    def start(cls, command: str, dirty: bool) -> Session:
        serving = command == "serve"
        return cls(
            serving=serving,
            dirty=dirty,
            cache=BuildCache() if serving else None,
            preview=PreviewFiles() if serving and dirty else None,
        )

    def close(self) -> None:
        self.languages.shutdown()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.cache is not None:
            self.cache.collector.cancel()
        if self.preview is not None:
            self.preview.close()
            self.preview = None


@dataclass
class Build:
    """One build's: from on_config to on_post_build (or on_build_error)."""

    kb: KnowledgeBase
    problems: list[Problem]
    root: Path
    # what a docs/ macro failed with (opskb.site.macros): the build fails on the first page
    macro_errors: list[str] = field(default_factory=list)
    site: Site | None = None
    # the generated pages MkDocs runs Markdown on, until their blocks are put back
    generated: dict[str, GeneratedPage] = field(default_factory=dict)
    # how each handwritten page is served in the build's language
    served: dict[str, Served] = field(default_factory=dict)
    home_lead: str = ""
    search_box: str = ""
    # the pages the nav setting names (None: no nav setting, MkDocs lists every page)
    nav_uris: set[str] | None = None
    nav: Any = None
    # every file of the build, the generated ones too (on_files)
    files: Files | None = None
    # the workers that make the pre-rendered pages (on_files), and those that write them (on_env)
    makers: Workers | None = None
    writers: Writers | None = None
    shelf: Shelf | None = None
    stamper: Stamper | None = None

    def end(self) -> tuple[Workers | None, Writers | None, Shelf | None]:
        """Written, or failed: its workers stop, its shelf goes. Returns its workers (the
        page makers, the page writers) and its shelf, for their figures."""
        makers, self.makers = self.makers, None
        writers, self.writers = self.writers, None
        if makers is not None:
            makers.close()
        if writers is not None:
            writers.close()
        shelf, self.shelf = self.shelf, None
        if shelf is not None:
            shelf.close()
        return makers, writers, shelf
