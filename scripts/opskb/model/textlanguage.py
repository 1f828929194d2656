"""The language a run of text is written in, told by its letters' script (Unicode's
character names: Cyrillic is Russian, Latin is English), never by a pattern. Digits,
spaces and punctuation belong to the run around them when both sides are of one language.

The site marks such runs with ``lang`` (site/phrases.py) and so does the SLA report's
HTML page (report/render_html.py): a screen reader speaks them in their language.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# The script of a letter (the first word of its Unicode name) -> the language it writes.
SCRIPTS = {"CYRILLIC": "ru", "LATIN": "en"}


@functools.lru_cache(maxsize=4096)
def letter_language(char: str) -> str | None:
    """The language a letter's script writes; None for anything else."""
    if not char.isalpha():
        return None
    return SCRIPTS.get(unicodedata.name(char, "").split(" ", 1)[0])


# ASCII text (most of it): its letters are Latin, so one run from its first letter to
# its last, with what stands before and after it.
_ASCII_RUN = re.compile(r"([^A-Za-z]*)(.*[A-Za-z])?(.*)", re.S)


def runs(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into consecutive pieces, each with its language (None: no letters, or
    what stands between letters of two languages)."""
    if text.isascii():
        match = _ASCII_RUN.fullmatch(text)
        assert match is not None  # every text matches
        before, letters, after = match.groups()
        pieces = ((before, None), (letters or "", "en"), (after, None))
        return [(piece, language) for piece, language in pieces if piece]
    out: list[tuple[str, str | None]] = []
    # The current run is text[start:end] in ``language``; text[end:] up to here is what
    # stands after its last letter.
    start, end, language = 0, 0, None
    for index, char in enumerate(text):
        found = letter_language(char)
        if found is None:
            continue
        if found != language:
            if language is not None:
                out.append((text[start:end], language))
            if end < index:
                out.append((text[end:index], None))
            start, language = index, found
        end = index + 1
    if language is not None:
        out.append((text[start:end], language))
    if end < len(text):
        out.append((text[end:], None))
    return out
