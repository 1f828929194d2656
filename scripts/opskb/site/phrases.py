"""Words in another language than the page's, marked with it (``lang``) so that a screen
reader speaks them in that language (WCAG 3.1.2 Language of Parts).

The content keeps the words people use: an English page carries Russian symptoms
("нет заказов с маркетплейса"), buyers' status labels and status names. The language of
a run of words is told by its letters' script (model/textlanguage.py), never by a
pattern over the page's HTML.
"""

from __future__ import annotations

from markupsafe import Markup

from ..model.textlanguage import runs
from . import escape


def marked(text: object, page_language: str, *, block: bool = False) -> list[tuple[Markup, str | None]]:
    """``text`` cut into runs, each escaped as content (``escape.h``; a ``block`` keeps its
    lines, as ``escape.pre``), with its language where that is not the page's (else None).
    Templates put such a run in an element with that ``lang`` (``language_span`` in
    macros.html)."""
    value, escaper = (str(text).rstrip("\n"), escape.pre_part) if block else (escape.trimmed(text), escape.h_part)
    return [
        (Markup(escaper(piece)), None if language in (None, page_language) else language)
        for piece, language in runs(value)
    ]
