"""Ticket keys seen so far, to report a key listed twice with the place it was first listed.

A set of a million keys would hold a million strings (about 100 MB). Ticket systems number
their tickets (``OPS-1234``, ``INC0012345``, ``12345``), so each key is split into its prefix
and its number, and a prefix keeps an array indexed by number holding where the key was first
seen, packed in 4 bytes (the file's index in the top 4 bits, the line in 28): memory follows
the range of the numbers the files use, 4 MB a million, not the rows and not the keys'
length. A key without a number, far outside its prefix's range, or on a line or in a file
past what 4 bytes hold, is kept in a plain dictionary.
"""

from __future__ import annotations

import re
from array import array

_SPLIT = re.compile(r"(.*?)(\d{1,15})")
MAX_SPAN = 1 << 24  # numbers one prefix may span in its array (64 MB); beyond, the dictionary
_LINE_BITS = 28
_ELSEWHERE = 0xFFFF_FFFF  # first seen at a place 4 bytes do not hold: in the dictionary


class _Range:
    __slots__ = ("base", "places")

    def __init__(self, number: int) -> None:
        self.base = max(0, number - 1024)
        self.places = array("I", bytes(4 * 4096))


class SeenKeys:
    """Where each key was first seen, as (file index, line); ``first`` records a new key."""

    def __init__(self) -> None:
        self._ranges: dict[tuple[str, int], _Range] = {}
        self._other: dict[str, tuple[int, int]] = {}

    def first(self, key: str, file: int, line: int) -> tuple[int, int] | None:
        """Where ``key`` was seen before, or None (and it is recorded here as seen)."""
        packs = file < 16 and line < (1 << _LINE_BITS)
        place = (file << _LINE_BITS) | line if packs else _ELSEWHERE  # 0 never: lines start at 1
        split = _SPLIT.fullmatch(key)
        if split is not None:
            prefix, digits = split.groups()
            number = int(digits)
            # 'INC01' and 'INC001' are different keys with the same number
            kind = (prefix, len(digits) if digits[0] == "0" else 0)
            found = self._ranges.get(kind)
            if found is None:
                found = self._ranges[kind] = _Range(number)
            index = number - found.base
            if index < 0:  # a file sorted newest first: make room below, as much again
                index += self._lower(found, -index)
            if 0 <= index < MAX_SPAN and self._fits(found, index):
                seen = found.places[index]
                if seen == _ELSEWHERE:
                    return self._other[key]
                if seen:
                    return seen >> _LINE_BITS, seen & ((1 << _LINE_BITS) - 1)
                found.places[index] = place
                if not packs:
                    self._other[key] = (file, line)
                return None
        first = self._other.setdefault(key, (file, line))
        return None if first == (file, line) else first

    @staticmethod
    def _lower(found: _Range, short: int) -> int:
        """Extend the array downwards by at least ``short`` numbers where the span allows;
        how far it moved."""
        shift = min(max(short, len(found.places)), found.base, MAX_SPAN - len(found.places))
        if shift < short:
            return 0
        found.places = array("I", bytes(4 * shift)) + found.places
        found.base -= shift
        return shift

    @staticmethod
    def _fits(found: _Range, index: int) -> bool:
        places = found.places
        if index >= len(places):
            grow = min(max(len(places), index + 1 - len(places)), MAX_SPAN - len(places))
            if index >= len(places) + grow:
                return False
            places.extend(array("I", bytes(4 * grow)))
        return True
