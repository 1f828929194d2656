"""Where the pre-rendered pages of one build wait from their reading to their writing.

MkDocs reads every page before it writes any: between the two, a large site would hold
every page's HTML and table of contents in memory. A pre-rendered page (prerendered.py)
puts them, compressed, on the build's shelf, a temporary file, from the end of its
reading to its writing; the system's page cache holds the file while it has room.

INVARIANT: what a page takes from the shelf is exactly what it put there, so a build
with the shelf writes byte for byte what a build that keeps every page in memory writes
(``shelf: false``). Held by tests/test_site_machinery.py::test_the_machinery_changes_no_byte.

This module knows nothing of MkDocs.
"""

from __future__ import annotations

import marshal
import os
import tempfile
import zlib
from typing import Any


class Shelf:
    """A temporary file of compressed page parts, read back by where they were put."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="opskb-pages-")  # noqa: SIM115 (closed by close())
        self._end = 0
        self.pages = 0  # put on it, for the build's figures

    def put(self, html: str, toc: list[dict[str, Any]]) -> tuple[int, int]:
        """Store a page's HTML and table of contents (as tokens); returns where they are."""
        data = zlib.compress(marshal.dumps((html, toc)), 1)
        os.pwrite(self._file.fileno(), data, self._end)
        where = (self._end, len(data))
        self._end += len(data)
        self.pages += 1
        return where

    def take(self, where: tuple[int, int]) -> tuple[str, list[dict[str, Any]]]:
        start, size = where
        html, toc = marshal.loads(zlib.decompress(os.pread(self._file.fileno(), size, start)))
        return html, toc

    @property
    def size(self) -> int:
        """Bytes on the shelf."""
        return self._end

    def close(self) -> None:
        self._file.close()
