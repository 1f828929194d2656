"""YAML as Prometheus reads a rule file: a node tree with positions, values as written.

Prometheus decodes rule files with go-yaml v3 into string fields, so a scalar is its
text: `no`, `on` and `010` stay strings (YAML 1.1 readings do not apply), a plain
`null`/`~`/empty value is the empty string. Duplicate keys are an error, merge keys
(`<<`) are merged, anchors and aliases are allowed, and a file may hold several
documents. The content loader (``yamldoc``) refuses most of that on purpose; rule files
are someone else's format, so they get this reader instead.

The tree is composed from libyaml's event stream (the same parser ``yamldoc`` uses for
positions), iteratively, so depth is bounded and no recursion limit is reached. Every
node keeps its character offsets in the text: ``opskb alerts annotate`` edits the file
at those offsets and nowhere else.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .yamldoc import EventParser, RawFinding, flow_depth_exceeded

# Rule files are generated and concatenated (kube-prometheus ships ~700 KB of them in a
# handful of files); the content limit of 1 MiB would refuse honest ones.
MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
# Anchors are legitimate in rule files (shared labels); expansion is what is bounded.
MAX_ALIASES = 10_000

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
BINARY_TAG = "tag:yaml.org,2002:binary"
MERGE_KEY = "<<"


@dataclass(eq=False)
class Node:
    """One YAML node: kind is "scalar", "map" or "seq"; offsets index the decoded text."""

    kind: str
    line: int
    column: int
    start: int
    end: int
    value: str = ""
    tag: str | None = None
    style: str | None = None
    flow: bool = False
    items: list = field(default_factory=list)  # map: [(key Node, value Node)], seq: [Node]
    # an alias (*name): positions are the alias's own, the content is the anchored node's
    alias: bool = False
    anchor: str | None = None

    @property
    def is_null(self) -> bool:
        return self.kind == "scalar" and not self.style and self.tag in (None, "!") and self.value in NULLS

    @property
    def text(self) -> str:
        """The scalar as a Go string field receives it (null is the empty string)."""
        return "" if self.is_null else self.value

    def get(self, key: str) -> Node | None:
        """The value of ``key`` in a mapping (None when absent or not a mapping)."""
        pair = self.pair(key)
        return pair[1] if pair else None

    def pair(self, key: str) -> tuple[Node, Node] | None:
        if self.kind != "map":
            return None
        for k, v in self.items:
            if k.kind == "scalar" and k.value == key:
                return k, v
        return None

    @property
    def yaml_kind(self) -> str:
        """The kind as go-yaml names it in its messages (!!map, !!seq, !!str...)."""
        if self.kind != "scalar":
            return "!!" + self.kind
        return "!!null" if self.is_null else "!!str"


@dataclass
class Stream:
    """A file's decoded text and its documents (None for an empty document)."""

    text: str
    documents: list[Node | None]
    newline: str
    bom: bool = False


class YamlError(Exception):
    def __init__(self, finding: RawFinding) -> None:
        super().__init__(finding.code)
        self.finding = finding


