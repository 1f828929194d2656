"""What reaches a terminal from content: text without control sequences.

Files people hand to opskb (an order export, a YAML file, a rule file) can carry bytes a
terminal obeys instead of showing: an escape sequence that clears the screen, retitles the
window, writes a hyperlink under innocent text (OSC 8) or moves the cursor over an earlier
line; a carriage return that overwrites one; bidirectional overrides that show text in
another order than it is. Every text opskb prints for people goes through ``clean``: whole
sequences go (CSI, OSC, DCS, SOS, PM, APC, in 7-bit and 8-bit form, so their parameters do
not stay behind as text), then every remaining C0 and C1 control and DEL but tab and line
feed, and the bidirectional embedding, override and isolate characters. The CLI applies it
to everything written to stderr and to stdout in text form (``cleaned``); JSON escapes
control characters itself, and CSV cells go to spreadsheets (opskb.statuses.spreadsheet).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_SEQUENCES = re.compile(
    r"""
    (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]                      # CSI: parameters, intermediates, final
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|$)  # OSC, DCS, SOS, PM, APC to their end
  | \x1b [ -/]* [0-~]?                                       # any other escape (with intermediates)
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` without anything a terminal would obey rather than show."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


class _Cleaned:
    """A text stream whose every write is ``clean``ed; anything else goes to the stream."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(clean(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def cleaned(stdout: bool = True) -> Iterator[None]:
    """stderr, and stdout when ``stdout`` (text output, not JSON or CSV), cleaned meanwhile."""
    saved = sys.stdout, sys.stderr
    sys.stderr = _Cleaned(sys.stderr)  # type: ignore[assignment]
    if stdout:
        sys.stdout = _Cleaned(sys.stdout)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
