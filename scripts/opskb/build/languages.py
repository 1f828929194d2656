"""The site in more than one language (site/i18n.py): the first language at the root, each
other one under its own folder (ru/), each a build of its own.

The first build, the one MkDocs started, starts the build of each other language when it
is done (``OtherLanguages.build``), as mkdocs-static-i18n builds its languages: it reads
mkdocs.yml again with the language's site folder and address, and builds it with every
plugin, the theme and the page writers, as for the first. The other build's opskb plugin
takes the knowledge base the first checked. Under `mkdocs serve` each other language is
built in a process of its own instead, at the same time as the first
(``OtherLanguages.start``, language_process.py), which checks the content itself; if
that process is gone, here, as under `mkdocs build`. This module also sets each build's
language in the theme, with the switch to the same page in the other languages, picks
the handwritten pages of the build's language, and puts the navigation titles in it.

INVARIANT: a language's site under its folder is the site a build of that language
alone makes, there (one check of the content for all under `mkdocs build`). Held by
tests/test_site_languages.py::test_one_language_builds_alone and
::test_the_language_switch_lands_on_the_same_page.
"""

from __future__ import annotations

import logging
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..site.i18n import DEFAULT, Served, root_link, serve
from ..site.labels import language_of
from .language_process import Answer, BuildRequest, LanguageProcess, ProcessGone

# Material's language switch, each link leading to the same page (before Material's own).
LANGUAGES_THEME_DIR = Path(__file__).parents[1] / "site" / "theme_languages"

log = logging.getLogger("mkdocs.plugins.opskb")


def set_language(config: MkDocsConfig, languages: list[str], language: str | None) -> None:
    """``language`` (None: the first of ``languages``) in the theme (Material's interface
    follows it), and the language switch: Material's ``extra.alternate``, whose partial
    opskb replaces (theme_languages/) so that each link leads to the same page there."""
    if not languages:
        return
    language = language or languages[0]
    config.theme["language"] = language
    if len(languages) < 2:
        return
    config.extra["alternate"] = [
        {"name": _autonym(other), "lang": other, "link": root_link(language, other, languages), "opskb_page": True}
        for other in languages
    ]
    # Before Material's own partials, after a team's custom_dir (which may override it).
    config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(LANGUAGES_THEME_DIR))


def _autonym(language: str) -> str:
    """A language's name in itself ('English', 'Русский'), from CLDR through Babel."""
    from babel import Locale

    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def select_language(files: Files, config: MkDocsConfig, language: str) -> dict[str, Served]:
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


def translated_nav(
    nav: Any, config: MkDocsConfig, translations: dict[str, dict[str, str]], title_of: Callable[[File], Markup | None]
) -> Any:
    """``nav`` with its titles in the build's language (the titles of mkdocs.yml are
    English): ``translations``, the plugin's nav_translations; ``title_of``, a generated
    page's own title."""
    language = language_of(str(config.theme.get("language") or "en"))
    if language != DEFAULT:
        _translate_nav(nav.items, translations.get(language, {}), title_of)
    return nav


def own_title(served: dict[str, Served], page: Page) -> None:
    """A translated page's front-matter title in place of the English one from the nav."""
    found = served.get(page.file.src_uri)
    if found is not None and found.language != DEFAULT and isinstance(page.meta.get("title"), str):
        page.title = page.meta["title"]


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


