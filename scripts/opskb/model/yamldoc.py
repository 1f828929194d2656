"""Loading one YAML file safely, with the line and column of every node.

Two parsers, each for what it does best (measured in the README):

* ``yaml_rs`` (a YAML 1.2 parser in Rust) gives the data. It is strict, rejects every
  invalid case of the YAML test suite, refuses duplicate keys and caps alias expansion,
  and parses a runbook in ~30 microseconds. It carries no positions.
* PyYAML's event stream (libyaml's ``CParser`` when available) gives the positions and
  the checks that need to see the source: duplicate keys with their location, YAML 1.1
  scalars that read differently than a person expects, custom tags, aliases past a
  budget, nesting depth. It only runs when a file looks risky or fails, and lazily when
  a later phase needs to locate a node, so valid files pay for the fast parser only.

Two traps are closed before any parser sees the text: the file size, and the depth of
flow collections (libyaml takes quadratic time on deep ``[[[[``, and both libyaml's
composer and yaml_rs crash the process on very deep nesting).
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml_rs

EventParser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on one content file; content needs far less than these."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 32
    max_aliases: int = 20
    max_line_length: int = 2000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class RawFinding:
    """A loader finding before it becomes a Problem: code, 1-based position, params."""

    code: str
    line: int
    column: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class NodePosition:
    line: int
    column: int
    key_line: int | None = None
    key_column: int | None = None


@dataclass
class Document:
    """One loaded content file: its data (None when it could not be loaded) and positions."""

    path: Path
    rel: str
    # The file's bytes as read, once they decoded as UTF-8 (None before, or if they did
    # not). Kept as bytes, not as text: a runbook with Cyrillic in it is two bytes a
    # character as a str, English and YAML included, about half that in UTF-8; and what
    # a later build or rebuild may reuse is known by them (gate.registry.FileMemo,
    # kb.shared_sources).
    source: bytes | None
    data: Any
    # The limits it was loaded with: a later scan for positions must not be looser.
    limits: Limits = DEFAULT_LIMITS
    _positions: dict[JsonPath, NodePosition] | None = None

    @property
    def loaded(self) -> bool:
        return self.data is not None

    @property
    def text(self) -> str | None:
        """The file's text (None: not read, or not UTF-8)."""
        return self.source.decode("utf-8") if self.source is not None else None

    def locate(self, path: JsonPath = (), on_key: bool = False) -> tuple[int, int]:
        """Line and column of the node at ``path``, or of its nearest existing ancestor."""
        positions = self.positions()
        probe = tuple(path)
        while probe and probe not in positions:
            probe = probe[:-1]
        found = positions.get(probe)
        if found is None:
            return (1, 1)
        if on_key and probe == tuple(path) and found.key_line is not None:
            return (found.key_line, found.key_column or 1)
        return (found.line, found.column)

    def positions(self) -> dict[JsonPath, NodePosition]:
        if self._positions is None:
            self._positions = {}
            text = self.text
            if text is not None:
                self._positions, _ = scan_events(text, self.limits)
        return self._positions


