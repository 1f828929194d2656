"""The knowledge base's pages, assets and search index as MkDocs files (on_files).

Every page is generated in memory (``File.generated``: nothing is written to docs/).
Pages the navigation lists keep MkDocs' own Page, which takes their title from the nav,
and go through Markdown. The others, runbook and alert pages by the thousand, are
``NOT_IN_NAV`` (the navigation lists index pages only, so each page renders a small
navigation and the build stays linear in the number of runbooks) and are pre-rendered
(prerendered.py): made when MkDocs reads them, by the workers of a large build
(parallel.py), their HTML ready without Markdown.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from ..model.forked import can_fork, cores
from ..model.layout import SYNONYMS_FILE
from ..site import sources
from ..site.headings import HeadingStyle
from ..site.labels import language_of
from ..site.pages import GeneratedPage, PageBody, PlannedPage, Site, reference_of
from ..site.render import TemplateProblem, override_dirs
from .languages import select_language
from .nav import nav_uris
from .parallel import Workers
from .prerendered import PreRenderedPage
from .searchbox import index_files, search_icons
from .shelf import Shelf
from .state import Build, Session

# The site package holds the theme and assets; the adapter only hands them to MkDocs.
SITE_PACKAGE = Path(__file__).parents[1] / "site"
ASSETS = SITE_PACKAGE / "assets"
ASSET_DIR = "assets/opskb"
# Fewer pages are made faster than workers start.
PARALLEL_FROM = 400
# The page makers' first job (build.makers) is the search index; the pages follow.
SEARCH_INDEX_JOB = 0


def theme_language(config: MkDocsConfig) -> str:
    """The theme's language (``theme.language``, set per build when the site has
    ``languages``): Material's interface follows it too."""
    return str(config.theme.get("language") or "en")


def add_files(build: Build, session: Session, options: Any, files: Files, config: MkDocsConfig) -> Files:
    """``files`` with the generated pages, the assets and the search index added, and the
    handwritten pages of the build's language (languages.py) in place."""
    language = theme_language(config)
    build.site = site = _site(build, session, options, config, language)
    build.files = files
    # A generated page the navigation does not list is left out of it, not reported:
    # a team's nav names only the sections it has.
    build.nav_uris = nav_uris(config.nav) if config.nav else None
    build.generated = {}
    build.served = select_language(files, config, language_of(language))
    try:
        planned = site.planned(session.cache.pages if session.cache else None)
        build.home_lead = _home_lead(site, session)
        build.search_box = site.search_box(search_icons())
    except TemplateProblem as problem:
        raise PluginError(f"opskb: a page template fails: {problem}") from None
    style = HeadingStyle.from_toc(config.mdx_configs.get("toc")) if "toc" in config.markdown_extensions else None
    if not options.prerender:
        style = None
    memo = session.cache.index if session.cache else None  # one plugin, one language: its own memo
    docs_dir = Path(config.docs_dir).resolve()
    search_index = functools.partial(
        _search_index, build.kb, docs_dir, config.use_directory_urls, memo, options.rules_reference, language
    )
    # In a large build a worker makes the search index, among the pages: the build's own
    # process then never holds its working memory (a hundred MB at 10,000 runbooks).
    _add_pages(build, session, options, files, config, planned, style, functools.partial(search_index, planned))
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            uri = f"{ASSET_DIR}/{path.relative_to(ASSETS).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    synonyms = files.get_file_from_path(SYNONYMS_FILE)
    if synonyms is not None:
        files.remove(synonyms)  # content for search, not a page or an asset
    makers = build.makers
    found = makers.get(SEARCH_INDEX_JOB) if makers is not None else search_index(planned, build.generated)
    for uri, content in found:
        files.append(_asset(session, config, f"{ASSET_DIR}/{uri}", content))
    return files


def _site(build: Build, session: Session, options: Any, config: MkDocsConfig, language: str) -> Site:
    # Made here, not in on_config: the offline plugin (listed later) changes
    # use_directory_urls in its on_config, and generated links depend on it.
    overrides = override_dirs(config.theme.custom_dir)
    return Site(
        build.kb,
        today=date.fromisoformat(options.today) if options.today else None,
        use_directory_urls=config.use_directory_urls,
        language=language,
        override_dirs=overrides,
        nonce=session.nonce,
        renderer=session.cache.renderer(session.nonce, language, overrides) if session.cache else None,
        rules_reference=options.rules_reference,
        row_memo=session.cache.rows if session.cache else None,
    )


