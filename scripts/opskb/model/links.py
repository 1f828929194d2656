"""Which links the content may hold: one allow-list of schemes, for `opskb check` and the site.

A field that is "text, or a link" (``text_or_link`` in schemas/common.schema.json, format
``text-or-link``) is read the way a browser and an HTML page would read it before the
scheme is judged: character references decoded (``&#106;avascript:`` is ``javascript:``,
however many times it was encoded), tabs, line breaks, control and invisible formatting
characters removed wherever they are (a browser drops tabs and newlines inside a URL; a
zero-width space is never meant), and spaces (a no-break space too) trimmed at the ends.
What then starts with ``name:`` is a link, and its scheme must be on the allow-list; a
link on it must be written plainly too, with nothing hidden before or inside its scheme.
"""

from __future__ import annotations

import html
import re
import unicodedata

# The schemes the site links (http, https; mail and phone contacts): none runs code.
SCHEMES = ("http", "https", "mailto", "tel")
TEXT_OR_LINK = "text-or-link"

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# character references can be nested (&amp;#106; is &#106; once decoded): a bound, not a guess
_DECODINGS = 5


def _hidden(char: str) -> bool:
    """Removed before a scheme is read: controls (C0, C1, DEL), tabs and line breaks, and
    formatting characters (zero-width space and joiners, bidi marks, the byte-order mark)."""
    return unicodedata.category(char) in ("Cc", "Cf")


def _blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def as_read(text: str) -> str:
    """``text`` as a browser would read an address in it (see the module docstring)."""
    for _ in range(_DECODINGS):
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    text = "".join(char for char in text if not _hidden(char))
    start, end = 0, len(text)
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    return text[start:end]


def scheme_of(text: str) -> str | None:
    """The scheme ``text`` would be a link of once read (lower case), or None for text."""
    found = _SCHEME.match(as_read(text))
    return found.group(1).lower() if found else None


def is_text_or_link(value: object) -> bool:
    """Plain text, or a link of an allowed scheme written plainly (the ``text-or-link``
    format). Anything but a string is for the schema's other keywords to judge."""
    if not isinstance(value, str):
        return True
    scheme = scheme_of(value)
    if scheme is None:
        return True
    return scheme in SCHEMES and value[: len(scheme) + 1].lower() == scheme + ":" and value == value.strip()