# Cheap, over-inclusive looks at the raw text and at the parsed data; a hit sends the file
# through the event scan, which decides precisely (and gives positions). Most look at the
# file's bytes, where what they look for is ASCII: a Cyrillic letter is two bytes there,
# and four as a character of the text, which the regular expressions step through.
_DOCUMENT_MARKERS = (b"\n---", b"\n...")
# Where YAML can read a tag (!), an anchor (&name) or an alias (*name): at the start of a
# node, which follows whitespace, a line break, a flow indicator or a JSON-like key's
# colon. An anchor or alias needs a name right after its sigil, and a name has no
# whitespace or flow indicator in it (the spec's ns-anchor-char); a bare "& " or "*{" is
# a syntax error, which yaml_rs reports and the event scan then locates. Prose ("card
# *1234" aside), placeholders ("card *{last4}") and query text ("count(*)", "x * 100")
# mostly have none of these: the repository's runbooks went from 18 of 23 files scanned
# to 2. As a regular expression: (?:^|[\s\ufeff\[{,:])(?:!|[&*][^\s,\[\]{}]), which
# tries every position of the text (0.3 ms a runbook); ``_has_node_property`` visits only
# the sigils.
_PROPERTY_SIGILS = "!&*"
_BEFORE_PROPERTY = "\ufeff[{,:"  # and whitespace (str.isspace: the regex's \s)
_FLOW_INDICATORS = ",[]{}"
# Nesting that the parsers recurse on, bounded from the text. Block collections start at
# increasing columns, two levels per column at most (a sequence may sit at its mapping's
# column). With every line indented less than I, at most two compact indicators in a row
# (`- - `, `- ? `, `? - `, `: - `: collections start at column I + 3 at most) and flow
# nesting two deep at most (`[{...}]`), a file nests at most 2 * (I + 4) + 2 levels.
# Anything that could nest deeper goes through the event scan, which counts exactly.
# As a regular expression on the text, [-?:][ \t]+[-?:][ \t]+[-?:][ \t\n]; on the file's
# bytes with each indicator read as "i", a blank as "s" and a line break as "n", the same
# pattern starts with a literal, and the regex engine skips ahead in C (a third of the time).
_INDICATORS = bytes(
    {ord("-"): ord("i"), ord("?"): ord("i"), ord(":"): ord("i"), ord(" "): ord("s"), ord("\t"): ord("s")}.get(
        byte, ord("n") if byte == ord("\n") else ord("x")
    )
    for byte in range(256)
)
_COMPACT_RUN = re.compile(rb"is+is+i[sn]")
# Flow nesting three deep is three openers with no closer between them, in the file's
# brackets alone ("(" for "[" and "{", ")" for "]" and "}"): the regular expression
# [\[{][^\]}]*[\[{][^\]}]*[\[{] on the text, in a tenth of its time.
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
# The control characters YAML does not allow in a file. Those below 0x80 are bytes of
# their own in UTF-8; C1 controls (U+0080 to U+009F, but NEL) are 0xC2 and a second byte;
# U+FFFE and U+FFFF are 0xEF 0xBF 0xBE/0xBF.
_C0_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_C0_CONTROLS = bytes(byte for byte in range(256) if byte not in _C0_CONTROLS)
_C1_OR_NONCHARACTER = re.compile(rb"\xc2[\x80-\x84\x86-\x9f]|\xef\xbf[\xbe\xbf]")
# Plain values YAML 1.1 reads as booleans or numbers, where a value can stand. Each pattern
# starts with a literal, so the regex engine skips ahead in C, and a look at the character
# after it (``_AMBIGUOUS_START``: the first character of every value of the set) stops most
# tries at once: ~10 us per runbook in all, where one pattern with a leading character
# class cost ~100 us.
_AMBIGUOUS_VALUE = (
    r"(?:[yYnN]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|<<|[-+]?0[0-9_]+|[-+]?0b[01_]+"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[-+]?[0-9]+_[0-9_]*(?:\.[0-9_]*)?)"
)
# The same set, for one whole plain scalar: what YAML 1.1 loaders (and many editors and tools)
# read as a boolean, an octal, binary or base-60 number, or a merge key, where YAML 1.2 does not.
_YAML11_AMBIGUOUS = re.compile(rf"^{_AMBIGUOUS_VALUE}$")
_AMBIGUOUS_START = r"(?=[yYnNoO<+\-0-9])"
_AMBIGUOUS_PLACES = tuple(
    re.compile((prefix + _AMBIGUOUS_START + _AMBIGUOUS_VALUE + suffix).encode("ascii"), re.M)
    for prefix, suffix in (
        (r": ", r"[ \t]*(?:\#.*)?$"),
        (r"- ", r"[ \t]*(?:\#.*)?$"),
        (r"\[[ \t]*", r"[ \t]*[,\]]"),
        (r", ?", r"[ \t]*[,\]}]"),
    )
)


def _text_looks_risky(text: str, limits: Limits, raw: bytes | None = None) -> bool:
    """Tags, anchors, aliases, document markers, deep nesting or control characters may be
    present. ``raw``: the text's UTF-8 bytes, when the caller has them."""
    raw = text.encode("utf-8") if raw is None else raw
    return (
        _has_node_property(text)
        or any(marker in raw for marker in _DOCUMENT_MARKERS)
        or raw.startswith((b"---", b"..."))
        or _may_nest_deeply(raw, limits.max_depth)
        or _has_control(raw)
        or _too_long_line(text, limits.max_line_length, raw)
        or any(pattern.search(raw) for pattern in _AMBIGUOUS_PLACES)
        or ('"' in text and _has_open_quote(text))
    )


