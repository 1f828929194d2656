"""The site's languages: which file serves a handwritten page in a language, and where
the same page lives in the other languages.

``PAGE.md`` is English; ``PAGE.ru.md`` (beside it) is its Russian version. One site may
carry several languages (the opskb plugin's ``languages: [en, ru]`` in mkdocs.yml): the
first is built at the root, each other one under its own folder (``ru/``) as a complete
site of its own (pages, navigation, search index), the way mkdocs-static-i18n lays out a
site. Without ``languages`` the site has one language, ``theme.language``.

In the build of a language, a page is served from its file in that language, else from
the English one, else from any language it has; a page served in another language than
the build's is marked so (``Served.untranslated``) and shows a note saying it is not
translated yet, in the build's language. Generated pages and the macros' tables are made
in the build's language from the label catalogs; the URL of a page is the same in every
language, under the language's folder.

The adapter (build/, the only package that touches MkDocs) applies these rules to its
files; the search index (opskb.search.searchindex) applies the same ones to docs/, so that a
language's index holds only pages that language's build has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .labels import LANGUAGES

# The language of a page file without a language suffix.
DEFAULT = "en"
_TRANSLATION = re.compile(r"^(?P<stem>.+)\.(?P<language>[a-z]{2})\.md$")
TRANSLATED = "opskb_translated"


def translation_of(src_uri: str) -> tuple[str, str] | None:
    """``('onboarding.md', 'ru')`` for ``onboarding.ru.md``; None for any other file."""
    match = _TRANSLATION.match(src_uri)
    if match is None or match["language"] not in LANGUAGES or match["language"] == DEFAULT:
        return None
    return f"{match['stem']}.md", match["language"]


@dataclass(frozen=True)
class Served:
    """The file that serves ``page`` (a src_uri such as ``onboarding.md``) in a build."""

    page: str
    source: str  # the file read: onboarding.ru.md, or onboarding.md
    language: str  # the language the file is written in
    untranslated: bool  # written in another language than the build's


def serve(names: Iterable[str], language: str) -> dict[str, Served]:
    """For the page files ``names`` (src_uris), which file serves each page in a build of
    ``language``: its own language's, else English, else the first language it has."""
    versions: dict[str, dict[str, str]] = {}
    for name in names:
        found = translation_of(name)
        page, written_in = found if found else (name, DEFAULT)
        versions.setdefault(page, {})[written_in] = name
    served = {}
    for page, by_language in versions.items():
        written_in = next(lang for lang in (language, DEFAULT, *sorted(by_language)) if lang in by_language)
        served[page] = Served(page, by_language[written_in], written_in, written_in != language)
    return served


def folder(language: str, languages: Sequence[str]) -> str:
    """The folder of ``language``'s site, relative to the root: '' for the first language."""
    return "" if not languages or language == languages[0] else f"{language}/"


def root_link(build: str, target: str, languages: Sequence[str]) -> str:
    """The relative link from the root of ``build``'s site to the root of ``target``'s
    ('' for the same root, 'ru/', '../')."""
    up = "../" if folder(build, languages) else ""
    return up + folder(target, languages)
