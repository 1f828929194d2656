"""Durations as the content writes them: 15m, 4h, 2d."""

from __future__ import annotations

import os
from datetime import date, timedelta

_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_duration(text: str) -> timedelta:
    """'15m' -> 15 minutes. The schema guarantees the form and a bound; ValueError otherwise."""
    number, unit = text[:-1], text[-1:]
    if unit not in _UNITS or not number.isdigit():
        raise ValueError(f"not a duration: {text!r}")
    try:
        return timedelta(**{_UNITS[unit]: int(number)})
    except OverflowError as err:  # past timedelta's range: as unreadable as a wrong form
        raise ValueError(f"duration out of range: {text!r}") from err


def humanize(text: str) -> str:
    """'15m' -> '15 minutes', '1h' -> '1 hour'."""
    number, unit = int(text[:-1]), _UNITS[text[-1]]
    return f"{number} {unit[:-1] if number == 1 else unit}"


def today() -> date:
    """Today's date; OPSKB_TODAY=YYYY-MM-DD pins it (tests, reproducing a CI run)."""
    pinned = os.environ.get("OPSKB_TODAY")
    return date.fromisoformat(pinned) if pinned else date.today()
