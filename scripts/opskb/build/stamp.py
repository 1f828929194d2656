"""One theme render for many pages: a page shell with slots, filled page by page.

Thousands of runbook and alert pages differ, once the theme has wrapped them, in a few
places only: the title, the body, the table of contents, the edit link, the page's own
URL. The adapter (plugin.py) renders the theme once for a group of such pages with a
sentinel in each of those places, checks that filling the shell gives, for a real page of
the group, exactly what the theme renders for it, and then fills the shell for the rest
(``Shell.fill``: joining strings, no template run). Anything the check cannot vouch for
is rendered by the theme as before.

This module only cuts and fills; it knows nothing of MkDocs or of the theme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping


class Shell:
    """A rendered page cut at its sentinels: literal text and named slots, in order."""

    def __init__(self, pieces: list[str], slots: list[str]) -> None:
        # pieces[0] slot[0] pieces[1] slot[1] ... pieces[-1]
        self.pieces = pieces
        self.slots = slots

    @classmethod
    def cut(cls, rendered: str, sentinels: Mapping[str, str]) -> Shell:
        """``rendered`` with every occurrence of every sentinel (slot name -> unique text)
        turned into a slot."""
        by_text = {text: name for name, text in sentinels.items()}
        pattern = re.compile("|".join(re.escape(text) for text in sorted(by_text, key=len, reverse=True)))
        pieces, slots, pos = [], [], 0
        for match in pattern.finditer(rendered):
            pieces.append(rendered[pos : match.start()])
            slots.append(by_text[match.group(0)])
            pos = match.end()
        pieces.append(rendered[pos:])
        return cls(pieces, slots)

    def fill(self, values: Mapping[str, str]) -> str:
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(values[slot])
            out.append(piece)
        return "".join(out)
