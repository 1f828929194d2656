"""Read an export (orders, or tickets) as people really have them, to the end, one row at a time.

A CSV saved by a spreadsheet on a Russian desktop is cp1251, ``;``-separated, CRLF, with a
Russian header; another tool writes UTF-8 with a byte-order mark, or tabs. This module
finds out which from the data, names the columns from the header (``export_columns.json``
holds every phrasing it knows, in Russian and English, for each kind of export: the order
exports of ``status reconcile`` and the ticket exports of ``report sla``), and yields rows.
A ticket export names a column inside a wrapper (Jira's ``Custom field (Runbook)``) and
repeats a multi-valued one (``Component/s`` three times): the wrappers and the repeated
roles are data of the kind too.

A row that cannot be read is yielded as ``Broken`` with its line and the reason, and
reading goes on with the next line: an unterminated quote, a wrong column count, a NUL
byte, bytes that are not valid in the file's encoding, an overlong line or field. A quoted
field may span lines (a spreadsheet writes a line break in a cell that way), but only
for a few lines and only when the result is a whole row; otherwise the line that opened
the quote is the broken one and the lines after it are read as rows of their own. Memory
stays flat whatever the file's size: a line is read with a length limit, and at most
``MAX_SPAN`` lines are held.

Encodings: the first ``SAMPLE_BYTES`` go to charset-normalizer, restricted to UTF-8,
cp1251 and KOI8-R. Left free, it reads a short cp1251 file as cp1250, Big5 or Shift JIS
(measured on 6 to 90 byte exports); Russian order exports come in these three (KOI8-R from
old Unix tools), and UTF-16 ("Unicode text" from a spreadsheet) is refused with a message
saying how to save the file instead.
"""

from __future__ import annotations

import csv
import json
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, BinaryIO, NamedTuple

