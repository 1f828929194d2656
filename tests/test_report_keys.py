"""Duplicate ticket keys are found, with where each was first, whatever the keys look like
(the report's CLI tests cover the message; these cover the ways a key is stored)."""

from __future__ import annotations

from opskb.report.keys import SeenKeys


def test_keys_are_told_apart_and_repeats_found_with_their_first_place() -> None:
    seen = SeenKeys()
    first = [
        ("INC0010001", 0, 2),
        ("INC010001", 0, 3),  # the same number, other zero padding: another key
        ("OPS-9", 0, 4),
        ("OPS-10", 0, 5),
        ("Ж-1", 1, 2),
        ("no number", 1, 3),
        ("X-100000", 1, 4),
        ("X-1", 1, 5),  # far below the first X number: the array grows downwards
        ("X-50000000", 1, 6),  # far above: past the array's span, kept in the dictionary
        ("Z-5", 20, 7),  # a file index 4 bytes do not hold
        ("Z-6", 0, 1 << 29),  # a line 4 bytes do not hold
    ]
    assert [seen.first(key, file, line) for key, file, line in first] == [None] * len(first)
    for key, file, line in first:
        assert seen.first(key, 2, 99) == (file, line), key
