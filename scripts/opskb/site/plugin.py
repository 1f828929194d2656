"""The MkDocs plugin: load and check the knowledge base, generate its pages in memory.

Registered as the ``opskb`` entry point of ``mkdocs.plugins``. Configuration::

    plugins:
      - opskb:
          root: .            # content root (runbooks/, escalation/, status_mappings/);
                             # relative to mkdocs.yml, default its directory

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
* ``on_files`` also writes the search index (opskb.searchindex: the same index and
  ranking as `opskb find`) as script files under ``assets/opskb/search/``.
* ``on_page_content``: puts the HTML blocks of a generated page in place of their
  placeholders (see ``pages._Page``: only headings go through Markdown).
* ``on_post_page``: puts the search box in the header (opskb.site.searchbox; Material's
  own search plugin is not used), and loads the vendored Mermaid only on pages that have
  a diagram, before the theme bundle, so the theme never fetches it from its CDN.
* ``on_serve``: watches the content folders and the schemas, so ``mkdocs serve``
  rebuilds when a YAML file changes.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..checker import check_tree
from ..kb import KnowledgeBase, markets_in_order
from ..layout import CONTENT_FOLDERS, SCHEMAS, SYNONYMS_FILE
from ..problems import ERROR, CommandError, Problem
from . import i18n, sources
from .escape import page_title
from .pages import MARKETPLACES, GeneratedPage, Site, marketplace_uri
from .searchbox import index_files, with_search_box

log = logging.getLogger("mkdocs.plugins.opskb")

ASSETS = Path(__file__).parent / "assets"
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


class OpskbPlugin(BasePlugin[OpskbConfig]):
    kb: KnowledgeBase
    problems: list[Problem]
    site: Site
    generated: dict[str, GeneratedPage]
    # what a docs/ macro failed with (opskb.site.macros): the build fails on the first page
    macro_errors: list[str]

    def content_root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        root = self.config.root
        return (base / root).resolve() if root else base

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.content_root(config)
        self.macro_errors = []
        try:
            self.kb, self.problems = check_tree(root)
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
        config.extra_css.append(f"{ASSET_DIR}/opskb.css")
        config.extra_javascript.append(f"{ASSET_DIR}/opskb.js")
        config.extra_javascript.append(f"{ASSET_DIR}/search.js")
        self._extend_nav(config)
        return config

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
        self.site = Site(self.kb, today=today, use_directory_urls=config.use_directory_urls)
        self.site.language = i18n.config_language(config)  # read by the worked deadlines
        self.generated = {}
        # Handwritten pages in the site's language (site/i18n.py).
        self.translated = i18n.select_language(files, config)
        for page in self.site.pages():
            self.generated[page.src_uri] = page
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(f"opskb: docs/{page.src_uri} collides with a generated page; rename it")
            files.append(self._generated(page, config))
            # "Edit this page" on a generated page opens its YAML source (site/sources.py).
            root = self.content_root(config)
            files.get_file_from_path(page.src_uri).edit_uri = sources.edit_uri(self.kb, page.src_uri, config, root)
        for path in sorted(ASSETS.rglob("*")):
            if path.is_file():
                uri = f"{ASSET_DIR}/{path.relative_to(ASSETS).as_posix()}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        synonyms = files.get_file_from_path(SYNONYMS_FILE)
        if synonyms is not None:
            files.remove(synonyms)  # content for search, not a page or an asset
        docs_dir = Path(config.docs_dir)
        for uri, content in index_files(self.kb, docs_dir, config.use_directory_urls):
            files.append(File.generated(config, f"{ASSET_DIR}/{uri}", content=content))
        return files

    @staticmethod
    def _generated(page: GeneratedPage, config: MkDocsConfig) -> File:
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        return File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)

    # on_pre_build runs after every plugin's on_config, so the offline plugin's polyfill is in.
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        polyfills = config.extra.get("polyfills")
        if isinstance(polyfills, list):
            config.extra["polyfills"] = [
                f"{ASSET_DIR}/{IFRAME_WORKER}" if url == CDN_IFRAME_WORKER else url for url in polyfills
            ]

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        i18n.retitle(page, self.translated)
        return markdown

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.macro_errors:  # macros rendered this page's Markdown just before
            raise PluginError("opskb: a macro in docs/ failed:\n" + "\n".join(self.macro_errors))
        generated = self.generated.get(page.file.src_uri)
        if generated is None or page.file.generated_by is None:
            return html
        return generated.expand(html) + self._suggest(page, files, config)

    def _suggest(self, page: Page, files: Files, config: MkDocsConfig) -> str:
        """ "Suggest a change" under a generated page: its YAML source (site/sources.py)."""
        guide = files.get_file_from_path(sources.CONTRIBUTING)
        contributing = get_relative_url(guide.url, page.url) + f"#{sources.ASK_ANCHOR}" if guide else None
        source = sources.yaml_source(self.kb, page.file.src_uri)
        return sources.suggest_block(page.edit_url, source, contributing, i18n.config_language(config))

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = with_search_box(output)
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
        for folder in (*CONTENT_FOLDERS, SCHEMAS):
            path = root / folder
            if path.is_dir():
                server.watch(str(path))
        return server


def _target(item: Any) -> Any:
    if isinstance(item, dict):
        return next(iter(item.values()))
    return item