ENCODINGS = ("utf_8", "cp1251", "koi8_r")
DELIMITERS = (";", ",", "\t", "|")
SAMPLE_BYTES = 64 * 1024
SAMPLE_LINES = 50
MAX_LINE_BYTES = 1024 * 1024
MAX_FIELD = 10_000
MAX_SPAN = 10
_BOMS = {b"\xef\xbb\xbf": "utf_8_sig", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
_NAMES = {"utf_8": "UTF-8", "utf_8_sig": "UTF-8 with BOM", "cp1251": "cp1251", "koi8_r": "KOI8-R"}


class ExportError(Exception):
    """The file as a whole cannot be read as an export (a usage error, not a bad row)."""


class Row(NamedTuple):  # a tuple: a million of them are made and dropped, cheaply
    line: int
    cells: list[str]


class Broken(NamedTuple):
    line: int
    reason: str


@dataclass(frozen=True)
class ReadOptions:
    """What a person says about a file when the data cannot: columns by name (role -> the
    header's name for it), the encoding, the delimiter."""

    columns: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class Layout:
    """What was found out about a file before its rows are read."""

    encoding: str
    delimiter: str
    header_line: int = 0  # 0: no header
    header: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # role -> cell index
    repeated: dict[str, list[int]] = field(default_factory=dict)  # role -> every cell of a repeated role

    def as_dict(self) -> dict[str, object]:
        return {
            "encoding": _NAMES.get(self.encoding, self.encoding),
            "delimiter": self.delimiter,
            "header_line": self.header_line or None,
            "columns": {role: self.header[i] if self.header else i + 1 for role, i in self.columns.items()},
        }


# ---------------------------------------------------------------- column names


ORDERS = "orders"
TICKETS = "tickets"


@cache
def _columns_data() -> dict[str, Any]:
    text = resources.files("opskb.statuses").joinpath("export_columns.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def column_names(kind: str = ORDERS) -> dict[str, list[str]]:
    """role -> the header phrasings that name it, for one kind of export (export_columns.json:
    data, not code)."""
    data = _columns_data()
    return data["roles"] if kind == ORDERS else data[kind]["roles"]


@cache
def repeated_roles(kind: str = ORDERS) -> frozenset[str]:
    """The roles an export of this kind may give several columns (Jira's ``Component/s``)."""
    return frozenset(_columns_data().get(kind, {}).get("repeated", ()))


@cache
def _wrappers(kind: str) -> tuple[tuple[str, str], ...]:
    """(before, after) of each way a header wraps a column's name (``Custom field ({})``)."""
    found = []
    for wrapper in _columns_data().get(kind, {}).get("wrappers", ()):
        before, _, after = wrapper.partition("{}")
        found.append((normal(before), normal(after)))
    return tuple(found)


def header_name(cell: str, kind: str = ORDERS) -> str:
    """A header cell as compared (``normal``), out of its wrapper if it has one."""
    name = normal(cell)
    for before, after in _wrappers(kind):
        if name.startswith(before) and name.endswith(after) and len(name) > len(before) + len(after):
            return name[len(before) : len(name) - len(after)]
    return name


def normal(text: str) -> str:
    """A name as compared: case, ё/е, spaces and punctuation aside ('Номер заказа',
    'номер_заказа' and '№ заказа' are one name; so are 'Yandex Market' and 'yandex-market')."""
    text = text.replace("№", "номер").casefold().replace("ё", "е")
    return "".join(ch for ch in text if ch.isalnum())


def find_columns(
    header: list[str], roles: Iterable[str], generic: str | None, given: dict[str, str], kind: str = ORDERS
) -> dict[str, int]:
    """Which cell holds each role: a name given on the command line, else a phrasing the
    role is known by; ``generic`` is the role a bare 'Status' column means in this file."""
    cells = [header_name(cell, kind) for cell in header]
    found: dict[str, int] = {}
    names = column_names(kind)
    for role in roles:
        wanted = [normal(given[role])] if role in given else [normal(n) for n in names.get(role, [])]
        index = next((i for i, cell in enumerate(cells) if cell in wanted and i not in found.values()), None)
        if index is None and role == generic and role not in given:
            bare = {normal(n) for n in names.get("status", [])}
            index = next((i for i, cell in enumerate(cells) if cell in bare and i not in found.values()), None)
        if index is not None:
            found[role] = index
    return found


def repeated_columns(
    header: list[str], found: dict[str, int], given: dict[str, str], kind: str
) -> dict[str, list[int]]:
    """Every cell of each repeated role (the first is ``found``'s): Jira writes a
    multi-valued field as one column per value, under the same name."""
    cells = [header_name(cell, kind) for cell in header]
    names = column_names(kind)
    extra: dict[str, list[int]] = {}
    for role in repeated_roles(kind) & found.keys():
        wanted = [normal(given[role])] if role in given else [normal(n) for n in names.get(role, [])]
        extra[role] = [i for i, cell in enumerate(cells) if cell in wanted]
    return extra


def _known_cells(cells: list[str], given: dict[str, str], kind: str = ORDERS) -> int:
    known = {normal(n) for names in column_names(kind).values() for n in names} | {normal(n) for n in given.values()}
    return sum(1 for cell in cells if header_name(cell, kind) in known)


# ---------------------------------------------------------------- detection


def detect_encoding(sample: bytes) -> str:
    """The codec of an export from its first bytes (see the module's note on candidates)."""
    for bom, name in _BOMS.items():
        if sample.startswith(bom):
            if name == "UTF-16":
                raise ExportError("the file is UTF-16 (a spreadsheet's 'Unicode text'): save it as CSV in UTF-8")
            return name
    lines = sample.splitlines(keepends=True)
    if len(sample) == SAMPLE_BYTES and len(lines) > 1:
        lines.pop()  # never judge half a line (or half a character)
    failing = {name: {i for i, line in enumerate(lines) if not _decodes(line, name)} for name in ENCODINGS}
    if not failing["utf_8"]:
        return "utf_8"  # valid UTF-8 (ASCII included) is no accident in a Russian file
    # Not UTF-8, so one of the 8-bit code pages. One bad byte must not decide which: the
    # detector sees the lines valid in each of them; the broken ones are reported later.
    broken = set().union(*(failing[name] for name in ENCODINGS if name != "utf_8"))
    clean = b"".join(line for i, line in enumerate(lines) if i not in broken)
    if not clean.isascii():
        from charset_normalizer import from_bytes  # imported here: only reconcile needs it

        best = from_bytes(clean, cp_isolation=list(ENCODINGS)).best()
        if best is not None and best.encoding in ENCODINGS:
            return best.encoding
    return min(ENCODINGS, key=lambda name: len(failing[name]))


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_delimiter(lines: list[str], given: dict[str, str], kind: str = ORDERS) -> tuple[str, bool]:
    """The delimiter, and whether the first line is a header, from the data: a delimiter
    that splits the first line into known column names wins; else the one that splits
    most lines into the same number (two or more) of cells."""
    if not lines:
        return ",", False
    headers = [(_known_cells(_cells(lines[0], d), given, kind), d) for d in DELIMITERS]
    known, delimiter = max(headers, key=lambda pair: pair[0])
    if known >= 2:
        return delimiter, True
    best: tuple[int, int, int] = (0, 0, 0)
    chosen = ","
    for rank, candidate in enumerate(DELIMITERS):
        widths = [len(_cells(line, candidate)) for line in lines]
        width = max(set(widths), key=widths.count)
        if width < 2:
            continue
        score = (widths.count(width), width, -rank)
        if score > best:
            best, chosen = score, candidate
    return chosen, False


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


# ---------------------------------------------------------------- reading


class Export:
    """One export file: its layout found from the first lines, then its rows, once."""

    def __init__(
        self,
        handle: BinaryIO,
        *,
        roles: tuple[str, ...],
        positional: tuple[str, ...] = (),
        required: tuple[str, ...] = (),
        generic: str | None = None,
        options: ReadOptions | None = None,
        kind: str = ORDERS,
    ) -> None:
        self.handle, self.kind = handle, kind
        options = options or ReadOptions()
        given, encoding, delimiter = options.columns, options.encoding, options.delimiter
        sample = handle.read(SAMPLE_BYTES)
        handle.seek(0)
        encoding = encoding or detect_encoding(sample)
        first_lines = _sample_lines(sample, encoding)
        found_delimiter, has_header = detect_delimiter(first_lines, given, kind)
        self.layout = Layout(encoding, delimiter or found_delimiter)
        if delimiter and first_lines:
            has_header = _known_cells(_cells(first_lines[0], delimiter), given, kind) >= 2
        self._has_header = has_header
        # a file whose lines end in CR alone (classic Mac OS, some exporters): read as lines
        self._cr_lines = b"\r" in sample and b"\n" not in sample
        # a file without a header gets its width from most of its first lines, not from
        # its first row alone (which may be the broken one)
        widths = [len(_cells(line, self.layout.delimiter)) for line in first_lines]
        self._width_hint = max(set(widths), key=widths.count) if widths else 0
        self._roles, self._positional, self._generic, self._given = roles, positional, generic, given
        self._required = required

    def rows(self, wanted: bytearray | None = None) -> Iterator[Row | Broken]:
        """Every row after the header, and every broken line, in file order; with
        ``wanted`` (a flag per line), only the rows starting on flagged lines."""
        lines = _Lines(self.handle, self.layout.encoding, self._cr_lines)
        read, delimiter = lines.read, self.layout.delimiter
        blank = delimiter + " \t\r\n"  # a line of these alone holds no row
        width = 0
        while (item := read()) is not None:
            if isinstance(item, Broken):
                yield item
                continue
            number, text = item
            if '"' in text and (cells := _all_quoted(text, delimiter, width)) is not None:
                pass  # every cell quoted, no quote inside one (ServiceNow): split, not parsed
            elif '"' in text:
                row = _quoted(lines, number, text, delimiter, width)
                if isinstance(row, Broken):
                    yield row
                    continue
                cells = row.cells
            else:  # the common case, split as csv would split it
                cells = text.rstrip("\r\n").split(delimiter)
                if len(cells) == width and len(text) <= MAX_FIELD and text.strip(blank):
                    yield Row(number, cells)  # the common case of the common case: nothing to check
                    continue
            if not "".join(cells).strip():
                continue  # a blank line, or one of delimiters only (a spreadsheet's empty row)
            if not width:
                width = self._start(number, cells)
                lines.wanted = wanted  # from the first row on: the header is always read
                if self._has_header:
                    continue
            if len(cells) != width:
                yield Broken(number, f"expected {width} columns, got {len(cells)}")
            elif max(map(len, cells)) > MAX_FIELD:
                long = next(i for i, cell in enumerate(cells) if len(cell) > MAX_FIELD)
                yield Broken(number, f"column {long + 1} is longer than {MAX_FIELD} characters")
            else:
                yield Row(number, cells)

    def _start(self, number: int, cells: list[str]) -> int:
        """Read the header (or take the columns by position) at the first row; its width."""
        if self._has_header:
            self._read_header(Row(number, cells))
            return len(cells)
        width = self._width_hint or len(cells)
        if not self._positional:
            raise ExportError(
                f"no header row found (line {number} names none of the known columns): export the file with "
                "its header row, or name columns with --column ROLE=NAME"
            )
        if width != len(self._positional):
            raise ExportError(
                f"no header row found, and rows have {width} columns, not {len(self._positional)} "
                f"({', '.join(self._positional)}): add a header row, or name columns with --column ROLE=NAME"
            )
        self.layout.columns = {role: i for i, role in enumerate(self._positional)}
        return width

    def _read_header(self, row: Row) -> None:
        self.layout.header_line = row.line
        self.layout.header = [cell.strip() for cell in row.cells]
        self.layout.columns = find_columns(self.layout.header, self._roles, self._generic, self._given, self.kind)
        self.layout.repeated = repeated_columns(self.layout.header, self.layout.columns, self._given, self.kind)
        missing = [role for role in self._required if role not in self.layout.columns]
        if missing:
            known = column_names(self.kind)
            names = "; ".join(f"{role}: {', '.join(known.get(role, [])[:4])}, ..." for role in missing)
            raise ExportError(
                f"header on line {row.line} has no column for {', '.join(missing)} "
                f"(known names: {names}): name it with --column ROLE=NAME"
            )


def _sample_lines(sample: bytes, encoding: str) -> list[str]:
    text = sample.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = [line for line in text.splitlines() if line.strip()]
    if len(sample) == SAMPLE_BYTES and lines:
        lines.pop()  # the last line of a full sample may be cut
    return lines[:SAMPLE_LINES]


class _Lines:
    """Physical lines as (number, text), or Broken for a line that cannot be text; lines
    read ahead (a quote that might span lines) can be put back and are read again."""

    def __init__(self, handle: BinaryIO, encoding: str, cr_lines: bool = False) -> None:
        self.handle, self.number = handle, 0
        self.wanted: bytearray | None = None  # a flag per line: read only the flagged ones
        self.back: deque[tuple[int, str] | Broken] = deque()
        if encoding == "utf_8_sig":
            if handle.read(3) != b"\xef\xbb\xbf":
                handle.seek(0)
            encoding = "utf_8"
        if cr_lines:
            self.handle = _CrLines(handle)  # type: ignore[assignment]
        self.encoding, self.name = encoding, _NAMES.get(encoding, encoding)

    def read(self) -> tuple[int, str] | Broken | None:
        if self.back:
            return self.back.popleft()
        raw = self.handle.readline(MAX_LINE_BYTES + 1)
        wanted = self.wanted
        # A line nobody asked for is only counted (unless a quote might make it part of a row)
        while wanted is not None and raw and (self.number + 1 >= len(wanted) or not wanted[self.number + 1]):
            if b'"' in raw or (len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n")):
                break
            self.number += 1
            raw = self.handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return None
        self.number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line, in bounded pieces
                raw = self.handle.readline(MAX_LINE_BYTES)
            return Broken(self.number, f"line longer than {MAX_LINE_BYTES // 1024 // 1024} MiB")
        try:
            text = raw.decode(self.encoding)
        except UnicodeDecodeError as err:
            return Broken(self.number, f"bytes not valid in {self.name} at byte {err.start + 1}")
        if "\x00" in text:
            return Broken(self.number, f"NUL byte at column {text.index(chr(0)) + 1}")
        return self.number, text

    def push(self, items: list[tuple[int, str] | Broken]) -> None:
        self.back.extendleft(reversed(items))


class _CrLines:
    """A binary file whose lines end in CR alone, read by ``readline`` as if they ended in
    LF (CR and LF are single bytes in every encoding an export may have here)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.buffer, self.done = handle, b"", False

    def readline(self, limit: int) -> bytes:
        while True:
            end = self.buffer.find(b"\r")
            if 0 <= end < limit:
                line, self.buffer = self.buffer[:end] + b"\n", self.buffer[end + 1 :]
                return line
            if len(self.buffer) >= limit or self.done:
                line, self.buffer = self.buffer[:limit], self.buffer[limit:]
                return line
            chunk = self.handle.read(64 * 1024)
            self.done = not chunk
            self.buffer += chunk


def _all_quoted(text: str, delimiter: str, width: int) -> list[str] | None:
    """The cells of a line ``"a","b",...`` of ``width`` cells none of which holds a quote,
    or None for any other line (and a long one, left to csv's own limits). Every quote of
    such a line is one of a separator's two or the outer ones, so splitting it is exactly
    what csv reads, without a reader per line."""
    body = text.rstrip("\r\n")
    if not width or not 2 <= len(body) <= MAX_FIELD or body[0] != '"' or body[-1] != '"':
        return None
    if body.count('"') != 2 * width:
        return None
    cells = body[1:-1].split(f'"{delimiter}"')
    return cells if len(cells) == width else None


def _quoted(lines: _Lines, number: int, text: str, delimiter: str, width: int) -> Row | Broken:
    """A line with quotes: one row, possibly spanning the next few lines."""
    ahead: list[tuple[int, str] | Broken] = []
    while True:
        try:
            cells = next(csv.reader([text], delimiter=delimiter, strict=True))
        except csv.Error as err:
            if "unexpected end of data" not in str(err):
                lines.push(ahead)
                return Broken(number, f"bad quoting: {err}")
        else:
            if not ahead or not width or len(cells) == width:
                return Row(number, cells)
            lines.push(ahead)  # a quote that closes lines later but makes no whole row
            return Broken(number, 'unterminated quote: a " opened on this line does not close')
        following = lines.read() if len(ahead) < MAX_SPAN and len(text) <= MAX_FIELD else None
        if following is None or isinstance(following, Broken):
            if following is not None:
                ahead.append(following)
            lines.push(ahead)
            return Broken(number, 'unterminated quote: a " opened on this line does not close')
        ahead.append(following)
        text += following[1]
