"""Handwritten pages in the site's language: ``PAGE.md`` is English, ``PAGE.ru.md`` Russian.

The site is built in one language, ``theme.language`` of mkdocs.yml (en or ru; Material's
own interface follows the same setting). ``select_language`` runs in the plugin's
``on_files``: for a Russian build each ``PAGE.ru.md`` takes the place of ``PAGE.md`` (same
URL, so links and the navigation are the same in both languages, and "edit this page"
opens the Russian file); for an English build the ``.ru.md`` files are left out. A page
without a translation stays in English. Generated pages and the macros' tables follow the
same setting through their own wording.

The title a translated page gives in its front matter replaces the English title the
navigation of mkdocs.yml gives it (``retitle``).
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from .wording import LANGUAGES, language_of

DEFAULT = "en"
_TRANSLATION = re.compile(r"^(?P<stem>.+)\.(?P<language>[a-z]{2})\.md$")
TRANSLATED = "opskb_translated"


def config_language(config: MkDocsConfig) -> str:
    """The site's language from ``theme.language``."""
    try:
        return language_of(config.theme["language"])
    except (KeyError, TypeError):
        return DEFAULT


def translation_of(src_uri: str) -> tuple[str, str] | None:
    """``('onboarding.md', 'ru')`` for ``onboarding.ru.md``; None for any other file."""
    match = _TRANSLATION.match(src_uri)
    if match is None or match["language"] not in LANGUAGES or match["language"] == DEFAULT:
        return None
    return f"{match['stem']}.md", match["language"]


def select_language(files: Files, config: MkDocsConfig) -> set[str]:
    """Keep the pages of the site's language; returns the src_uris now served translated."""
    language = config_language(config)
    translated: set[str] = set()
    for file in list(files):
        found = translation_of(file.src_uri)
        if found is None:
            continue
        page_uri, page_language = found
        files.remove(file)
        if page_language != language:
            continue
        original = files.get_file_from_path(page_uri)
        if original is not None:
            files.remove(original)
        files.append(_served_as(file, page_uri, config))
        translated.add(page_uri)
    return translated


def _served_as(file: File, page_uri: str, config: MkDocsConfig) -> File:
    served = File(page_uri, file.src_dir, config.site_dir, config.use_directory_urls, inclusion=file.inclusion)
    served.abs_src_path = file.abs_src_path
    served.edit_uri = file.src_uri  # "edit this page" opens the file that was read
    return served


def retitle(page: Page, translated: set[str]) -> None:
    """A translated page's front-matter title replaces the English one from the nav."""
    if page.file.src_uri in translated and isinstance(page.meta.get("title"), str):
        page.title = page.meta["title"]
