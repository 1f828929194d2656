"""The MkDocs plugin: load and check the knowledge base, generate its pages in memory.

Registered as the ``opskb`` entry point of ``mkdocs.plugins``. Configuration::

    plugins:
      - opskb:
          root: .            # content root (runbooks/, escalation/, status_mappings/);
                             # relative to mkdocs.yml, default its directory
          workers: 0         # optional: worker processes that make and write runbook
                             # and alert pages (site/parallel.py); default one per core
                             # but one, from 400 such pages; 0: all in the build's process

What it does, by MkDocs event:

* ``on_config``: runs ``check_tree`` (the same code as ``opskb check``); any error aborts
  the build with the checker's ``path:line:col: CODE message`` lines. Adds the page
  script (incident timer) and styles, and the marketplace pages to the navigation.
* ``on_files``: adds the generated pages (``File.generated``, nothing written to docs/)
  and the vendored assets. Runbook pages are ``NOT_IN_NAV``: the navigation lists index
  pages only, so each page renders a small navigation and the build stays linear in the
  number of runbooks (see benchmarks/site_bench.py).
* ``on_pre_build``: replaces the CDN polyfill that mkdocs-material's offline plugin adds
  (for search from file://) with the vendored copy.
* ``on_files`` also writes the search index (opskb.search.searchindex: the same index and
  ranking as `opskb find`) as script files under ``assets/opskb/search/``.
* ``on_env``: in a large ``mkdocs build``, starts the workers that write the runbook and
  alert pages, each through MkDocs' own page build, ahead of MkDocs' loop, which then
  passes over them (``_start_writers``: only with MkDocs' own loop, and only when every
  plugin handling a page's context or output is on an allow-list).
* ``on_page_content``: puts the HTML blocks of a generated page in place of their
  placeholders (see ``pages._Page``: only headings go through Markdown).
* ``on_post_page``: puts the search box in the header (opskb.build.searchbox; Material's
  own search plugin is not used), and loads the vendored Mermaid only on pages that have
  a diagram, before the theme bundle, so the theme never fetches it from its CDN.
* ``on_serve``: watches the content folders and the schemas, so ``mkdocs serve``
  rebuilds when a YAML file changes: with inotify where there is one (a rebuild at once;
  then the handwritten pages of docs/ too, in MkDocs' place), else with MkDocs' polling
  watcher.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import itertools
import json
import logging
import marshal
import os
import posixpath
import re
import secrets
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
from markupsafe import Markup, escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from ..gate.checker import check_tree
from ..model.addresses import HOME, MARKETPLACES, marketplace_uri
from ..model.kb import KnowledgeBase, markets_in_order
from ..model.layout import CONTENT_FOLDERS, SCHEMAS, SYNONYMS_FILE
from ..model.problems import ERROR, CommandError, Problem
from ..site import sources
from ..site.escape import page_title
from ..site.headings import HeadingStyle
from ..site.i18n import DEFAULT, Served, root_link, serve
from ..site.labels import LANGUAGES, language_of
from ..site.pages import GeneratedPage, PageBody, PlannedPage, Site
from ..site.render import TemplateProblem, override_dirs
from .parallel import Workers, can_fork, cores
from .preview import BuildCache
from .searchbox import index_files, with_search_box
from .stamp import Shell

log = logging.getLogger("mkdocs.plugins.opskb")

try:  # MkDocs' own build of one page: what the page writers run (OpskbPlugin._start_writers)
    from mkdocs.commands.build import _build_page
except ImportError:  # a MkDocs without it: MkDocs' loop writes every page
    _build_page = None

# The site package holds the theme and assets; this adapter only hands them to MkDocs.
SITE_PACKAGE = Path(__file__).parents[1] / "site"
ASSETS = SITE_PACKAGE / "assets"
# The theme template of the pages the plugin stamps (PreRenderedPage, _Stamper).
THEME_DIR = SITE_PACKAGE / "theme"
# Material's language switch, each link leading to the same page (before Material's own).
LANGUAGES_THEME_DIR = SITE_PACKAGE / "theme_languages"
STAMPED_TEMPLATE = "opskb-stamped.html"
# Vendored, MIT-licensed (licences beside them), so that nothing is fetched at view time:
# `npm pack mermaid@11.17.2` -> package/dist/mermaid.min.js (mkdocs-material 9.8 expects
# Mermaid 11) and `npm pack iframe-worker@1.0.4` -> package/shim/index.js. To update,
# pack the new version, replace the file and change the name here.
ASSET_DIR = "assets/opskb"
MERMAID = "vendor/mermaid-11.17.2.min.js"
IFRAME_WORKER = "vendor/iframe-worker-1.0.4-shim.js"
# What mkdocs-material's offline plugin adds for search from file://; served locally.
CDN_IFRAME_WORKER = "https://unpkg.com/iframe-worker/shim"

_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')


class OpskbConfig(Config):
    root = c.Optional(c.Type(str))
    # Pretend today is this date (YYYY-MM-DD) for review-overdue banners; for tests.
    today = c.Optional(c.Type(str))
    # Wrap runbook and alert pages in the theme once per group of alike pages (_Stamper);
    # false renders the theme for every page, as MkDocs does (tests compare the two).
    stamp = c.Type(bool, default=True)
    # Worker processes that make runbook and alert pages, then write them in the theme
    # (site/parallel.py): by default one per core but one for a build of PARALLEL_FROM
    # such pages or more; 0 does both in the build's own process (tests compare the two).
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


# Fewer pages are made faster than workers start.
PARALLEL_FROM = 400


class OpskbPlugin(BasePlugin[OpskbConfig]):
    kb: KnowledgeBase
    problems: list[Problem]
    site: Site
    generated: dict[str, GeneratedPage]
    # what a docs/ macro failed with (opskb.site.macros): the build fails on the first page
    macro_errors: list[str]
    home_lead: str
    search_box: str

    # Kept across the rebuilds of one `mkdocs serve` (MkDocs reuses a plugin instance that
    # has on_startup): the nonce, what the next build can reuse (site/preview.py) and,
    # under --dirty, the folder of generated page sources.
    nonce: str | None = None
    cache: BuildCache | None = None
    preview_dir: Path | None = None
    workers: Workers | None = None
    # the workers that write pre-rendered pages in the theme, from on_env (_start_writers)
    writers: Workers | None = None
    nav: Any = None
    # the pages the nav setting names (None: no nav setting, MkDocs lists every page)
    nav_uris: set[str] | None = None
    # the content folders' watcher under `mkdocs serve`, when the system notifies changes
    watcher: Any = None
    shelf: _Shelf | None = None
    # The language this build makes (site/i18n.py): None in the build MkDocs started, which
    # makes the first language; the plugin of the build of each other language, which
    # that build starts (``_build_languages``), has it set, and the knowledge base it loaded.
    build_language: str | None = None
    loaded: tuple[KnowledgeBase, list[Problem]] | None = None
    dirty = False
    # each other language's build: its last configuration, and its plugin instances
    # (kept under `mkdocs serve`, as MkDocs keeps this build's: _other_config)
    other_builds: dict[str, MkDocsConfig]
    other_plugins: dict[str, dict[str, Any]]

    def __init__(self) -> None:
        super().__init__()
        self.other_builds, self.other_plugins = {}, {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.nonce = secrets.token_hex(8)
        self.dirty = dirty
        if command == "serve":
            self.cache = BuildCache()
        if command == "serve" and dirty:
            self.preview_dir = Path(tempfile.mkdtemp(prefix="opskb-preview-"))
            # uri -> what its file was last written from (a digest, or the text itself)
            self.preview_versions: dict[str, str] = {}
            self.preview_pages: dict[str, GeneratedPage] = {}
            # uri -> (the page, the settings, its File) of a pre-rendered page (_kept_file)
            self.preview_files: dict[str, tuple[GeneratedPage, tuple[Any, ...], File]] = {}

    def on_shutdown(self) -> None:
        self._shutdown_languages()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        if self.cache is not None:
            self.cache.collector.cancel()
        if self.preview_dir is not None:
            shutil.rmtree(self.preview_dir, ignore_errors=True)
            self.preview_dir = None

    def content_root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        root = self.config.root
        return (base / root).resolve() if root else base

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.cache is not None:
            self.cache.collector.cancel()
        root = self.content_root(config)
        self.macro_errors = []
        try:
            if self.loaded is not None:  # another language's build: checked by the first
                self.kb, self.problems = self.loaded
            else:
                self.kb, self.problems = check_tree(root, cache=self.cache.loads if self.cache else None)
        except CommandError as err:  # an unreadable schema: one line, as opskb check says it
            raise PluginError(str(err)) from None
        errors = [p for p in self.problems if p.level == ERROR]
        for problem in self.problems:
            if problem.level != ERROR:
                # Warnings (review overdue...) are the checker's business, not the build's:
                # logged at info level so that `mkdocs build --strict` does not fail on them.
                log.info("opskb: %s", problem.as_text())
        if errors:
            lines = "\n".join(p.as_text() for p in errors)
            raise PluginError(f"opskb: the content under {root} has errors:\n{lines}")
        config.theme.dirs.append(str(THEME_DIR))  # last: it only adds STAMPED_TEMPLATE
        self._set_languages(config)
        config.extra_css.append(f"{ASSET_DIR}/opskb.css")
        config.extra_javascript.append(f"{ASSET_DIR}/opskb.js")
        config.extra_javascript.append(f"{ASSET_DIR}/search.js")
        self._extend_nav(config)
        return config

    def site_languages(self) -> list[str]:
        return list(dict.fromkeys(self.config.languages or []))

    def _set_languages(self, config: MkDocsConfig) -> None:
        """The language of this build in the theme (Material's interface follows it), and
        the language switch: Material's ``extra.alternate``, whose partial opskb replaces
        (theme_languages/) so that each link leads to the same page in that language."""
        languages = self.site_languages()
        if not languages:
            return
        language = self.build_language or languages[0]
        config.theme["language"] = language
        if len(languages) < 2:
            return
        config.extra["alternate"] = [
            {"name": _autonym(other), "lang": other, "link": root_link(language, other, languages), "opskb_page": True}
            for other in languages
        ]
        # Before Material's own partials, after a team's custom_dir (which may override it).
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(LANGUAGES_THEME_DIR))

    def _extend_nav(self, config: MkDocsConfig) -> None:
        """Append every marketplace page to the nav section that lists the marketplace index."""
        if not config.nav:
            return
        # A nav title is the page's title everywhere the theme shows it (the navigation, the
        # footer, the tabs), printed unescaped: it arrives escaped, like the front matter's.
        pages = [{page_title(m.data["name"]): marketplace_uri(m.id)} for m in markets_in_order(self.kb)]

        def visit(items: list[Any]) -> bool:
            for item in items:
                children = _target(item)
                if isinstance(children, list):
                    if any(_target(child) == MARKETPLACES for child in children):
                        children.extend(pages)
                        return True
                    if visit(children):
                        return True
            return False

        visit(config.nav)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # The Site is made here, not in on_config: the offline plugin (listed later)
        # changes use_directory_urls in its on_config, and generated links depend on it.
        today = date.fromisoformat(self.config.today) if self.config.today else None
        language, overrides = self.language(config), self.override_dirs(config)
        self.site = Site(
            self.kb,
            today=today,
            use_directory_urls=config.use_directory_urls,
            language=language,
            override_dirs=overrides,
            nonce=self.nonce,
            renderer=self.cache.renderer(self.nonce, language, overrides) if self.cache and self.nonce else None,
            rules_reference=self.config.rules_reference,
        )
        # A generated page the navigation does not list is left out of it, not reported:
        # a team's nav names only the sections it has.
        self.nav_uris = _nav_uris(config.nav) if config.nav else None
        self.generated = {}
        # Handwritten pages in the site's language (site/i18n.py).
        self.served = _select_language(files, config, language_of(language))
        try:
            planned = self.site.planned(self.cache.pages if self.cache else None)
            self.home_lead = self._home_lead()
            self.search_box = self.site.search_box({name: _material_icon(name) for name in SEARCH_ICONS})
        except TemplateProblem as problem:
            raise PluginError(f"opskb: a page template fails: {problem}") from None
        root, docs_dir = self.content_root(config), Path(config.docs_dir).resolve()
        style = HeadingStyle.from_toc(config.mdx_configs.get("toc")) if "toc" in config.markdown_extensions else None
        # What MkDocs reads of a page it does not get from Markdown; made in the workers, if any.
        ready: dict[str, Callable[[], GeneratedPage | PageBody]] = {}
        if style is not None:
            ready = {plan.src_uri: functools.partial(self._ready, plan, style) for plan in planned if not plan.in_nav}
        self.workers = self._start_workers(list(ready.values()))
        self._close_shelf()
        self.shelf = _Shelf()
        if self.workers is not None:
            ready = {src: functools.partial(self.workers.get, n) for n, src in enumerate(ready)}
        settings = (*_page_settings(config), str(root))  # what a kept page was made with
        for plan in planned:
            if files.get_file_from_path(plan.src_uri) is not None:
                raise PluginError(f"opskb: docs/{plan.src_uri} collides with a generated page; rename it")
            # Pages in the navigation keep MkDocs' own Page: it takes their title from the nav.
            # The others are made when MkDocs reads them, one at a time (PreRenderedPage), but
            # under `serve --dirty` now: their files tell MkDocs which of them changed.
            prerendered = style is not None and not plan.in_nav
            if prerendered and self.preview_dir is None:
                inclusion = InclusionLevel.NOT_IN_NAV
                generated = File.generated(config, plan.src_uri, content="", inclusion=inclusion)
            else:  # under --dirty the page is made now, and plan.get() later finds it cached
                made = self._made(plan)
                if not prerendered:
                    self.generated[plan.src_uri] = made
                kept = self._kept_file(plan.src_uri, made, settings) if prerendered else None
                if kept is not None:
                    assert isinstance(kept.page, PreRenderedPage)
                    kept.page.renew(ready[plan.src_uri], self.shelf)
                    files.append(kept)
                    continue
                generated = self._generated(made, config)
            # "Edit this page" opens its YAML source (site/sources.py); set before a Page
            # is made, which reads it.
            generated.edit_uri = sources.edit_uri(self.kb, plan.src_uri, docs_dir, root)
            if prerendered:
                PreRenderedPage(generated, config, ready[plan.src_uri], self.shelf)  # generated.page
                if self.preview_dir is not None:
                    self.preview_files[plan.src_uri] = (made, settings, generated)
            files.append(generated)
        for path in sorted(ASSETS.rglob("*")):
            if path.is_file():
                uri = f"{ASSET_DIR}/{path.relative_to(ASSETS).as_posix()}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        synonyms = files.get_file_from_path(SYNONYMS_FILE)
        if synonyms is not None:
            files.remove(synonyms)  # content for search, not a page or an asset
        memo = self.cache.index if self.cache else None
        if memo is not None:
            memo.language = language_of(language)  # one plugin, one language: its own memo
        rules, lang = self.config.rules_reference, language_of(language)
        for uri, content in index_files(self.kb, docs_dir, config.use_directory_urls, memo, rules, lang):
            files.append(self._asset(config, f"{ASSET_DIR}/{uri}", content))
        return files

    def _home_lead(self) -> str:
        """The home page's lead block; under `mkdocs serve`, made again only when what it
        lists changed."""
        if self.cache is None:
            return self.site.home_lead()
        key = self.site.listing_key
        if self.cache.home_lead is None or self.cache.home_lead[0] != key:
            self.cache.home_lead = (key, self.site.home_lead())
        return self.cache.home_lead[1]

    @staticmethod
    def language(config: MkDocsConfig) -> str:
        """The theme's language (``theme.language``, set per build when the site has
        ``languages``): Material's interface follows it too."""
        return str(config.theme.get("language") or "en")

    @staticmethod
    def override_dirs(config: MkDocsConfig) -> list[Path]:
        """``opskb/`` under the theme's custom_dir: a team's own versions of our templates,
        looked up before the packaged ones, as Material looks up its partials."""
        return override_dirs(config.theme.custom_dir)

    @staticmethod
    def _made(plan: PlannedPage) -> GeneratedPage:
        try:
            return plan.get()
        except TemplateProblem as problem:
            raise PluginError(f"opskb: a page template fails: {problem}") from None

    @staticmethod
    def _ready(plan: PlannedPage, style: HeadingStyle) -> GeneratedPage | PageBody:
        try:
            return plan.ready(style)
        except TemplateProblem as problem:
            raise PluginError(f"opskb: a page template fails: {problem}") from None

    def _start_workers(self, jobs: list[Callable[[], Any]]) -> Workers | None:
        """Workers for a build (not for `mkdocs serve`, whose pages stay in this process
        from one rebuild to the next) that has enough pages to gain from them."""
        wanted = self._workers_wanted(len(jobs))
        return Workers(jobs, wanted) if wanted else None

    def _workers_wanted(self, pages: int) -> int:
        """How many worker processes ``pages`` pages get: none under `mkdocs serve`."""
        if self.cache is not None or not pages or not can_fork():
            return 0
        wanted = self.config.workers
        if wanted is None:  # one core is the build's own: it works meanwhile
            wanted = cores() - 1 if pages >= PARALLEL_FROM else 0
        return max(wanted, 0)

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()

    def _end_build(self) -> tuple[Workers | None, Workers | None]:
        """A build is over (written, or failed): its workers stop, its shelf goes, and under
        `mkdocs serve` its garbage is collected once the server is idle. Returns the
        workers it had (page makers, page writers), for their figures."""
        workers, self.workers = self.workers, None
        writers, self.writers = self.writers, None
        for pool in (workers, writers):
            if pool is not None:
                pool.close()
        if writers is not None:
            logging.getLogger(BUILD_LOGGER).removeFilter(self.written)
        self._close_shelf()
        if self.cache is not None:
            self.cache.collector.after_build()
        return workers, writers

    def _close_shelf(self) -> None:
        if self.shelf is not None:
            self.shelf.close()
            self.shelf = None

    def _generated(self, page: GeneratedPage, config: MkDocsConfig) -> File:
        listed = page.in_nav and (self.nav_uris is None or page.src_uri in self.nav_uris)
        inclusion = InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV
        if self.preview_dir is None:
            return File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)
        # `mkdocs serve --dirty`: MkDocs re-renders a page only when its source is newer
        # than its output, so each generated page is a file rewritten only when what it
        # says changed (its Markdown with the blocks in place). One YAML edit re-renders
        # the pages it changes, not the site.
        if self.preview_pages.get(page.src_uri) is not page:  # made anew by this build
            # What the page says is its Markdown with its blocks in place: a change of a
            # block alone must rewrite the file too.
            digest = hashlib.blake2b(page.text.encode("utf-8"), digest_size=16).hexdigest()
            self._preview_file(page.src_uri, page.content, digest)
            self.preview_pages[page.src_uri] = page
        path = self.preview_dir / page.src_uri
        return File.generated(config, page.src_uri, abs_src_path=str(path), inclusion=inclusion)

    def _kept_file(self, src_uri: str, made: GeneratedPage, settings: tuple[Any, ...]) -> File | None:
        """Under `serve --dirty`, the File (and its Page) of the last build for a page made
        from the same inputs with the same settings: MkDocs neither reads nor writes an
        unchanged page, and making 6,000 of them anew was a fifth of a rebuild."""
        found = self.preview_files.get(src_uri)
        if found is None or found[0] is not made or found[1] != settings:
            return None
        return found[2]

    def _asset(self, config: MkDocsConfig, uri: str, content: str) -> File:
        """A generated asset (a search index file); under `serve --dirty`, a file rewritten
        only when it changed, so that MkDocs copies only those."""
        if self.preview_dir is None:
            return File.generated(config, uri, content=content)
        self._preview_file(uri, content, content)
        return File.generated(config, uri, abs_src_path=str(self.preview_dir / uri))

    def _preview_file(self, uri: str, content: str, version: str) -> None:
        assert self.preview_dir is not None
        path = self.preview_dir / uri
        if self.preview_versions.get(uri) != version or not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            self.preview_versions[uri] = version

    # Last: the navigation as the theme gets it.
    @event_priority(-100)
    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        language = language_of(self.language(config))
        if language != DEFAULT:  # the titles of mkdocs.yml are English
            _translate_nav(nav.items, self.config.nav_translations.get(language, {}), self._title_in_language)
        self.nav = nav
        return nav

    def _title_in_language(self, file: File) -> Markup | None:
        """A generated navigation page's title in this build's language (a translated
        page's comes from its front matter, in on_page_markdown). Escaped once already
        (pages.finish), and marked so, as the titles of ``_extend_nav`` are (page_title)."""
        made = self.generated.get(file.src_uri)
        title = made.meta.get("title") if made is not None else None
        return Markup(title) if isinstance(title, str) else None

    # Last: the environment every page is rendered with.
    @event_priority(-100)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self.cache is not None:  # `mkdocs serve`: the theme compiles once, not at every rebuild
            env.bytecode_cache = self.cache.theme_templates
        self.stamper = _Stamper(env, self.nonce or secrets.token_hex(8))
        if self.workers is not None:  # every page is read: the workers that made them are done
            self.workers.close()
        self.writers = self._start_writers(env, config, files)
        return env

    def _start_writers(self, env: Any, config: MkDocsConfig, files: Files) -> Workers | None:
        """Workers that write the pre-rendered pages of a large build, theme and all, while
        MkDocs' own loop goes through them, each in a moment (``_Written``). Only where
        what they leave out of this process cannot matter: MkDocs' own build loop (not
        another engine's), and no plugin but those of ``_PAGE_EVENTS_ALLOWED`` handling a
        page's context or output (a plugin that keeps state from those events would not
        see these pages)."""
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [f.page for f in doc_files if isinstance(f.page, PreRenderedPage)]
        wanted = self._workers_wanted(len(pages))
        if not wanted or _build_page is None or type(config) is not MkDocsConfig or not _page_events_allowed(config):
            return None
        for number, page in enumerate(pages):
            page.writer = number
        jobs = [functools.partial(_write_elsewhere, page, config, doc_files, self.nav, env) for page in pages]
        self.written = _Written()
        logging.getLogger(BUILD_LOGGER).addFilter(self.written)
        return Workers(jobs, wanted, fallback=lambda _: False)

    # First: a pre-rendered page gets its HTML back before any plugin sees its context.
    @event_priority(100)
    def _unpack_page(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if isinstance(page, PreRenderedPage):
            if self.writers is not None and page.writer is not None and not page.writing:
                page.written = self.writers.get(page.writer)
                if page.passed_over:
                    self.written.uris.add(page.file.src_uri)
                    return context
            page.unpack()
        return context

    # Last, so that the shell is rendered with what every other plugin put in the context.
    @event_priority(-100)
    def _stamp_page(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        if isinstance(page, PreRenderedPage):
            context["opskb_page"] = "" if page.passed_over else self.stamper.render(context, page, self.config.stamp)
        return context

    on_page_context = CombinedEvent(_unpack_page, _stamp_page)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        workers, writers = self._end_build()  # every page is written
        if self.build_language is None:
            self._build_languages(config)
        for pool, did in ((workers, "made"), (writers, "written")):
            if pool is not None:
                log.debug(
                    "opskb: %d pages %s by %d worker processes and this one, %d of them here while "
                    "waiting and %d again by the build",
                    pool.jobs,
                    did,
                    pool.processes,
                    pool.shared,
                    pool.made_here,
                )
        stamper = getattr(self, "stamper", None)
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

    def _build_languages(self, config: MkDocsConfig) -> None:
        """The site of each language but the first, under its folder: a build of its own
        (every plugin, the theme and the page writers run as for the first), started
        from this one, as mkdocs-static-i18n builds its languages. It reads mkdocs.yml
        again with this build's site folder (plus the language's), strictness and
        address; its plugin takes the knowledge base this build checked. Under `mkdocs
        serve` its plugins are kept from one rebuild to the next (their caches too), as
        MkDocs keeps this build's."""
        from mkdocs.commands.build import build

        serving = self.cache is not None
        for language in self.site_languages()[1:]:
            first = language not in self.other_plugins
            other = self._other_config(config, language)
            if first or not serving:
                other.plugins.on_startup(command="serve" if serving else "build", dirty=self.dirty)
            self.other_builds[language] = other
            plugin = next(p for p in other.plugins.values() if isinstance(p, OpskbPlugin))
            plugin.build_language, plugin.loaded = language, (self.kb, self.problems)
            plugin.config.languages = self.site_languages()
            try:
                build(other, dirty=self.dirty)
            finally:
                if not serving:
                    self._shutdown_languages()

    def _other_config(self, config: MkDocsConfig, language: str) -> MkDocsConfig:
        """mkdocs.yml read again for ``language``'s build, with plugin instances of its own.
        MkDocs keeps one instance of each plugin that has on_startup for every
        configuration it reads (the Plugins option's ``plugin_cache``, one for all
        configurations: the adapter's third private use of MkDocs): the language's build
        gets its own cache for the read, kept for its next rebuild."""
        from mkdocs.config import load_config

        url = config.site_url and urljoin(config.site_url.rstrip("/") + "/", f"{language}/")
        site_dir = os.path.join(config.site_dir, language)
        cache = getattr(MkDocsConfig.plugins, "plugin_cache", None)
        own = self.other_plugins.setdefault(language, {})
        saved = dict(cache) if cache is not None else {}
        if cache is not None:
            cache.clear()
            cache.update(own)
        try:
            return load_config(config.config_file_path, site_dir=site_dir, strict=config.strict, site_url=url)
        finally:
            if cache is not None:
                own.clear()
                own.update(cache)
                cache.clear()
                cache.update(saved)

    def _shutdown_languages(self) -> None:
        for other in self.other_builds.values():
            other.plugins.on_shutdown()
        self.other_builds = {}
        self.other_plugins = {}

    # on_pre_build runs after every plugin's on_config, so the offline plugin's polyfill is in.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        polyfills = config.extra.get("polyfills")
        if isinstance(polyfills, list):
            config.extra["polyfills"] = [
                f"{ASSET_DIR}/{IFRAME_WORKER}" if url == CDN_IFRAME_WORKER else url for url in polyfills
            ]

    # Last: a pre-rendered page is packed away here until its turn to be written.
    @event_priority(-100)
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.macro_errors:  # macros rendered this page's Markdown just before
            raise PluginError("opskb: a macro in docs/ failed:\n" + "\n".join(self.macro_errors))
        served = self.served.get(page.file.src_uri)
        if served is not None and served.untranslated:  # shown in another language: say so
            html = _after_title(html, self.site.untranslated_note(served.language))
        if page.file.src_uri == HOME and page.file.generated_by is None:
            return _after_title(html, self.home_lead)
        if isinstance(page, PreRenderedPage):
            generated = page.markdown_page  # blocks to put back, when Markdown rendered it
        else:
            generated = self.generated.pop(page.file.src_uri, None)  # its blocks are needed once
            if generated is None or page.file.generated_by is None:
                return html
        log.debug("opskb: rendered %s", page.file.src_uri)
        if generated is not None:
            html = generated.expand(html)
        html += self._suggest(page, files, config)
        return page.pack(html) if isinstance(page, PreRenderedPage) else html

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # A translated page's front-matter title replaces the English one from the nav.
        served = self.served.get(page.file.src_uri)
        if served is not None and served.language != DEFAULT and isinstance(page.meta.get("title"), str):
            page.title = page.meta["title"]
        return markdown

    def _suggest(self, page: Page, files: Files, config: MkDocsConfig) -> str:
        """ "Suggest a change" under a generated page: its YAML source (site/sources.py)."""
        guide = files.get_file_from_path(sources.CONTRIBUTING)
        contributing = get_relative_url(guide.url, page.url) + f"#{sources.ASK_ANCHOR}" if guide else None
        source = sources.yaml_source(self.kb, page.file.src_uri)
        return sources.suggest_block(self.site.renderer, page.edit_url, source, contributing)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if isinstance(page, PreRenderedPage):
            page.release()
            if page.passed_over:
                return ""  # written already: MkDocs writes nothing for an empty page
        output = with_search_box(output, self.search_box)
        if 'class="mermaid"' not in output:
            return output
        src = get_relative_url(f"{ASSET_DIR}/{MERMAID}", page.url)
        tag = f'<script src="{src}"></script>'
        match = _BUNDLE.search(output)
        if match is None:
            return output.replace("</body>", f"{tag}</body>", 1)
        return output[: match.start()] + tag + output[match.start() :]

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        root = self.content_root(config)
        folders = [str(root / folder) for folder in (*CONTENT_FOLDERS, SCHEMAS) if (root / folder).is_dir()]
        docs = os.path.abspath(config.docs_dir)
        self.watcher = _notified_watch(server, [*folders, docs])
        if self.watcher is None:
            for folder in folders:
                server.watch(folder)
        else:  # the handwritten pages too: MkDocs, which watched them, polls no longer
            server.unwatch(docs)
        return server


class PreRenderedPage(Page):
    """A generated page made when MkDocs reads it, whose HTML, table of contents and
    anchors opskb writes itself (site/headings.py: what Markdown would make of them):
    MkDocs does not run Markdown on it, and a large build holds one page's parts at a
    time. Plugins see it as any page: its front matter as ``meta``, its Markdown empty.
    A page with Markdown of its own (a team's template may add some) goes through Markdown."""

    def __init__(
        self, file: File, config: MkDocsConfig, get: Callable[[], GeneratedPage | PageBody], shelf: _Shelf
    ) -> None:
        super().__init__(None, file, config)
        self._get = get
        self._shelf = shelf
        self._made: GeneratedPage | PageBody | None = None
        # the page, while Markdown renders it: its blocks go back in on_page_content
        self.markdown_page: GeneratedPage | None = None

    def renew(self, get: Callable[[], GeneratedPage | PageBody], shelf: _Shelf) -> None:
        """Kept for another build (``OpskbPlugin._kept_file``): what it is made by and
        packed on now, should MkDocs read it again (its output was deleted)."""
        self._get, self._shelf = get, shelf
        self._made, self._packed, self._toc_tokens, self._own_parts = None, None, None, False
        self.markdown_page = None

    def _set_canonical_url(self, base: str | None) -> None:
        # MkDocs' own (Page._set_canonical_url), through a cache: `mkdocs serve` makes
        # every page anew at each rebuild, and urljoin is most of a Page's making.
        self.canonical_url, self.abs_url = _canonical_urls(base, self.url)

    def read_source(self, config: MkDocsConfig) -> None:
        made = self._made = self._get()
        if isinstance(made, GeneratedPage):  # only Markdown can render it
            self.markdown, self.meta = get_data(made.content)
            self.markdown_page = made
        else:
            self.markdown = ""
            self.meta = dict(made.meta)
        # The theme template prints what _Stamper made of the theme's own template.
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

    # MkDocs reads every page before it writes any: between the two, a large site would
    # hold every page's HTML and table of contents. A pre-rendered page keeps them
    # compressed (a tenth of the size) on the build's shelf from the end of its reading
    # to its writing.
    _packed: tuple[int, int] | None = None
    # the table of contents as tokens, from its rendering to its packing
    _toc_tokens: list[dict[str, Any]] | None = None
    # made by opskb, not by Markdown: packed until its writing, released after it
    _own_parts = False
    # its number among the jobs of the build's writers (OpskbPlugin._start_writers), if any
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
        tokens = self._toc_tokens
        if tokens is None:  # rendered by Markdown: its table of contents stays as it is
            return html
        self._packed = self._shelf.put(zlib.compress(marshal.dumps((html, tokens)), 1))
        self.toc, self._toc_tokens, self._own_parts = get_toc([]), None, True
        return ""

    def release(self) -> None:
        """Written: the page's HTML is not kept to the end of the build."""
        if self._own_parts:
            self.content, self.toc = "", get_toc([])

    def unpack(self) -> None:
        if self._packed is not None:
            html, tokens = marshal.loads(zlib.decompress(self._shelf.take(self._packed)))
            self.content, self.toc, self._packed = html, get_toc(tokens), None


class _Shelf:
    """Where the pre-rendered pages of one build wait from their reading to their writing:
    a temporary file, so that a large build does not hold them all in its memory (the
    system's page cache does, while it has room)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="opskb-pages-")  # noqa: SIM115 (closed by close())
        self._end = 0

    def put(self, data: bytes) -> tuple[int, int]:
        """Store ``data``; returns where it is."""
        os.pwrite(self._file.fileno(), data, self._end)
        where = (self._end, len(data))
        self._end += len(data)
        return where

    def take(self, where: tuple[int, int]) -> bytes:
        start, size = where
        return os.pread(self._file.fileno(), size, start)

    def close(self) -> None:
        self._file.close()


# What a watched file's change is ("closed": after writing); not its being opened or read
# without a write, which the build itself does to every file.
_CHANGES = frozenset({"created", "deleted", "modified", "moved", "closed"})


def _notified_watch(server: LiveReloadServer, folders: list[str]) -> Any:
    """Watch ``folders`` with the system's notifications (inotify), which start a
    rebuild at once: MkDocs' own watcher polls every 0.5 s and walks every watched file
    each time, 3,000 runbooks a tenth of a second per walk. The rebuild is asked for as
    MkDocs' watcher asks (its server's condition: MkDocs 1.6 has no public call for it);
    None, and MkDocs' watcher is used, where either is not there."""
    condition = getattr(server, "_rebuild_cond", None)
    if condition is None or not hasattr(server, "_want_rebuild") or not folders:
        return None
    try:
        from watchdog.events import FileSystemEvent, FileSystemEventHandler
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        return None

    class Changed(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.is_directory or event.event_type not in _CHANGES:
                return
            with condition:
                server._want_rebuild = True
                condition.notify_all()

    observer = InotifyObserver()
    try:
        for folder in folders:
            observer.schedule(Changed(), folder, recursive=True)
        observer.start()
    except OSError as error:  # the system's limit on watches, say
        log.info("opskb: the content folders are polled (%s)", error)
        observer.stop()
        return None
    log.info("opskb: watching %s for changes", ", ".join(folders))
    return observer


# The logger of MkDocs' build loop, which notes each page it does not write.
BUILD_LOGGER = "mkdocs.commands.build"

# Plugins whose page_context and post_page events can run in a worker process: they keep
# no state from them (Material's tags plugin adds the page's tags to its context).
_PAGE_EVENTS_ALLOWED = frozenset({"material.plugins.tags.plugin.TagsPlugin", f"{__name__}.OpskbPlugin"})


def _page_events_allowed(config: MkDocsConfig) -> bool:
    handlers = (*config.plugins.events["page_context"], *config.plugins.events["post_page"])
    owners = {type(getattr(handler, "__self__", None)) for handler in handlers}
    return all(f"{owner.__module__}.{owner.__qualname__}" in _PAGE_EVENTS_ALLOWED for owner in owners)


def _write_elsewhere(page: PreRenderedPage, config: MkDocsConfig, doc_files: Any, nav: Any, env: Any) -> bool:
    """A writer's job: the page built and written as MkDocs' loop builds it (the same
    function, so every plugin event and the theme run as they would), ahead of that loop."""
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


def _page_settings(config: MkDocsConfig) -> tuple[Any, ...]:
    """What a Page's making reads of the configuration besides its file."""
    return (
        config.site_url,
        config.repo_url,
        config.edit_uri,
        config.edit_uri_template,
        config.use_directory_urls,
        config.docs_dir,
        config.site_dir,
        json.dumps(config.mdx_configs.get("toc"), sort_keys=True, default=str),
    )


@functools.lru_cache(maxsize=1 << 16)
def _canonical_urls(base: str | None, url: str) -> tuple[str | None, str | None]:
    if not base:
        return None, None
    canonical = urljoin(base if base.endswith("/") else base + "/", url)
    return canonical, urlsplit(canonical).path


class _Stamper:
    """The theme's page for every PreRenderedPage, rendered once per group of pages the theme
    wraps alike and filled for each (site/stamp.py). A group's shell is rendered from a copy
    of its first page with a sentinel in each place that differs between pages (title,
    body, table of contents, edit link, URL); it is used only if filling it for that real
    page gives exactly what the theme renders for it, and for any page only if the rest of
    the page's context is the same as the group's. Otherwise the theme renders the page."""

    def __init__(self, env: Any, nonce: str) -> None:
        self.env = env
        self.mark = f"opskb{nonce}"
        self.shells: dict[tuple[Any, ...], tuple[Shell, dict[str, Any]] | None] = {}
        self.toc_shells: dict[tuple[Any, ...], Shell | None] = {}
        self.partials: dict[str, Any] = {}
        self.stamped = 0
        self.rendered = 0

    def render(self, context: dict[str, Any], page: PreRenderedPage, stamp: bool = True) -> str:
        template = self.env.get_template(page.theme_template)
        if not stamp:
            self.rendered += 1
            return template.render(context)
        key = self._group(context, page)
        if key not in self.shells:
            self.shells[key] = self._shell(template, context, page)
        found = self.shells[key]
        if found is not None:
            shell, lang = found
            output = shell.fill(self._values(context, page, lang))
            if self.mark not in output:  # no sentinel the theme changed is left over
                self.stamped += 1
                return output
        self.rendered += 1
        return template.render(context)

    def _group(self, context: dict[str, Any], page: PreRenderedPage) -> tuple[Any, ...]:
        meta = {k: v for k, v in page.meta.items() if k not in ("title", "kb_tags")}
        toc = list(page.toc)
        others = []
        for name, value in sorted(context.items()):
            # The page and its tags are what the sentinels stand for; MkDocs' build time is a
            # new value for every page, which the theme does not print (a template that did
            # would show the group's first value).
            if name in ("page", "build_date_utc") or (name == "tags" and self._partial("tags") is not None):
                continue
            others.append((name, _frozen(value)))
        return (
            page.theme_template,
            posixpath.dirname(page.url),
            json.dumps(meta, sort_keys=True, default=str),
            bool(toc),
            bool(toc) and toc[0].level == 1,
            page.edit_url is None,
            page.canonical_url is None,
            "<h1" in (page.content or ""),
            tuple(others),
        )

    def _sentinel_page(self, page: PreRenderedPage) -> Page:
        mark = self.mark
        sentinel = copy.copy(page)
        sentinel.file = copy.copy(page.file)
        sentinel.file.url = posixpath.join(posixpath.dirname(page.url), f"{mark}u.html")
        # A title with markup and an entity: a place where the theme escapes or strips it
        # leaves a broken sentinel behind, and the page is rendered, not stamped.
        sentinel.meta = {**page.meta, "title": f"{mark}t&amp;<b>{mark}</b>"}
        sentinel.content = f'<h1 id="{mark}h">{mark}c</h1>'
        sentinel.toc = get_toc([{"level": 1, "id": f"{mark}k", "name": "x", "html": "x", "children": []}])
        sentinel.edit_url = None if page.edit_url is None else f"https://{mark}e.invalid/edit"
        if page.canonical_url is not None:
            sentinel.canonical_url = f"https://{mark}c.invalid/{mark}u.html"
            sentinel.abs_url = f"/{mark}a/{mark}u.html"
        return sentinel

    def _shell(self, template: Any, context: dict[str, Any], page: PreRenderedPage) -> tuple[Shell, dict] | None:
        mark, sentinel = self.mark, self._sentinel_page(page)
        # One tag with sentinel text: a theme that prints tags anywhere but through its tags
        # partial leaves the sentinel in the shell, and no page is filled from it.
        tags = [SimpleNamespace(name=f"{mark}g", url=f"{mark}g.html", hidden=False)]
        lang_context = {**context, "page": sentinel, "tags": tags}
        lang = {"lang": self.env.get_template("partials/language.html").make_module(lang_context)}
        features = {"features": context["config"].theme.get("features") or []}
        sentinels = {
            "title": sentinel.meta["title"],
            "content": sentinel.content,
            "skip": f"{mark}k",
            "url": f"{mark}u.html",
        }
        full = {**lang_context, **lang, **features}
        for slot in ("toc", "tags"):
            part = self._render_partial(slot, full)
            if part:
                sentinels[slot] = part
        if sentinel.edit_url:
            sentinels["edit"] = sentinel.edit_url
        if sentinel.canonical_url:
            sentinels["canonical"] = sentinel.canonical_url
            sentinels["abs_url"] = sentinel.abs_url or ""
        shell = Shell.cut(template.render(lang_context), sentinels)
        found = (shell, {**lang, **features})
        # The shell must give what the theme gives, for this page at least.
        if shell.fill(self._values(context, page, found[1])) != template.render(context):
            log.debug("opskb: the theme's page for %s is rendered for each page", page.file.src_uri)
            return None
        return found

    def _partial(self, name: str) -> Any:
        if name not in self.partials:  # one stamper per build: the theme does not change
            try:
                self.partials[name] = self.env.get_template(f"partials/{name}.html")
            except jinja2.TemplateNotFound:  # a theme without it: the page has no such slot
                self.partials[name] = None
        return self.partials[name]

    def _render_partial(self, name: str, context: dict[str, Any]) -> str | None:
        template = self._partial(name)
        return None if template is None else template.render(context)

    def _page_toc(self, context: dict[str, Any], page: PreRenderedPage) -> str | None:
        """The theme's table of contents of ``page`` (``context``: the group's, ``lang``
        included): a shell per shape of table (the nesting of its items) filled with the
        page's titles and anchors, vouched for by the first page of that shape as the page
        shells are; else the partial's render."""
        key = (id(context["lang"]), _toc_shape(page.toc))
        if key not in self.toc_shells:
            self.toc_shells[key] = self._toc_shell(context, page)
        shell = self.toc_shells[key]
        if shell is not None:
            output = shell.fill(_toc_values(page.toc))
            if self.mark not in output:
                return output
        return self._render_partial("toc", context)

    def _toc_shell(self, context: dict[str, Any], page: PreRenderedPage) -> Shell | None:
        sentinel = copy.copy(page)
        sentinel.toc = get_toc(_sentinel_tokens(page.toc, self.mark))
        rendered = self._render_partial("toc", {**context, "page": sentinel})
        if rendered is None:
            return None
        shell = Shell.cut(rendered, _toc_values(sentinel.toc))
        if shell.fill(_toc_values(page.toc)) != self._render_partial("toc", context):
            return None
        return shell

    def _values(self, context: dict[str, Any], page: PreRenderedPage, extra: dict[str, Any]) -> dict[str, str]:
        full = {**context, **extra}
        toc = self._page_toc(full, page)
        return {
            "title": str(page.meta["title"]),
            "content": page.content or "",
            "skip": next(iter(page.toc)).id if page.toc else "",
            "url": posixpath.basename(page.url),
            "toc": toc or "",
            "tags": self._render_partial("tags", full) or "",
            "edit": page.edit_url or "",
            "canonical": page.canonical_url or "",
            "abs_url": page.abs_url or "",
        }


def _toc_items(toc: Any) -> Iterator[Any]:
    """A table of contents' items, depth first: the order its shell's slots are numbered in."""
    for item in toc:
        yield item
        yield from _toc_items(item.children)


def _toc_shape(toc: Any) -> tuple[Any, ...]:
    return tuple((item.level, _toc_shape(item.children)) for item in toc)


def _sentinel_tokens(toc: Any, mark: str) -> list[dict[str, Any]]:
    """Tokens of a table of the same shape whose every title and anchor is a sentinel. A
    title holds markup, so that the theme's plain-text form of it (an item's aria-label,
    ``striptags | e``) differs from the title and is a slot of its own."""
    numbers = itertools.count()  # depth first, as _toc_items numbers the slots

    def tokens(items: Any) -> list[dict[str, Any]]:
        found = []
        for item in items:
            n = next(numbers)
            title = f"{mark}T{n}x<b>{mark}</b>"
            below = tokens(item.children)
            found.append({"level": item.level, "id": f"{mark}U{n}x", "name": title, "html": title, "children": below})
        return found

    return tokens(toc)


def _toc_values(toc: Any) -> dict[str, str]:
    """Slot name -> text for each item: its title as HTML, its URL and, as Jinja2's
    ``striptags | e`` prints it, its title as text."""
    values = {}
    for n, item in enumerate(_toc_items(toc)):
        values[f"t{n}"] = item.title
        values[f"u{n}"] = item.url
        if item.children:  # only an item with children has an aria-label
            values[f"a{n}"] = str(escape(Markup(item.title).striptags()))
    return values


def _frozen(value: Any) -> Any:
    """A context value as a key: equal values of plain data are equal keys; a list of
    documentation files (the ``pages`` of every context) counts by its length; any other
    object by its identity (the same navigation, the same config)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], File):  # thousands of them: not item by item
            return ("files", len(value))
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return ("object", id(value))


SEARCH_ICONS = ("magnify", "arrow-left", "close")


def _material_icon(name: str) -> str:
    """One of Material's bundled SVG icons (the search box uses the theme's own)."""
    import material

    return (Path(material.__file__).parent / "templates" / ".icons" / "material" / f"{name}.svg").read_text("utf-8")


def _after_title(html: str, block: str) -> str:
    """``block`` right after the page's first heading (or first, without one)."""
    end = html.find("</h1>")
    if end < 0:
        return block + html
    end += len("</h1>")
    return html[:end] + block + html[end:]


def _nav_uris(items: list[Any]) -> set[str]:
    """Every page path the ``nav`` setting names (titles aside, sections walked)."""
    found: set[str] = set()
    for item in items:
        target = _target(item)
        if isinstance(target, list):
            found |= _nav_uris(target)
        elif isinstance(target, str):
            found.add(target)
    return found


def _target(item: Any) -> Any:
    if isinstance(item, dict):
        return next(iter(item.values()))
    return item


def _select_language(files: Files, config: MkDocsConfig, language: str) -> dict[str, Served]:
    """Serve each handwritten page from its file in the build's language (site/i18n.py):
    ``PAGE.ru.md`` takes the place of ``PAGE.md`` in a Russian build, ``PAGE.md`` stays in
    an English one, and a page without a file in the language is served from another
    (marked ``untranslated``). Returns how each page is served, by its src_uri."""
    pages = [f for f in files.documentation_pages() if f.generated_by is None]
    served = serve((f.src_uri for f in pages), language)
    chosen = {found.source: found for found in served.values()}
    for file in pages:
        found = chosen.get(file.src_uri)
        if found is not None and found.source == found.page:
            continue  # PAGE.md serves PAGE.md: left as it is
        files.remove(file)
        if found is None:
            continue  # another language's version
        page = File(found.page, file.src_dir, config.site_dir, config.use_directory_urls)
        page.inclusion = file.inclusion
        page.abs_src_path = file.abs_src_path
        page.edit_uri = file.src_uri  # "edit this page" opens the file that was read
        files.append(page)
    return served


def _autonym(language: str) -> str:
    """A language's name in itself ('English', 'Русский'), from CLDR through Babel."""
    from babel import Locale

    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def _translate_nav(items: list[Any], titles: dict[str, str], title_of: Callable[[File], Markup | None]) -> None:
    """Navigation titles in the build's language: a page's from the page itself, a
    section's from ``titles`` (the plugin's nav_translations) or from its index page."""
    for item in items:
        children = getattr(item, "children", None)
        if children:
            _translate_nav(children, titles, title_of)
        file = getattr(item, "file", None)
        own = title_of(file) if file is not None else None
        if own is not None:
            item.title = own
        elif isinstance(item.title, str) and item.title in titles:
            item.title = escape(titles[item.title])
        elif children and getattr(children[0], "file", None) is not None and item.title not in titles:
            index = title_of(children[0].file)
            if index is not None and children[0].title == index and _is_index(children[0].file.src_uri):
                item.title = index


def _is_index(src_uri: str) -> bool:
    return posixpath.basename(src_uri) in ("index.md", "README.md")