def _has_node_property(text: str) -> bool:
    """A ``!``, or an ``&`` or ``*`` with a character other than whitespace or a flow
    indicator after it, at the start of the text or after whitespace or one of
    ``_BEFORE_PROPERTY``."""
    for sigil in _PROPERTY_SIGILS:
        at = text.find(sigil)
        while at != -1:
            before = text[at - 1] if at else " "
            if (before.isspace() or before in _BEFORE_PROPERTY) and (
                sigil == "!"
                or (at + 1 < len(text) and not text[at + 1].isspace() and text[at + 1] not in _FLOW_INDICATORS)
            ):
                return True
            at = text.find(sigil, at + 1)
    return False


def _has_control(raw: bytes) -> bool:
    return bool(raw.translate(None, _NOT_C0_CONTROLS)) or (
        (b"\xc2" in raw or b"\xef\xbf" in raw) and _C1_OR_NONCHARACTER.search(raw) is not None
    )


def _has_open_quote(text: str) -> bool:
    """A line with an odd number of double quotes: a quoted value may run on past it.
    (As a regular expression, ^[^"\n]*(?:"[^"\n]*"[^"\n]*)*"[^"\n]*$ in multiline mode:
    half a millisecond a runbook, where counting takes a fiftieth of that.)"""
    return any(line.count('"') % 2 for line in text.split("\n") if '"' in line)


def _may_nest_deeply(raw: bytes, max_depth: int) -> bool:
    """Over-inclusive: False only when the text cannot nest deeper than ``max_depth``."""
    deep_indent = b" " * max(0, (max_depth - 1) // 2 - 4)
    return b"\n" + deep_indent in raw or raw.startswith(deep_indent) or _has_compact_run(raw) or _has_deep_flow(raw)


def _has_compact_run(raw: bytes) -> bool:
    """Three compact indicators in a row (``- - -``, ``? - :``...)."""
    return _COMPACT_RUN.search(raw.translate(_INDICATORS)) is not None


def _has_deep_flow(raw: bytes) -> bool:
    """Flow collections that may nest three deep."""
    return b"(((" in raw.translate(_BRACKETS, _NOT_BRACKETS)


_CORE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}
_RS_POSITION = re.compile(r"at line (\d+), column (\d+)")


def _resolve_plain(value: str) -> Any:
    """The YAML 1.2 core schema reading of a plain scalar, for mapping keys."""
    if value in ("", "~", "null", "Null", "NULL"):
        return None
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    if re.fullmatch(r"[-+]?[0-9]+", value):
        return int(value)
    return value


_FLOW_TOKEN = re.compile(r"""[\[\]{}]|(?<![^\s\[{,:])(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')|(?<!\S)\#[^\n]*""")