def read_stream(path: Path) -> Stream:
    """Read and compose one rule file; YamlError carries a located KB0xx finding."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_BYTES:
                raise YamlError(RawFinding("KB005", 1, 1, {"size": size, "limit": MAX_BYTES}))
            raw = handle.read(size + 1)
    except OSError as err:
        raise YamlError(RawFinding("KB001", 1, 1, {"reason": f"cannot read the file: {err.strerror or err}"})) from err
    bom = raw.startswith(codecs.BOM_UTF8)
    if bom:
        raw = raw[len(codecs.BOM_UTF8) :]  # go-yaml skips a byte-order mark, and so does Prometheus
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        before = raw[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise YamlError(RawFinding("KB007", line, column, {"byte": f"0x{raw[err.start]:02x}"})) from err
    stream = compose(text)
    stream.bom = bom
    return stream


def compose(text: str) -> Stream:
    """The documents of ``text`` as node trees; YamlError for invalid or hostile YAML."""
    too_deep = flow_depth_exceeded(text, MAX_DEPTH)
    if too_deep is not None:
        raise YamlError(RawFinding("KB006", *too_deep, {"limit": MAX_DEPTH}))
    newline = "\r\n" if "\r\n" in text else "\n"
    return Stream(text, list(_documents(text)), newline)


class _Open:
    __slots__ = ("anchor", "key", "keys", "node")

    def __init__(self, node: Node, anchor: str | None) -> None:
        self.node = node
        self.anchor = anchor
        self.key: Node | None = None
        self.keys: dict[str, int] = {}


def _documents(text: str) -> Iterator[Node | None]:
    anchors: dict[str, Node] = {}
    stack: list[_Open] = []
    root: Node | None = None
    aliases = 0
    try:
        for event in yaml.parse(text, Loader=EventParser):
            if isinstance(event, yaml.DocumentStartEvent):
                root, anchors = None, {}
                continue
            if isinstance(event, yaml.DocumentEndEvent):
                yield root
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                closed = stack.pop()
                closed.node.end = event.end_mark.index
                _merge(closed.node)
                if closed.anchor:  # only now: an alias inside its own anchor is refused (go-yaml too)
                    anchors[closed.anchor] = closed.node
                continue
            if not isinstance(event, yaml.NodeEvent):
                continue
            mark = event.start_mark
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise YamlError(RawFinding("KB004", mark.line + 1, mark.column + 1, {"limit": MAX_ALIASES}))
                target = anchors.get(event.anchor)
                if target is None:
                    where = (mark.line + 1, mark.column + 1)
                    raise YamlError(
                        RawFinding(
                            "KB001", *where, {"reason": f"unknown anchor '{event.anchor}' (or one inside itself)"}
                        )
                    )
                node = _alias(target, event)
            else:
                node = _node(event)
                if event.anchor and isinstance(event, yaml.ScalarEvent):
                    anchors[event.anchor] = node
            if stack:
                _attach(stack[-1], node)
            else:
                root = node
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append(_Open(node, event.anchor))
                if len(stack) > MAX_DEPTH:
                    raise YamlError(RawFinding("KB006", mark.line + 1, mark.column + 1, {"limit": MAX_DEPTH}))
    except yaml.MarkedYAMLError as err:
        at = err.problem_mark or err.context_mark
        where = (at.line + 1, at.column + 1) if at is not None else (1, 1)
        reason = "; ".join(part for part in (err.context, err.problem) if part) or "not valid YAML"
        raise YamlError(RawFinding("KB001", *where, {"reason": reason})) from err
    except yaml.YAMLError as err:
        raise YamlError(RawFinding("KB001", 1, 1, {"reason": str(err).splitlines()[0]})) from err


def _node(event: yaml.NodeEvent) -> Node:
    start, end = event.start_mark, event.end_mark
    base = {"line": start.line + 1, "column": start.column + 1, "start": start.index, "end": end.index}
    tag = getattr(event, "tag", None)
    if isinstance(event, yaml.ScalarEvent):
        return Node("scalar", value=event.value, tag=tag, style=event.style or None, anchor=event.anchor, **base)
    kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
    return Node(kind, tag=tag, flow=bool(event.flow_style), anchor=event.anchor, **base)


def _alias(target: Node, event: yaml.AliasEvent) -> Node:
    start, end = event.start_mark, event.end_mark
    return Node(
        target.kind,
        start.line + 1,
        start.column + 1,
        start.index,
        end.index,
        value=target.value,
        tag=target.tag,
        style=target.style,
        flow=True,  # written on one token, like a flow collection
        items=target.items,
        alias=True,
    )


def _attach(parent: _Open, node: Node) -> None:
    container = parent.node
    if container.kind == "seq":
        container.items.append(node)
        return
    if parent.key is None:
        parent.key = node
        if node.kind == "scalar" and node.value != MERGE_KEY:
            first = parent.keys.get(node.value)
            if first is not None:
                # go-yaml v3 refuses a key written twice (Prometheus: "already defined at line N")
                raise YamlError(RawFinding("KB002", node.line, node.column, {"key": node.value, "first_line": first}))
            parent.keys[node.value] = node.line
        return
    container.items.append((parent.key, node))
    parent.key = None


def _merge(node: Node) -> None:
    """Apply merge keys as go-yaml does: merged pairs never override the mapping's own."""
    if node.kind != "map" or not any(
        k.kind == "scalar" and k.value == MERGE_KEY and not k.style for k, _ in node.items
    ):
        return
    own = [(k, v) for k, v in node.items if not (k.kind == "scalar" and k.value == MERGE_KEY and not k.style)]
    names = {k.value for k, _ in own if k.kind == "scalar"}
    merged: list[tuple[Node, Node]] = []
    for key, value in node.items:
        if not _is_merge(key):
            continue
        for source in value.items if value.kind == "seq" else [value]:
            if source.kind != "map":
                raise YamlError(RawFinding("KB001", source.line, source.column, {"reason": "map merge requires a map"}))
            for k, v in source.items:
                if k.kind == "scalar" and k.value not in names:
                    names.add(k.value)
                    merged.append((k, v))
    node.items = own + merged


def _is_merge(key: Node) -> bool:
    return key.kind == "scalar" and key.value == MERGE_KEY and not key.style


def plain_data(node: Node | None, budget: list[int] | None = None) -> object:
    """The node as data the way a Go string field sees it (scalars as text, null as "").

    Aliases expand, within a budget: a document of nested aliases can mean billions of
    nodes; past the budget, ValueError."""
    budget = budget if budget is not None else [MAX_ALIASES * 10]
    if node is None:
        return None
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError("too many nodes once aliases are expanded")
    if node.kind == "scalar":
        return node.text
    if node.kind == "seq":
        return [plain_data(item, budget) for item in node.items]
    return {
        plain_data(k, budget) if k.kind == "scalar" else repr(k.start): plain_data(v, budget) for k, v in node.items
    }
