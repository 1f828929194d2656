"""The words the site itself writes (headings, labels, notes), one catalog per language.

``labels/en.json`` and ``labels/ru.json`` map dotted keys (``runbook.do_not``) to text;
``{name}`` fields are filled with :meth:`Labels.get`'s keyword arguments. The language
is ``theme.language`` of mkdocs.yml, the one Material's own interface follows; a key
missing from its catalog falls back to English, and a language without a catalog is
English throughout. tests/test_site_i18n.py holds both catalogs to the same keys.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from babel import Locale

CATALOGS = Path(__file__).parent / "labels"
FALLBACK = "en"


@cache
def catalog(language: str) -> dict[str, str]:
    path = CATALOGS / f"{language}.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def plural_category(language: str, number: int) -> str:
    return Locale.parse(language).plural_form(number)


def plural_categories(language: str) -> set[str]:
    """The plural forms a catalog holds for every counted label (CLDR: 'one', 'few' ...)."""
    return set(Locale.parse(language).plural_form.tags) | {"other"}


def languages() -> list[str]:
    return sorted(p.stem for p in CATALOGS.glob("*.json"))


class Labels:
    """Label lookup for one language, English for what its catalog lacks."""

    def __init__(self, language: str = FALLBACK) -> None:
        self.language = language if catalog(language) else FALLBACK
        self._table = {**catalog(FALLBACK), **catalog(self.language)}

    def get(self, key: str, **fields: object) -> str:
        text = self._table[key]  # a key in no catalog is a bug: fail the build
        return text.format(**fields) if fields else text

    def raw(self, key: str) -> str:
        """The label with its ``{fields}`` unfilled."""
        return self._table[key]

    def duration(self, text: str) -> str:
        """A content duration ('15m', '4h', '1d') in words, with the plural form the
        language's rules (CLDR, through Babel) give the number: '15 минут', '2 часа'."""
        number = int(text[:-1])
        unit = {"m": "minute", "h": "hour", "d": "day"}[text[-1]]
        return self.get(f"duration.{unit}.{plural_category(self.language, number)}", n=number)

    def subset(self, prefix: str) -> dict[str, str]:
        """Every label under ``prefix.`` (without it): what the page script needs."""
        cut = len(prefix) + 1
        return {key[cut:]: text for key, text in self._table.items() if key.startswith(prefix + ".")}
