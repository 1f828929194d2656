"""A best-effort reading of a file the loader refused, so that its ids are still known.

One wrong line (a tab, an unclosed quote, a duplicate key, an unquoted ``08:00``) makes a
whole file unreadable for the strict loader, and every reference to what it defines
would then look dangling. This module reads what can be read: the text is cut along its
indentation into the entries of its mappings and lists, each entry is parsed alone with
libyaml's event parser, and an entry that still fails is cut again, down to the line
that is wrong (whose value is left out). What comes out is never used as content: the
knowledge base takes only ids from it, and only to know that they exist.

libyaml's event parser is used, never a composer: it is not recursive (no crash on deep
nesting), and the builder below caps depth and aliases with the file's own limits. Only
text that passed the loader's size and flow-depth guards is given to it.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .yamldoc import EventParser, Limits

_MISSING = object()
# The key of a ``key: value`` line: plain up to the first ": ", or quoted.
_KEY = re.compile(r"""^([ \t]*(?:"[^"]*"|'[^']*'|[^\s#'"-][^#]*?|-[^\s#][^#]*?))[ \t]*:(?:[ \t]|$)""")


def recover(text: str, limits: Limits) -> Any:
    """The data of ``text`` as far as it can be read (None where nothing can)."""
    lines = text.split("\n")
    value = _read(lines, limits, depth=0)
    return None if value is _MISSING else value


def _read(lines: list[str], limits: Limits, depth: int) -> Any:
    value, complete = _build("\n".join(lines), limits)
    if complete or depth >= limits.max_depth:
        return value
    entries = _entries(lines)
    if entries is None:
        return value
    is_list, chunks = entries
    if is_list:
        items = [_read_item(chunk, limits, depth) for chunk in chunks]
        return [None if item is _MISSING else item for item in items]  # an unreadable entry still counts
    found: dict[Any, Any] = {}
    for chunk in chunks:
        part = _read_entry(chunk, limits, depth)
        if isinstance(part, dict):
            found.update((k, v) for k, v in part.items() if v is not None or k not in found)
    return found


def _read_item(chunk: list[str], limits: Limits, depth: int) -> Any:
    """One ``- ...`` entry of a list: alone, else as the mapping or list inside the dash."""
    value, complete = _build("\n".join(chunk), limits)
    if complete:
        return value[0] if isinstance(value, list) and value else _MISSING
    first = chunk[0]
    dash = len(first) - len(first.lstrip(" \t"))
    inner = [first[:dash] + "  " + first[dash + 2 :], *chunk[1:]]
    return _read(inner, limits, depth + 1)


def _read_entry(chunk: list[str], limits: Limits, depth: int) -> Any:
    """One ``key: ...`` entry of a mapping: alone, else its key over what its nested
    lines hold (a value on the key's own line that does not parse is left out)."""
    value, complete = _build("\n".join(chunk), limits)
    if complete or len(chunk) == 1:
        return value if isinstance(value, dict) else None
    key = _KEY.match(chunk[0])
    key_only, _ = _build(key.group(1) + ":", limits) if key else (None, False)
    nested = _read(chunk[1:], limits, depth + 1)
    if not isinstance(key_only, dict) or len(key_only) != 1 or nested is _MISSING:
        return None
    return {next(iter(key_only)): nested}


def _indent(line: str) -> int | None:
    """Width of the leading whitespace; None for a blank line or a comment."""
    stripped = line.lstrip(" \t")
    if not stripped or stripped.startswith("#"):
        return None
    return len(line) - len(stripped)


def _entries(lines: list[str]) -> tuple[bool, list[list[str]]] | None:
    """The entries of the outermost block collection in ``lines``: whether it is a list,
    and each entry's lines (an entry runs to the next line at the same indentation)."""
    indents = [(n, width) for n, line in enumerate(lines) if (width := _indent(line)) is not None]
    if len(indents) < 2:
        return None
    outer = min(width for _, width in indents)
    starts = [n for n, width in indents if width == outer]
    is_list = lines[starts[0]].lstrip(" \t").startswith("-")
    chunks = [lines[start:end] for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]
    if len(chunks) < 2 and not is_list:
        return None if len(chunks[0]) < 2 else (False, chunks)
    return is_list, chunks


def _resolve(event: yaml.ScalarEvent) -> Any:
    if event.style:
        return event.value
    value = event.value
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return value.lower() == "true"
    try:
        return int(value)
    except ValueError:
        return value


class _Builder:
    """Data from a stream of parser events; what was built stays when the stream fails."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.root: Any = _MISSING
        self.stack: list[tuple[Any, list[Any]]] = []  # (container, [pending key]) pairs
        self.aliases = 0

    def add(self, value: Any) -> bool:
        """Place a node; False when the stream should stop (too deep, too many aliases)."""
        if not self.stack:
            if self.root is _MISSING:
                self.root = value
            return True
        container, pending = self.stack[-1]
        if isinstance(container, list):
            container.append(value)
        elif not pending:
            pending.append(value if isinstance(value, (str, int, bool, type(None))) else repr(value))
        else:
            container[pending.pop()] = value
        return True

    def cut_short(self) -> Any:
        """The root, each list still open ending in None: entries may be missing there."""
        for container, _ in self.stack:
            if isinstance(container, list):
                container.append(None)
        return self.root

    def feed(self, event: yaml.Event) -> bool:
        if isinstance(event, yaml.ScalarEvent):
            return self.add(_resolve(event))
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            return self.aliases <= self.limits.max_aliases and self.add(None)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.add(container)
            self.stack.append((container, []))
            return len(self.stack) <= self.limits.max_depth
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
        return True


def _build(text: str, limits: Limits) -> tuple[Any, bool]:
    """The data of ``text`` and whether all of it parsed (else: as far as it did)."""
    builder = _Builder(limits)
    try:
        for event in yaml.parse(text, Loader=EventParser):
            if isinstance(event, yaml.DocumentEndEvent):
                break  # a second document is KB011's business; the first one is the file
            if not builder.feed(event):
                return builder.cut_short(), False
    except yaml.YAMLError:
        return builder.cut_short(), False
    return builder.root, True
