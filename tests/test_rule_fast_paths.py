"""Rules' fast paths hold to the definitions they stand in for."""

from __future__ import annotations

import random

from opskb.rules.kb332_word_too_long import _RUN, LONGEST_WORD, _has_run

# letters, digits, the underscore (which splits a run), and every kind of space str.split
# knows, Unicode's among them
PIECES = ["a", "я", "7", "_", "-", ".", " ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c"]


def test_a_text_has_a_long_run_exactly_when_the_scan_finds_one() -> None:
    rng = random.Random(332)
    for _ in range(3000):
        # runs around the bound, broken by one piece of any kind
        parts = []
        for _ in range(rng.randint(1, 4)):
            parts.append(rng.choice("aя7") * rng.randint(LONGEST_WORD - 3, LONGEST_WORD + 3))
            parts.append("".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3))))
        text = "".join(parts)
        assert _has_run(text) == (_RUN.search(text) is not None), repr(text)
