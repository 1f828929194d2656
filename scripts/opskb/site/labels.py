"""The words the site itself writes (headings, labels, notes), one catalog per language.

``labels/en.json`` and ``labels/ru.json`` map dotted keys (``runbook.do_not``) to text;
``{name}`` fields are filled with :meth:`Labels.get`'s keyword arguments. The language
is ``theme.language`` of mkdocs.yml, the one Material's own interface follows; a key
missing from its catalog falls back to English, and a language without a catalog is
English throughout. tests/test_site_i18n.py holds both catalogs to the same keys, and
every key the templates and the site's Python name to a catalog entry (none unused).

Numbers and dates are the language's own through Babel (CLDR): the plural form of a
duration ('2 часа', '5 минут') and the abbreviations of weekdays and months
('Fri 20 Feb 2026 23:00', 'пт 20 февр. 2026 23:00').
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime, get_day_names

from ..escalation.clocks import WEEKDAYS

CATALOGS = Path(__file__).parent / "labels"
FALLBACK = "en"
# CLDR patterns: abbreviated weekday, day, abbreviated month, year, 24-hour time.
_MOMENT = "EEE d MMM y HH:mm"
_DAY = "EEE d MMM"


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


# The worked deadlines of the runbooks on one clock are the same few moments.
@lru_cache(maxsize=4096)
def _format(when: datetime, pattern: str, language: str) -> str:
    return format_datetime(when, pattern, locale=language)


def languages() -> list[str]:
    return sorted(p.stem for p in CATALOGS.glob("*.json"))


LANGUAGES = tuple(languages())


def language_of(value: object) -> str:
    """``theme.language`` reduced to a language with a catalog (anything else: English)."""
    text = str(value or FALLBACK).lower().replace("_", "-").split("-")[0]
    return text if text in LANGUAGES else FALLBACK


# The grammatical cases a label can ask a duration in, besides the nominative; "every" is
# the phrase "every <duration>" ('каждые 15 минут', 'каждый час'), whose words depend on
# the number as a case's do.
CASES = ("accusative", "genitive", "every")


class Duration(str):
    """A duration in words (the nominative: '1 час'), which a label asks for in another
    case with a format spec, as Russian grammar needs after a preposition: 'в течение
    {duration:genitive}' reads 'в течение 1 часа', 'через {duration:accusative}' reads
    'через 1 минуту'. English catalogs give every case the same words."""

    cases: dict[str, str]

    def __new__(cls, nominative: str, cases: dict[str, str]) -> Duration:
        made = super().__new__(cls, nominative)
        made.cases = cases
        return made

    def __format__(self, spec: str) -> str:
        return self.cases[spec] if spec in self.cases else str.__format__(str(self), spec)


class Labels:
    """Label lookup for one language, English for what its catalog lacks."""

    def __init__(self, language: str = FALLBACK) -> None:
        self.language = language_of(language)
        self._table = {**catalog(FALLBACK), **catalog(self.language)}
        self._subsets: dict[str, dict[str, str]] = {}

    def get(self, key: str, **fields: object) -> str:
        text = self._table[key]  # a key in no catalog is a bug: fail the build
        return text.format(**fields) if fields else text

    def raw(self, key: str) -> str:
        """The label with its ``{fields}`` unfilled."""
        return self._table[key]

    def duration(self, text: str) -> Duration:
        """A content duration ('15m', '4h', '1d') in words, with the plural form the
        language's rules (CLDR, through Babel) give the number: '15 минут', '2 часа';
        and its forms in the cases a label may ask for (see ``Duration``)."""
        number = int(text[:-1])
        unit = {"m": "minute", "h": "hour", "d": "day"}[text[-1]]
        form = plural_category(self.language, number)
        cases = {case: self.get(f"duration.{case}.{unit}.{form}", n=number) for case in CASES}
        if number == 1:  # 'every hour', 'каждую минуту': no number
            cases["every"] = self.get(f"every.{unit}")
        return Duration(self.get(f"duration.{unit}.{form}", n=number), cases)

    def moment(self, when: datetime) -> str:
        """An absolute day and time: 'Fri 20 Feb 2026 23:00' / 'пт 20 февр. 2026 23:00'."""
        return _format(when, _MOMENT, self.language)

    def day(self, when: datetime) -> str:
        """A day without the time: 'Mon 23 Feb' / 'пн 23 февр.'."""
        return _format(when, _DAY, self.language)

    def weekdays(self, days: Iterable[str]) -> str:
        """Weekday ids of the content ('mon', 'fri') as the language abbreviates them."""
        # Monday first in both: clocks.WEEKDAYS and Babel's (datetime.weekday) numbering.
        names = get_day_names("abbreviated", locale=self.language)
        return ", ".join(names[WEEKDAYS.index(day)] for day in days)

    def subset(self, prefix: str) -> dict[str, str]:
        """Every label under ``prefix.`` (without it): what the page script needs."""
        if prefix not in self._subsets:
            cut = len(prefix) + 1
            found = {key[cut:]: text for key, text in self._table.items() if key.startswith(prefix + ".")}
            self._subsets[prefix] = found
        return self._subsets[prefix]