class OtherLanguages:
    """The builds of the languages but the first. Under `mkdocs serve` their plugins are
    kept from one rebuild to the next (their caches too), as MkDocs keeps the first's."""

    def __init__(self) -> None:
        # each language's last configuration, and its plugin instances
        self.builds: dict[str, MkDocsConfig] = {}
        self.plugins: dict[str, dict[str, Any]] = {}
        # under `mkdocs serve`, each language's own process (language_process.py)
        self.processes: dict[str, LanguageProcess] = {}

    def start(
        self, config: MkDocsConfig, languages: list[str], prepare: Callable[[Any, str, list[str]], None], *, dirty: bool
    ) -> None:
        """Under `mkdocs serve`: each language of ``languages[1:]`` asked to build in its
        own process (started at the first rebuild) while this build goes on; ``build``
        waits for them. ``prepare(config, language, languages)`` runs in the process."""
        for language in languages[1:]:
            process = self.processes.get(language)
            if process is None:
                process = self.processes[language] = LanguageProcess(language, prepare)
            site_dir, site_url = _language_site(config, language)
            request = BuildRequest(config.config_file_path, site_dir, site_url, config.strict, dirty, tuple(languages))
            if not process.request(request):
                self._gone(language)

    def settle(self) -> dict[str, Answer]:
        """Waits for every language's process asked to build: each one's answer (None:
        built), by language. A process that ended without one is left out (and dropped):
        its language is built in this process."""
        answers: dict[str, Answer] = {}
        for language, process in list(self.processes.items()):
            if not process.pending:
                continue
            try:
                answers[language] = process.answer()
            except ProcessGone:
                self._gone(language)
        return answers

    def _gone(self, language: str) -> None:
        log.info("opskb: the process that builds the '%s' site ended; this rebuild builds it here", language)
        self.processes.pop(language).close()

    def build(
        self,
        config: MkDocsConfig,
        languages: list[str],
        prepare: Callable[[MkDocsConfig, str], None],
        *,
        serving: bool,
        dirty: bool,
    ) -> None:
        """Build each language of ``languages[1:]`` beside the site ``config`` built;
        ``prepare(config, language)`` hands the opskb plugin of the language's
        configuration what it takes from this build. A language whose process (``start``)
        built it is only waited for; a failure there fails this build, after the rest."""
        from mkdocs.commands.build import build

        answers = self.settle()
        failed = {language: answer for language, answer in answers.items() if answer is not None}
        for language in languages[1:]:
            if language in answers:
                continue  # built by its own process
            # new plugin instances: the first build of the language, any build of `mkdocs
            # build`, every build on a MkDocs without the plugin cache (see _config)
            fresh = language not in self.plugins or getattr(MkDocsConfig.plugins, "plugin_cache", None) is None
            other = self._config(config, language)
            if fresh or not serving:
                other.plugins.on_startup(command="serve" if serving else "build", dirty=dirty)
            self.builds[language] = other
            prepare(other, language)
            try:
                build(other, dirty=dirty)
            finally:
                if not serving:
                    self.shutdown()
        if failed:
            lines = "\n".join(f"the '{language}' site: {answer}" for language, answer in failed.items())
            raise PluginError(f"opskb: {lines}")

    def _config(self, config: MkDocsConfig, language: str) -> MkDocsConfig:
        """mkdocs.yml read again for ``language``'s build, with this build's site folder
        (plus the language's), strictness and address, and plugin instances of its own.

        MkDocs keeps one instance of each plugin that has on_startup for every
        configuration it reads, in the ``plugin_cache`` of the Plugins option (not
        documented, one for all configurations): the language's build gets its own
        cache for the read, kept for its next rebuild. Why: otherwise the language's
        build would share the first build's plugin instances (and their state). On a
        MkDocs without it, every read makes new instances (started anew by ``build``):
        the same site, but under `mkdocs serve` the language's caches start empty at
        each rebuild."""
        from mkdocs.config import load_config

        site_dir, url = _language_site(config, language)
        cache = getattr(MkDocsConfig.plugins, "plugin_cache", None)
        own = self.plugins.setdefault(language, {})
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

    def shutdown(self) -> None:
        for other in self.builds.values():
            other.plugins.on_shutdown()
        self.builds = {}
        self.plugins = {}
        for process in self.processes.values():
            process.close()
        self.processes = {}


def _language_site(config: MkDocsConfig, language: str) -> tuple[str, str | None]:
    """A language's site folder and address: the first language's, plus the language."""
    url = config.site_url and urljoin(config.site_url.rstrip("/") + "/", f"{language}/")
    return os.path.join(config.site_dir, language), url
