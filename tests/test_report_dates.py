"""Dates of ticket exports: the remembered days and times give exactly what the pattern's
regular expression reads, on many generated values of every known form (right and wrong)."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from opskb.report import dates

PATTERNS = [entry["pattern"] for entry in dates._data()["formats"]]
ZONES = [ZoneInfo("Europe/Berlin"), ZoneInfo("Europe/Moscow"), None]
NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTHS = ["Nov", "nov", "NOV", "Nov.", "ноя", "нояб.", "ноября", "May", "мая", "Foo", "Nov1", "No"]


def _write(pattern: str, rng: random.Random) -> str:
    """A value in ``pattern``, mostly right; sometimes one digit short, a day or hour out
    of range, a doubled space or a tab, a fraction of a second, an offset, other digits."""
    year = rng.choice([2024, 2025, 2026, 2027, 1999])
    month, day = rng.randint(1, 12), rng.choice([rng.randint(1, 28), 29, 30, 31, 0, 32])
    hour, minute, second = rng.choice([rng.randint(0, 23), 0, 12, 23, 24]), rng.randint(0, 59), rng.randint(0, 59)
    wide = rng.random() < 0.8  # numbers at full width (or as short as they go)
    out, at = [], 0
    while at < len(pattern):
        for token, value in (
            ("YYYY", f"{year}"),
            ("YY", f"{year % 100:02d}"),
            ("MON", rng.choice(MONTHS) if rng.random() < 0.3 else NAMES[month - 1]),
            ("MM", f"{month:02d}" if wide else f"{month}"),
            ("DD", f"{day:02d}" if wide else f"{day}"),
            ("HH", f"{hour:02d}" if wide else f"{hour}"),
            ("hh", f"{hour % 12 or 12}" if rng.random() < 0.9 else "13"),
            ("mm", f"{minute:02d}"),
            ("ss", f"{second:02d}" + (rng.choice([".5", ",123456789"]) if rng.random() < 0.1 else "")),
            ("AMPM", rng.choice(["AM", "PM", "pm", "a.m.", "XM"])),
            ("Z", rng.choice(["Z", "+03:00", "-0530", "+0000"])),
        ):
            if pattern.startswith(token, at):
                out.append(value)
                at += len(token)
                break
        else:
            char = pattern[at]
            if char == "[":  # an optional part: in or out
                end = pattern.index("]", at)
                if rng.random() < 0.5:
                    at = end + 1
                    continue
                at += 1
                continue
            if char != "]":
                out.append(rng.choice([" ", " ", " ", "  ", "\t"]) if char == " " else char)
            at += 1
    text = "".join(out)
    if rng.random() < 0.02:
        text = text.replace("1", "١")  # Arabic-Indic digit one: the expression's \\d reads it
    return text


@pytest.mark.parametrize("pattern", PATTERNS)
def test_remembered_values_are_what_the_pattern_reads(pattern: str) -> None:
    rng = random.Random(pattern)
    fast, plain = dates.compile_format(pattern), dates.compile_format(pattern, remember=False)
    read = 0
    for round in range(6000):
        zone = ZONES[round // 2000]
        text = _write(pattern, rng)
        expected, found = plain.read(text, zone), fast.read(text, zone)
        assert found == expected, text
        if expected is not None:
            read += 1
            assert (found.isoformat(), found.tzinfo) == (expected.isoformat(), expected.tzinfo), text
            assert found.fold == expected.fold == 0
    assert read > 1000  # most values are right, so the remembered parts are used


def test_a_remembered_day_and_time_make_a_value_only_where_the_pattern_reads_one() -> None:
    """Parts seen in right values do not make a wrong one right: '31.11' is never a day,
    a remembered day after a one-digit day's rest, or a rest after a missing space."""
    fast = dates.compile_format("DD.MM.YYYY HH:mm[:ss]")
    moscow = ZoneInfo("Europe/Moscow")
    assert fast.read("30.11.2026 17:05", moscow) == datetime(2026, 11, 30, 17, 5, tzinfo=moscow)
    assert fast.read("1.12.2026  9:05:07", moscow) == datetime(2026, 12, 1, 9, 5, 7, tzinfo=moscow)
    assert fast.read("30.11.2026  9:05:07", moscow) == datetime(2026, 11, 30, 9, 5, 7, tzinfo=moscow)
    assert fast.read("31.11.2026 17:05", moscow) is None
    assert fast.read("30.11.202617:05", moscow) is None
    assert fast.read("30.11.2026 25:05", moscow) is None
    iso = dates.compile_format("YYYY-MM-DD HH:mm[:ss][ Z]")
    assert iso.read("2026-11-30 17:05:00 +03:00").isoformat() == "2026-11-30T17:05:00+03:00"
    assert iso.read("2026-11-29 17:05:00 +03:00", moscow).isoformat() == "2026-11-29T17:05:00+03:00"
    assert iso.read("2026-11-29 17:05:00", moscow).tzinfo is moscow
