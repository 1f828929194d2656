"""The MkDocs plugin: MkDocs' events mapped to calls; the work is in the modules beside it.

Registered as the ``opskb`` entry point of ``mkdocs.plugins``. Configuration::

    plugins:
      - opskb:
          root: .            # content root (runbooks/, escalation/, status_mappings/);
                             # relative to mkdocs.yml, default its directory
          workers: 0         # optional: worker processes that make and write runbook
                             # and alert pages (parallel.py); default one per core but
                             # one, from 400 such pages; 0: all in the build's process

By MkDocs event:

* ``on_startup``, ``on_shutdown``: a session, kept across `mkdocs serve` rebuilds (state.py).
* ``on_config``: under `mkdocs serve --dirty`, the other languages' processes asked to
  build (language_process.py); the content checked, the theme and scripts set up
  (configure.py).
* ``on_pre_build``: the offline search polyfill from the site; under `mkdocs serve`, the
  theme's listing kept (content.py, loop.py).
* ``on_files``: under `mkdocs serve` without --dirty, the other languages' processes asked
  to build; the generated pages, assets and search index added (generated.py).
* ``on_nav``: the navigation's titles in the build's language (languages.py).
* ``on_env``: the stamper, the cache of compiled templates, the page writers (loop.py).
* ``on_page_markdown``: a translated page's own title (languages.py).
* ``on_page_content``: a generated page's blocks back in place (content.py).
* ``on_page_context``: a pre-rendered page unpacked, then stamped (loop.py, stamp.py).
* ``on_post_page``: the search box and Mermaid (content.py).
* ``on_post_build``: the build's end (loop.py), then the other languages (languages.py).
* ``on_build_error``: the build's end; the other languages' processes waited for.
* ``on_serve``: the content folders watched (watch.py).

Each module of this package states its invariant and the test that holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..model.kb import KnowledgeBase
from ..model.problems import Problem
from ..site.labels import LANGUAGES
from . import content, languages, loop
from .configure import configure
from .generated import add_files
from .state import Build, Session
from .watch import watch


class OpskbConfig(Config):
    root = c.Optional(c.Type(str))
    # Pretend today is this date (YYYY-MM-DD) for review-overdue banners; for tests.
    today = c.Optional(c.Type(str))
    # Worker processes that make runbook and alert pages, then write them in the theme
    # (parallel.py, writers.py): by default one per core but one for a build of
    # generated.PARALLEL_FROM such pages or more; 0: both in the build's own process.
    workers = c.Optional(c.Type(int))
    # The check rules' reference page (reference/rules.md), in the site and its search;
    # false leaves it off for a team that does not want opskb's own documentation there.
    rules_reference = c.Type(bool, default=True)
    # The site's languages (site/i18n.py): the first at the root, each other one built
    # under its own folder (ru/), with a switch on every page to the same page in the
    # other languages. Unset: one language, theme.language.
    languages = c.Optional(c.ListOfItems(c.Choice(LANGUAGES)))
    # Navigation titles of mkdocs.yml (written in English) per language, for the titles
    # no page gives: {ru: {Reference: Справка}}. A page's own title in the language and a
    # section's index page title are used without it.
    nav_translations = c.Type(dict, default={})
    # The build machinery, each piece on by default; false turns it off, for the tests
    # that hold each to a build without it, and for benchmarks/machinery_bench.py:
    # runbook and alert pages without Markdown (prerendered.py), wrapped in the theme
    # once per group of alike pages (stamp.py), kept on a shelf from their reading to
    # their writing (shelf.py), written by worker processes (writers.py).
    prerender = c.Type(bool, default=True)
    stamp = c.Type(bool, default=True)
    shelf = c.Type(bool, default=True)
    writers = c.Type(bool, default=True)
    # Under `mkdocs serve`, each language but the first built in a process of its own, at
    # the same time as the first (language_process.py); false: in the server's process,
    # after the first, as `mkdocs build` does (less memory, slower rebuilds).
    language_processes = c.Type(bool, default=True)


class OpskbPlugin(BasePlugin[OpskbConfig]):
    session: Session
    build: Build | None = None
    # The language this build makes (site/i18n.py): None in the build MkDocs started;
    # set, with the knowledge base that build checked, in the plugin of the build of
    # each other language, which that build starts (languages.OtherLanguages).
    build_language: str | None = None
    loaded: tuple[KnowledgeBase, list[Problem]] | None = None

    def __init__(self) -> None:
        super().__init__()
        self.session = Session()

    # What opskb.site.macros reads: the checked knowledge base, where a macro's error goes.
    @property
    def kb(self) -> KnowledgeBase | None:
        return self.build.kb if self.build else None

    @property
    def macro_errors(self) -> list[str] | None:
        return self.build.macro_errors if self.build else None

    def content_root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        root = self.config.root
        return (base / root).resolve() if root else base

    def site_languages(self) -> list[str]:
        return list(dict.fromkeys(self.config.languages or []))

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.session = Session.start(command, dirty)

    def on_shutdown(self) -> None:
        self.session.close()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._start_other_languages(config, at_config=True)
        root, cache = self.content_root(config), self.session.cache
        self.build = configure(config, root, cache, self.loaded, self.site_languages(), self.build_language)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        self._start_other_languages(config, at_config=False)
        return add_files(self._build(), self.session, self.config, files, config)

    def _start_other_languages(self, config: MkDocsConfig, *, at_config: bool) -> None:
        """Under `mkdocs serve`, the other languages' processes asked to build as soon as
        the site folder allows: at on_config under --dirty (nothing is cleaned), else at
        on_files (MkDocs cleans the site folder between the two)."""
        session = self.session
        wanted = self.build_language is None and session.serving and self.config.language_processes
        if wanted and session.dirty == at_config:
            session.languages.start(config, self.site_languages(), prepare_language, dirty=session.dirty)

    # Last: the navigation as the theme gets it.
    @event_priority(-100)
    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        build = self._build()
        build.nav = languages.translated_nav(nav, config, self.config.nav_translations, self._title)
        return nav

    def _title(self, file: File) -> Markup | None:
        """A generated navigation page's title (escaped once already: pages.finish)."""
        made = self._build().generated.get(file.src_uri)
        title = made.meta.get("title") if made is not None else None
        return Markup(title) if isinstance(title, str) else None

    # Last: the environment every page is rendered with.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        return loop.ready_env(self._build(), self.session, self.config, env, config, files)

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        languages.own_title(self._build().served, page)
        return markdown

    # Last: a pre-rendered page is packed away here until its turn to be written.
    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        return content.page_content(self._build(), html, page, files)

    # First: a pre-rendered page gets its HTML back before any plugin sees its context.
    @event_priority(100)
    def _unpack_page(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        return loop.unpack(self._build(), context, page)

    # Last, so that the shell is rendered with what every other plugin put in the context.
    @event_priority(-100)
    def _stamp_page(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        return loop.stamp(self._build(), self.config, context, page)

    on_page_context = CombinedEvent(_unpack_page, _stamp_page)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return content.post_page(self._build(), output, page)

    def on_build_error(self, *, error: Exception) -> None:
        loop.end(self.build, self.session)
        self.session.languages.settle()  # no other language's process is still building

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self._build()
        loop.end(build, self.session)  # every page is written
        if self.build_language is None:
            session = self.session
            session.languages.build(
                config, self.site_languages(), self._hand_over, serving=session.serving, dirty=session.dirty
            )

    def _hand_over(self, other: MkDocsConfig, language: str) -> None:
        """What the build of another language (``other``) takes from this one."""
        prepare_language(other, language, self.site_languages(), (self._build().kb, self._build().problems))

    # on_pre_build runs after every plugin's on_config, so the offline plugin's polyfill is in.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        content.local_polyfill(config)
        loop.listed_theme(self.session, config)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        self.session.watcher = watch(server, self.content_root(config), config.docs_dir)
        return server

    def _build(self) -> Build:
        assert self.build is not None, "an event before on_config"
        return self.build


def prepare_language(
    config: MkDocsConfig,
    language: str,
    languages: list[str],
    loaded: tuple[KnowledgeBase, list[Problem]] | None = None,
) -> None:
    """The opskb plugin of ``config`` builds ``language`` of the site's ``languages``, from
    the knowledge base ``loaded`` (checked by the first language's build), or checking
    the content itself (None: in a language's own process, language_process.py)."""
    plugin = next(p for p in config.plugins.values() if isinstance(p, OpskbPlugin))
    plugin.build_language, plugin.loaded = language, loaded
    plugin.config.languages = languages
