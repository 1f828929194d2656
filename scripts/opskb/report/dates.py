"""Moments as ticket exports write them, read strictly: one format per file, decided from its data.

A ticket system writes dates the way the exporting user's locale does (Jira's
``06/Nov/26 5:00 PM`` or ``06/ноя/26 17:00``, ServiceNow's ``2026-11-06 17:00:00``, a
Russian ITSM system's ``06.11.2026 17:00``). The formats are data (``date_formats.json``),
month names come from Babel's CLDR data for each locale listed there. A file writes every
date in one format, so the format is chosen once per file: the one that reads most of its
first rows. Two formats that read the same text as different moments (``06/11/2026``:
day first or month first) are told apart by a date that only one of them reads (``13/11``);
when no date of the whole file does, the file is refused with that example rather than
read by a guess. A value the chosen format does not read is a bad row, never tried in
another format.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from importlib import resources

# Token -> regular expression, longest and most specific first (MON before MM).
_TOKENS = (
    ("YYYY", r"(?P<Y>\d{4})"),
    ("YY", r"(?P<y>\d{2})"),
    ("MON", r"(?P<b>[^\W\d_]{3,}\.?)"),
    ("MM", r"(?P<m>\d{1,2})"),
    ("DD", r"(?P<d>\d{1,2})"),
    ("HH", r"(?P<H>\d{1,2})"),
    ("hh", r"(?P<I>\d{1,2})"),
    ("mm", r"(?P<M>\d{2})"),
    ("ss", r"(?P<S>\d{2})(?:[.,]\d{1,9})?"),
    ("AMPM", r"(?P<p>[AaPp]\.?[Mm]\.?)"),
    ("Z", r"(?P<z>Z|[+-]\d{2}:?\d{2})"),
)


class DateFormatError(ValueError):
    """A pattern that cannot be read (an unbalanced bracket, no year, no month)."""


@dataclass(frozen=True)
class DateFormat:
    """One way of writing a moment; ``read`` gives it naive (no offset written) or aware."""

    pattern: str
    read: Callable[..., datetime | None]

    def __repr__(self) -> str:
        return self.pattern


@cache
def _data() -> dict:
    text = resources.files("opskb.report").joinpath("date_formats.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def month_numbers() -> dict[str, int]:
    """Every month name and abbreviation of the listed locales (casefolded, without the dot),
    and the first three letters of each (Jira's Russian ``ноя`` for CLDR's ``нояб.``)."""
    from babel.dates import get_month_names

    found: dict[str, int] = {}
    for locale in _data()["month_locales"]:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    name = name.casefold().rstrip(".")
                    found.setdefault(name, number)
                    found.setdefault(name[:3], number)
    return found


def compile_format(pattern: str, remember: bool = True) -> DateFormat:
    """A ``DateFormat`` from a pattern of ``date_formats.json``'s tokens; ``remember``:
    values put together from the days and times read before where it can (the same
    moments, faster: a file repeats its days and times of day)."""
    regex, at, depth = [], 0, 0
    while at < len(pattern):
        token = next(((t, r) for t, r in _TOKENS if pattern.startswith(t, at)), None)
        if token:
            regex.append(token[1])
            at += len(token[0])
            continue
        char = pattern[at]
        if char == "[":
            depth += 1
            regex.append("(?:")
        elif char == "]":
            depth -= 1
            regex.append(")?")
        else:
            regex.append(r"\s+" if char == " " else re.escape(char))
        if depth < 0:
            raise DateFormatError(f"date format {pattern!r}: ']' without '['")
        at += 1
    if depth:
        raise DateFormatError(f"date format {pattern!r}: '[' without ']'")
    compiled = re.compile("".join(regex))
    groups = set(compiled.groupindex)
    if not ({"Y", "y"} & groups and {"m", "b"} & groups and "d" in groups and {"H", "I"} & groups):
        raise DateFormatError(f"date format {pattern!r}: needs a year, a month, a day and an hour")
    read = _reader(compiled, groups)
    day_part = _day_part(pattern)
    return DateFormat(pattern, _remembering(read, compiled, *day_part) if day_part and remember else read)


# The day written the one fixed-width way: every number at its full width in ASCII digits,
# a month name of three letters, the separators as the pattern has them.
_FIXED = {"YYYY": "[0-9]{4}", "YY": "[0-9]{2}", "MM": "[0-9]{2}", "DD": "[0-9]{2}", "MON": r"[^\W\d_]{3}"}
_WIDTHS = {"YYYY": 4, "YY": 2, "MM": 2, "DD": 2, "MON": 3}
_KEPT_DAYS, _KEPT_TIMES = 50_000, 100_000


def _day_part(pattern: str) -> tuple[int, re.Pattern[str]] | None:
    """The width and form of a pattern's day part written fixed-width (``DD.MM.YYYY``: 10),
    when the pattern starts with one: only day tokens and separators, nothing optional,
    and the time after a space or a ``T``. None for any other pattern."""
    regex, width, at = [], 0, 0
    while at < len(pattern):
        token = next((t for t in _FIXED if pattern.startswith(t, at)), None)
        if token:
            regex.append(_FIXED[token])
            width += _WIDTHS[token]
            at += len(token)
            continue
        char = pattern[at]
        if char in " T":
            break
        if char.isalnum() or char in "[]":
            return None
        regex.append(re.escape(char))
        width += 1
        at += 1
    if not width or at == len(pattern) or not pattern.startswith(("HH", "hh"), at + 1):
        return None
    return width, re.compile("".join(regex))


def _remembering(
    read: Callable[..., datetime | None], compiled: re.Pattern[str], width: int, day_form: re.Pattern[str]
) -> Callable[..., datetime | None]:
    """``read``, with the days and times of the values it has read remembered: a value
    whose day part (its first ``width`` characters, in ``day_form``) and rest (the time)
    were both parts of values read before is put together from them without the regular
    expression. Exactly what ``read`` gives: a fixed-width day is matched by the pattern's
    day tokens in one way only, so any such day followed by a rest read after another
    such day is a value the pattern reads, with that day and that time."""
    offset_at = compiled.groupindex["z"] - 1 if "z" in compiled.groupindex else None
    days: dict[str, datetime] = {}  # day part -> midnight in the zone of the last call
    times: dict[str, tuple[timedelta, tzinfo | None]] = {}  # rest -> time of day, its offset if written
    days_zone: list[tzinfo | None] = [None]

    def remembered(text: str, zone: tzinfo | None = None) -> datetime | None:
        if zone is not days_zone[0]:
            days.clear()
            days_zone[0] = zone
        midnight = days.get(text[:width])
        if midnight is not None:
            time_of_day = times.get(text[width:])
            if time_of_day is not None:
                if time_of_day[1] is None:
                    return midnight + time_of_day[0]
                return midnight.replace(tzinfo=time_of_day[1]) + time_of_day[0]
        moment = read(text, zone)
        if moment is not None and day_form.fullmatch(text, 0, width):
            if len(days) >= _KEPT_DAYS or len(times) >= _KEPT_TIMES:
                days.clear()  # ever-new values cost time, never memory
                times.clear()
            days[text[:width]] = datetime(moment.year, moment.month, moment.day, tzinfo=zone)
            written = compiled.fullmatch(text).groups()[offset_at] if offset_at is not None else None  # type: ignore[union-attr]
            since = timedelta(hours=moment.hour, minutes=moment.minute, seconds=moment.second)
            times[text[width:]] = (since, _offset(written) if written else None)
        return moment

    return remembered


def _reader(compiled: re.Pattern[str], groups: set[str]) -> Callable[..., datetime | None]:
    months = month_numbers()
    fullmatch = compiled.fullmatch
    # positions in Match.groups(): one call per value instead of one per field
    at = {name: compiled.groupindex[name] - 1 for name in groups}
    year4, year2, month, name, day = (at.get(k) for k in ("Y", "y", "m", "b", "d"))
    hour24, hour12, minute, second, half, offset = (at.get(k) for k in ("H", "I", "M", "S", "p", "z"))

    def read(text: str, zone: tzinfo | None = None) -> datetime | None:
        """The moment ``text`` writes (stripped by the caller); naive unless it has an
        offset or ``zone`` is given for one without."""
        found = fullmatch(text)
        if found is None:
            return None
        cells = found.groups()
        year = int(cells[year4]) if year4 is not None else 2000 + int(cells[year2])
        number = int(cells[month]) if month is not None else months.get(cells[name].casefold().rstrip("."))
        if number is None:
            return None
        if hour12 is not None:
            hour = int(cells[hour12])
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if cells[half][0] in "Pp" else 0)
        else:
            hour = int(cells[hour24])
        seconds = int(cells[second]) if second is not None and cells[second] else 0
        if offset is not None and cells[offset]:
            zone = _offset(cells[offset])
        try:
            return datetime(year, number, int(cells[day]), hour, int(cells[minute]), seconds, tzinfo=zone)
        except ValueError:  # 31 November, 25 o'clock
            return None

    return read


def _offset(text: str) -> tzinfo:
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return timezone(timedelta(minutes=minutes if text[0] == "+" else -minutes))


@cache
def known_formats() -> tuple[DateFormat, ...]:
    return tuple(compile_format(entry["pattern"]) for entry in _data()["formats"])


class Undecided(ValueError):
    """Two formats read the file's dates as different moments and no date tells which."""

    def __init__(self, example: str, formats: Sequence[DateFormat]) -> None:
        self.example, self.formats = example, tuple(formats)
        readings = " or ".join(repr(f.pattern) for f in formats)
        super().__init__(
            f"dates such as {example!r} read as {readings} and no date in the file tells which: "
            "give --date-format with the one it is"
        )