def flow_depth_exceeded(text: str, max_depth: int) -> tuple[int, int] | None:
    """Position (1-based) where flow brackets nest deeper than ``max_depth``, if anywhere.

    Runs before libyaml, which needs quadratic time on deeply nested flow collections.
    Quoted strings and comments are skipped; an unbalanced bracket inside plain text
    counts, which errs on the side of refusing a pathological file.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth = 0
    for match in _FLOW_TOKEN.finditer(text):
        char = match.group()
        if char in "[{":
            depth += 1
            if depth > max_depth:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                return line, start - (text.rfind("\n", 0, start) + 1) + 1
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


class _Frame:
    __slots__ = ("index", "is_mapping", "key", "key_mark", "keys", "path", "skip")

    def __init__(self, path: JsonPath, is_mapping: bool, skip: bool = False) -> None:
        self.path = path
        self.is_mapping = is_mapping
        self.skip = skip
        self.index = 0
        self.key: Any = None
        self.key_mark: tuple[int, int] | None = None
        self.keys: dict[Any, int] = {}


def scan_events(text: str, limits: Limits) -> tuple[dict[JsonPath, NodePosition], list[RawFinding]]:
    """Walk the event stream once: positions of every node, and the source-level findings."""
    positions: dict[JsonPath, NodePosition] = {}
    findings: list[RawFinding] = []
    stack: list[_Frame] = []
    aliases = documents = 0
    last: yaml.Event | None = None
    try:
        for event in yaml.parse(text, Loader=EventParser):
            last = event
            mark = event.start_mark
            here = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    findings.append(RawFinding("KB011", *here))
                    break
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            parent = stack[-1] if stack else None
            as_key = parent is not None and parent.is_mapping and parent.key_mark is None
            if parent is None:
                path: JsonPath | None = ()
            elif parent.skip or as_key:
                path = None
            elif parent.is_mapping:
                path = (*parent.path, parent.key)
            else:
                path = (*parent.path, parent.index)
                parent.index += 1
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > limits.max_aliases:
                    findings.append(RawFinding("KB004", *here, {"limit": limits.max_aliases}))
                    break
            elif event.tag not in (None, "!") and event.tag not in _CORE_TAGS:
                findings.append(RawFinding("KB009", *here, {"tag": event.tag}))
            if _is_ambiguous_plain(event):
                findings.append(RawFinding("KB003", *here, {"value": event.value}))
            if _spans_lines(event):
                # Whatever follows was read inside the quote or shifted by it: not reported.
                findings.append(RawFinding("KB013", *here, {"end": event.end_mark.line + 1}))
                break
            if as_key:
                assert parent is not None
                key = _key_of(event, here)
                if not parent.skip:
                    hashable = key if isinstance(key, (str, int, bool, type(None))) else repr(key)
                    if hashable in parent.keys:
                        findings.append(RawFinding("KB002", *here, {"key": key, "first_line": parent.keys[hashable]}))
                    else:
                        parent.keys[hashable] = here[0]
                parent.key = key
                parent.key_mark = here
            else:
                key_mark = parent.key_mark if parent is not None and parent.is_mapping else None
                if path is not None:
                    positions[path] = NodePosition(*here, *(key_mark or (None, None)))
                if parent is not None and parent.is_mapping:
                    parent.key_mark = None  # the value is consumed; the next node is a key
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                frame_path = path if path is not None else ()
                stack.append(_Frame(frame_path, isinstance(event, yaml.MappingStartEvent), skip=path is None))
                if len(stack) > limits.max_depth:
                    findings.append(RawFinding("KB006", *here, {"limit": limits.max_depth}))
                    break
    except yaml.MarkedYAMLError as err:
        findings.append(_syntax_finding(err, last))
    except yaml.YAMLError as err:
        findings.append(RawFinding("KB001", 1, 1, {"reason": str(err).splitlines()[0]}))
    return positions, findings


def _spans_lines(event: yaml.Event) -> bool:
    """A quoted value over several lines: in content, a quote left open that swallowed
    the lines up to the next quote (long text is written as a block scalar, ``>-``)."""
    return (
        isinstance(event, yaml.ScalarEvent)
        and event.style in ('"', "'")
        and event.end_mark is not None
        and event.end_mark.line > event.start_mark.line
    )


def _is_ambiguous_plain(event: yaml.Event) -> bool:
    return (
        isinstance(event, yaml.ScalarEvent)
        and not event.style
        and event.implicit[0]
        and _YAML11_AMBIGUOUS.match(event.value) is not None
    )


def _key_of(event: yaml.NodeEvent, here: tuple[int, int]) -> Any:
    if not isinstance(event, yaml.ScalarEvent):
        return f"<complex key at {here[0]}:{here[1]}>"
    return _resolve_plain(event.value) if not event.style else event.value


def _syntax_finding(err: yaml.MarkedYAMLError, last: yaml.Event | None) -> RawFinding:
    """KB001 where the parser gave up, and where the mistake more likely is when that is
    elsewhere: the opening of a quote never closed, or of a value that ran on."""
    reason = _describe_pyyaml(err)
    if err.context == "while scanning a quoted scalar" and err.context_mark is not None:
        mark = err.context_mark
        return RawFinding("KB001", mark.line + 1, mark.column + 1, {"reason": f"this quote is never closed ({reason})"})
    mark = err.problem_mark or err.context_mark
    where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if isinstance(last, yaml.ScalarEvent) and last.start_mark is not None and last.start_mark.line + 1 < where[0]:
        reason += f" (after the value that starts on line {last.start_mark.line + 1})"
    return RawFinding("KB001", *where, {"reason": reason})


def _describe_pyyaml(err: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (err.context, err.problem) if part]
    return "; ".join(parts) or "not valid YAML"


def _rs_finding(err: Exception, limits: Limits) -> RawFinding:
    text = str(err)
    found = _RS_POSITION.search(text)
    line, column = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
    reason = text.strip().splitlines()[-1].strip() if text.strip() else "not valid YAML"
    reason = reason.lstrip("|^ ").strip() or "not valid YAML"
    if "alias" in text.lower():
        return RawFinding("KB004", line, column, {"limit": limits.max_aliases})
    if "duplicate" in text.lower():
        return RawFinding("KB002", line, column, {"key": reason, "first_line": "?"})
    return RawFinding("KB001", line, column, {"reason": reason})


def _decode(raw: bytes) -> tuple[str | None, RawFinding | None]:
    if raw.startswith(codecs.BOM_UTF8):
        return None, RawFinding("KB008", 1, 1)
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        return None, RawFinding("KB007", line, column, {"byte": f"0x{raw[err.start]:02x}"})


def _too_long_line(text: str, limit: int, raw: bytes) -> bool:
    """A line of more than ``limit`` characters; a line has at least as many bytes."""
    return (
        len(raw) > limit
        and max(map(len, raw.split(b"\n"))) > limit
        and any(len(line) > limit for line in text.split("\n"))
    )


def load_document(path: Path, rel: str, limits: Limits = DEFAULT_LIMITS) -> tuple[Document, list[RawFinding]]:
    """Read, decode and parse one file. Never raises for bad content."""
    document = Document(path=path, rel=rel, source=None, data=None, limits=limits)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limits.max_bytes:
                return document, [RawFinding("KB005", 1, 1, {"size": size, "limit": limits.max_bytes})]
            raw = handle.read(size + 1)
    except OSError as err:
        return document, [RawFinding("KB022", 1, 1, {"reason": err.strerror or str(err)})]
    text, finding = _decode(raw)
    if finding is not None:
        return document, [finding]
    assert text is not None
    document.source = raw
    too_deep = flow_depth_exceeded(text, limits.max_depth)
    if too_deep is not None:
        return document, [RawFinding("KB006", *too_deep, {"limit": limits.max_depth})]
    findings: list[RawFinding] = []
    scanned = False
    if _text_looks_risky(text, limits, raw):
        document._positions, findings = scan_events(text, limits)
        scanned = True
        if findings:
            return document, findings
    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=False,
            alias_limits=yaml_rs.AliasLimits(
                max_total_replayed_events=10_000,
                max_replay_stack_depth=limits.max_depth,
                max_alias_expansions_per_anchor=limits.max_aliases,
            ),
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error,
        )
    except Exception as err:  # yaml_rs raises YAMLDecodeError, and ValueError on a few inputs
        if not scanned:
            document._positions, findings = scan_events(text, limits)
        return document, findings or [_rs_finding(err, limits)]
    if data is None:
        return document, [RawFinding("KB010", 1, 1)]
    document.data = shared_strings(data)
    return document, []


# Values this short are ids, enum values and references (a severity, a team, a system, a
# tool), which repeat from file to file; longer ones are prose, which seldom does.
SHARED_UP_TO = 32


def strings(data: Any, path: JsonPath = ()) -> Iterator[tuple[JsonPath, str]]:
    """Every string value in loaded data with its path, in document order."""
    # iterative: the loader bounds nesting, but a walk need not rely on it
    stack = [(path, data)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            yield where, node
        elif isinstance(node, dict):
            stack.extend(((*where, key), value) for key, value in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend(((*where, index), value) for index, value in reversed(list(enumerate(node))))


def shared_strings(data: Any) -> Any:
    """``data`` with every mapping key and every short string value interned: the parser
    makes a new string for each occurrence, and 10,000 runbooks held 450,000 copies of
    82 distinct keys (25 MB). Interned strings are freed when nothing uses them, and a
    build's worker processes touch far fewer memory pages (build/parallel.py)."""
    if isinstance(data, dict):
        return {(sys.intern(key) if type(key) is str else key): shared_strings(value) for key, value in data.items()}
    if isinstance(data, list):
        return [shared_strings(item) for item in data]
    if type(data) is str and len(data) <= SHARED_UP_TO:
        return sys.intern(data)
    return data
