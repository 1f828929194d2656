"""Words in the site's language (``theme.language``: en or ru) for what this package adds
to pages: the worked deadlines of runbook pages and the macros of the handwritten pages.

Moments are spelled here and durations through the label catalogs, so that a table of
SLA figures or a deadline reads naturally in either language.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from .labels import Labels

LANGUAGES = ("en", "ru")

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
}


def language_of(value: object) -> str:
    """``theme.language`` reduced to a language we have words for (anything else: en)."""
    text = str(value or "en").lower().replace("_", "-").split("-")[0]
    return text if text in LANGUAGES else "en"


def duration(text: str, language: str = "en") -> str:
    """'15m' -> '15 minutes' / '15 минут'; '4h' -> '4 hours' / '4 часа' (the label catalogs'
    plural forms, as every generated page spells a duration)."""
    return _labels(language_of(language)).duration(text)


@cache
def _labels(language: str) -> Labels:
    return Labels(language)


def moment(when: datetime, language: str = "en", year: bool = True) -> str:
    """An absolute day and time: 'Fri 20 Feb 2026 23:00' / 'пт 20 фев 2026 23:00'."""
    day = f"{_WEEKDAYS[language][when.weekday()]} {when.day} {_MONTHS[language][when.month - 1]}"
    return f"{day}{f' {when.year}' if year else ''} {when:%H:%M}"


def day(when: datetime, language: str = "en") -> str:
    """A day without the time: 'Mon 23 Feb' / 'пн 23 фев'."""
    return f"{_WEEKDAYS[language][when.weekday()]} {when.day} {_MONTHS[language][when.month - 1]}"


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "worked_title": "Worked deadlines",
        "worked_intro": (
            "Deadlines of this chain for fixed registration moments, computed when the site was "
            "built by the same clock code as {command} ({clock}). Times in {zone}. {reference} "
            "For a real incident, use the timer above or {command_at}."
        ),
        "reference_holiday": (
            "The moments are taken from the first week of {year} whose Friday comes before a "
            "public holiday ({holiday}, {holiday_day}): a working-day morning, the Friday "
            "afternoon and the Friday night."
        ),
        "reference_plain": (
            "The moments are taken from the first full working week of {year}: a working-day "
            "morning, the Friday afternoon and the Friday night."
        ),
        "start_morning": "working-day morning",
        "start_afternoon": "Friday afternoon",
        "start_night": "Friday night before a holiday",
        "start_night_plain": "Friday night",
        "opened": "Registered",
        "react_by": "React by",
        "resolve_by": "Resolve or escalate by",
        "hop_by": "{line} {team} by",
        "outside_hours": "outside their hours ({hours}): phone them",
        "clock_24x7": "24x7 calendar time",
        "clock_working": "working hours {calendar}",
    },
    "ru": {
        "worked_title": "Сроки на примерах",
        "worked_intro": (
            "Сроки этой цепочки для заданных моментов регистрации, посчитанные при сборке сайта "
            "тем же кодом часов, что и {command} ({clock}). Время указано по зоне {zone}. "
            "{reference} Для настоящего инцидента используйте таймер выше или {command_at}."
        ),
        "reference_holiday": (
            "Моменты взяты из первой недели {year} года, пятница которой стоит перед "
            "государственным праздником ({holiday}, {holiday_day}): утро рабочего дня, "
            "вечер пятницы и ночь с пятницы."
        ),
        "reference_plain": (
            "Моменты взяты из первой полной рабочей недели {year} года: утро рабочего дня, "
            "вечер пятницы и ночь с пятницы."
        ),
        "start_morning": "утро рабочего дня",
        "start_afternoon": "пятница, конец дня",
        "start_night": "ночь с пятницы перед праздником",
        "start_night_plain": "ночь с пятницы",
        "opened": "Зарегистрирован",
        "react_by": "Реакция до",
        "resolve_by": "Решить или эскалировать до",
        "hop_by": "{line} {team} до",
        "outside_hours": "вне их рабочих часов ({hours}): звоните по телефону",
        "clock_24x7": "календарное время 24x7",
        "clock_working": "рабочие часы {calendar}",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS[language_of(language)]