def _add_pages(
    build: Build,
    session: Session,
    options: Any,
    files: Files,
    config: MkDocsConfig,
    planned: list[PlannedPage],
    style: HeadingStyle | None,
    indexing: Callable[[], list[tuple[str, str]]],
) -> None:
    """The generated pages into ``files``, each made now or when MkDocs reads it (by the
    workers, if any, which make ``indexing`` first: the search index)."""
    preview = session.preview
    docs_dir = Path(config.docs_dir).resolve()
    # What MkDocs reads of a pre-rendered page; made in the workers, if any.
    ready: dict[str, Callable[[], GeneratedPage | PageBody]] = {}
    if style is not None:
        ready = {plan.src_uri: functools.partial(_ready, plan, style) for plan in planned if not plan.in_nav}
    processes = workers_wanted(session, options, len(ready))
    if processes:
        # the search index first: the build asks for it as soon as the pages are listed
        build.makers = Workers([indexing, *ready.values()], processes)
        ready = {src: functools.partial(build.makers.get, n) for n, src in enumerate(ready, start=SEARCH_INDEX_JOB + 1)}
    build.shelf = Shelf() if options.shelf else None
    settings = (*_page_settings(config), str(build.root))  # what a kept page was made with
    for plan in planned:
        if files.get_file_from_path(plan.src_uri) is not None:
            raise PluginError(f"opskb: docs/{plan.src_uri} collides with a generated page; rename it")
        prerendered = plan.src_uri in ready
        if prerendered and preview is None:  # made when MkDocs reads it
            inclusion = InclusionLevel.NOT_IN_NAV
            generated = File.generated(config, plan.src_uri, content="", inclusion=inclusion)
        else:  # under --dirty the page is made now, and plan.get() later finds it cached
            made = _made(plan)
            if not prerendered:
                build.generated[plan.src_uri] = made
            kept = preview.kept(made, settings) if prerendered and preview is not None else None
            if kept is not None:
                assert isinstance(kept.page, PreRenderedPage)
                kept.page.renew(ready[plan.src_uri], build.shelf)
                files.append(kept)
                continue
            generated = _generated(build, session, made, config)
            if prerendered and preview is not None:
                preview.keep(made, settings, generated)
        # "Edit this page" opens its YAML source (site/sources.py); set before a Page
        # is made, which reads it.
        generated.edit_uri = sources.edit_uri(build.kb, plan.src_uri, docs_dir, build.root)
        if prerendered:
            PreRenderedPage(generated, config, ready[plan.src_uri], build.shelf)  # generated.page
        files.append(generated)


def _search_index(
    kb: Any,
    docs_dir: Path,
    use_directory_urls: bool,
    memo: Any,
    rules_reference: bool,
    language: str,
    planned: list[PlannedPage],
    made: dict[str, GeneratedPage] | None = None,
) -> list[tuple[str, str]]:
    """The search index's files. Search finds the reference pages as this site makes them
    (a team's templates too): those ``made`` already, or made here (in a worker, with the
    build's templates and nonce, as the build makes them)."""
    reference = reference_of(planned, made)
    return list(index_files(kb, docs_dir, use_directory_urls, memo, rules_reference, language_of(language), reference))


def workers_wanted(session: Session, options: Any, pages: int) -> int:
    """How many worker processes ``pages`` pages get: none under `mkdocs serve`, whose
    pages stay in this process from one rebuild to the next (preview.py)."""
    if session.serving or not pages or not can_fork():
        return 0
    wanted = options.workers
    if wanted is None:  # one core is the build's own: it works meanwhile
        wanted = cores() - 1 if pages >= PARALLEL_FROM else 0
    return max(wanted, 0)


def _home_lead(site: Site, session: Session) -> str:
    """The home page's lead block; under `mkdocs serve`, made again only when what it
    lists changed."""
    cache = session.cache
    if cache is None:
        return site.home_lead()
    key = site.listing_key
    if cache.home_lead is None or cache.home_lead[0] != key:
        cache.home_lead = (key, site.home_lead())
    return cache.home_lead[1]


def _made(plan: PlannedPage) -> GeneratedPage:
    try:
        return plan.get()
    except TemplateProblem as problem:
        raise PluginError(f"opskb: a page template fails: {problem}") from None


def _ready(plan: PlannedPage, style: HeadingStyle) -> GeneratedPage | PageBody:
    try:
        return plan.ready(style)
    except TemplateProblem as problem:
        raise PluginError(f"opskb: a page template fails: {problem}") from None


def _generated(build: Build, session: Session, page: GeneratedPage, config: MkDocsConfig) -> File:
    listed = page.in_nav and (build.nav_uris is None or page.src_uri in build.nav_uris)
    inclusion = InclusionLevel.UNDEFINED if listed else InclusionLevel.NOT_IN_NAV
    if session.preview is None:
        return File.generated(config, page.src_uri, content=page.content, inclusion=inclusion)
    return session.preview.page(page, config, inclusion)


def _asset(session: Session, config: MkDocsConfig, uri: str, content: str) -> File:
    """A generated asset (a search index file); under `serve --dirty`, a file rewritten
    only when it changed, so that MkDocs copies only those."""
    if session.preview is None:
        return File.generated(config, uri, content=content)
    return session.preview.asset(config, uri, content)


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
