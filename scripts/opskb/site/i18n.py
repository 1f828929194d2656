"""Handwritten pages in the site's language: ``PAGE.md`` is English, ``PAGE.ru.md`` Russian.

The site is built in one language, ``theme.language`` of mkdocs.yml (en or ru; Material's
own interface follows the same setting). The plugin's ``on_files`` (plugin.py, the only
module that touches MkDocs) uses ``translation_of``: for a Russian build each
``PAGE.ru.md`` takes the place of ``PAGE.md`` (same URL, so links and the navigation are
the same in both languages, and "edit this page" opens the Russian file); for an English
build the ``.ru.md`` files are left out. A page without a translation stays in English.
Generated pages and the macros' tables follow the same setting through the label catalogs.
The title a translated page gives in its front matter replaces the English title the
navigation of mkdocs.yml gives it.
"""

from __future__ import annotations

import re

from .labels import LANGUAGES

DEFAULT = "en"
_TRANSLATION = re.compile(r"^(?P<stem>.+)\.(?P<language>[a-z]{2})\.md$")
TRANSLATED = "opskb_translated"


def translation_of(src_uri: str) -> tuple[str, str] | None:
    """``('onboarding.md', 'ru')`` for ``onboarding.ru.md``; None for any other file."""
    match = _TRANSLATION.match(src_uri)
    if match is None or match["language"] not in LANGUAGES or match["language"] == DEFAULT:
        return None
    return f"{match['stem']}.md", match["language"]