def decide(values: Iterable[str], formats: Sequence[DateFormat]) -> list[DateFormat]:
    """The formats a file's dates are in: those that read the most ``values`` (ties kept
    only while they agree on every value both read). Undecided when tied formats disagree."""
    counts: Counter[int] = Counter()
    conflicts: dict[tuple[int, int], str] = {}
    for value in values:
        read = [(i, moment) for i, f in enumerate(formats) if (moment := f.read(value)) is not None]
        counts.update(i for i, _ in read)
        for a, (i, first) in enumerate(read):
            for j, second in read[a + 1 :]:
                if first != second:
                    conflicts.setdefault((i, j), value)
    if not counts:
        return []
    best = max(counts.values())
    tied = [i for i in range(len(formats)) if counts[i] == best]
    for (i, j), example in conflicts.items():
        if i in tied and j in tied:
            raise Undecided(example, [formats[i], formats[j]])
    return [formats[i] for i in tied]


def reader(formats: Sequence[DateFormat]) -> Callable[..., datetime | None]:
    """Read a value in the first of ``formats`` that reads it (they agree where they overlap)."""
    if len(formats) == 1:
        return formats[0].read

    def read(text: str, zone: tzinfo | None = None) -> datetime | None:
        for f in formats:
            moment = f.read(text, zone)
            if moment is not None:
                return moment
        return None

    return read
