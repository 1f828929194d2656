"""Write each alert's `runbook_url` into its rule file, moving nothing else.

The edit is textual, at offsets from the YAML node tree: an existing ``runbook_url``
value is replaced in its own quoting style; otherwise a ``runbook_url:`` entry is added
to the rule's ``annotations`` (a line in a block mapping, an entry in a flow one), or an
``annotations:`` block is added after the rule's last key at its indentation. Comments,
key order, quoting, indentation and line ends (CRLF too) stay byte for byte. The result
is read again and compared with the original: every rule as before, the annotated
alerts pointing where they should; if not, the file is left alone and the alert named.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model.alertrules import AlertRule, RuleFile, load_rule_file
from ..model.problems import ERROR
from ..model.ruleyaml import Node, Stream, YamlError, compose, plain_data

RUNBOOK_URL = "runbook_url"
# In flow collections the link is always double-quoted: plain scalars there trip parsers on ':'.
QUOTED = '"'
# A URL a plain YAML scalar carries unchanged in block and flow context.
_PLAIN_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~/?=&%+:@!$()*;-]*")


@dataclass
class Edit:
    start: int
    end: int
    text: str


@dataclass
class Annotated:
    """The outcome for one rule file: its new text (None: unchanged) and what was refused."""

    old: str
    new: str | None = None
    changed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def scalar(url: str, style: str | None = None) -> str:
    """``url`` as a YAML scalar, in the style given where it can be (plain, ' or ")."""
    if style == "'":
        return "'" + url.replace("'", "''") + "'"
    if style is None and _PLAIN_URL.fullmatch(url):
        return url
    return json.dumps(url, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def annotate(rule_file: RuleFile, targets: dict[str, str]) -> Annotated:
    """Set runbook_url of every alert named in ``targets`` (alert name -> URL)."""
    stream = rule_file.stream
    assert stream is not None
    result = Annotated(stream.text)
    edits: list[Edit] = []
    for alert in rule_file.alerts:
        url = targets.get(alert.name)
        if url is None or alert.url == url:
            continue
        try:
            edits.append(_edit(stream, alert, url))
        except _Refused as refused:
            result.refused.append(f"{alert.name}: {refused}")
            continue
        result.changed.append(alert.name)
    if not edits:
        return result
    new = _apply(stream.text, edits)
    problem = _verify(rule_file, new, {name: targets[name] for name in result.changed})
    if problem:
        result.refused.append(problem)
        result.changed = []
        return result
    result.new = new
    return result


class _Refused(Exception):
    """An alert this edit cannot annotate without touching more than its own lines."""


def _within(node: Node, outer: Node) -> bool:
    return outer.start <= node.start and node.end <= outer.end


def _edit(stream: Stream, alert: AlertRule, url: str) -> Edit:
    rule = alert.node
    if rule.alias or rule.anchor:
        raise _Refused("the rule is shared through an anchor (&name, *name); add runbook_url by hand")
    value, annotations = alert.runbook_url, alert.annotations
    shared = annotations is not None and (annotations.alias or annotations.anchor or not _within(annotations, rule))
    if shared or (value is not None and (value.alias or value.anchor)):
        raise _Refused("its annotations are shared through an anchor or a merge key; add runbook_url by hand")
    if value is not None:
        return _replace(stream, alert, value, url)
    if annotations is not None and annotations.kind == "map":
        return _add_entry(stream, annotations, url)
    if annotations is not None:
        return _fill_null(stream, alert, annotations, url)
    return _add_annotations(stream, rule, url)


def _replace(stream: Stream, alert: AlertRule, value: Node, url: str) -> Edit:
    if value.style in ("|", ">"):
        raise _Refused("runbook_url is a block scalar (| or >); write it on one line")
    if value.is_null and value.value == "":
        key = alert.annotations.pair(RUNBOOK_URL)[0]  # type: ignore[union-attr]
        colon = stream.text.index(":", key.end)
        return Edit(colon + 1, colon + 1, " " + scalar(url))
    return Edit(value.start, value.end, scalar(url, value.style))


def _add_entry(stream: Stream, annotations: Node, url: str) -> Edit:
    if annotations.flow:
        if annotations.items:
            return Edit(*[_last_value_end(annotations)] * 2, f", {RUNBOOK_URL}: {scalar(url, QUOTED)}")
        close = annotations.end - 1
        return Edit(close, close, f"{RUNBOOK_URL}: {scalar(url, QUOTED)}")
    indent = annotations.items[0][0].column - 1
    return _line_after(stream, _last_value_end(annotations), [f"{' ' * indent}{RUNBOOK_URL}: {scalar(url)}"])


def _fill_null(stream: Stream, alert: AlertRule, annotations: Node, url: str) -> Edit:
    """``annotations:`` with no value (or ``~``/``null``) becomes a mapping."""
    if annotations.value:
        return Edit(annotations.start, annotations.end, "{" + f"{RUNBOOK_URL}: {scalar(url, QUOTED)}" + "}")
    key = alert.annotations_key
    assert key is not None
    indent = key.column - 1 + _step(alert.node)
    colon = stream.text.index(":", key.end)
    return _line_after(stream, colon, [f"{' ' * indent}{RUNBOOK_URL}: {scalar(url)}"])


def _add_annotations(stream: Stream, rule: Node, url: str) -> Edit:
    if rule.flow:
        return Edit(*[_last_value_end(rule)] * 2, ", annotations: {" + f"{RUNBOOK_URL}: {scalar(url, QUOTED)}" + "}")
    indent = rule.items[0][0].column - 1
    lines = [f"{' ' * indent}annotations:", f"{' ' * (indent + _step(rule))}{RUNBOOK_URL}: {scalar(url)}"]
    return _line_after(stream, _last_value_end(rule), lines)


def _step(rule: Node) -> int:
    """The file's indentation step, from the rule's own block mappings (labels:); else 2."""
    for key, value in rule.items:
        if value.kind == "map" and not value.flow and not value.alias and value.items:
            step = value.items[0][0].column - key.column
            if step > 0:
                return step
    return 2


def _last_value_end(mapping: Node) -> int:
    """Where the last value of a mapping ends (before a flow mapping's closing brace)."""
    node = mapping.items[-1][1]
    # a block collection ends with its own last value, not at the token after it
    while node.kind in ("map", "seq") and not node.flow and not node.alias and node.items:
        last = node.items[-1]
        node = last[1] if node.kind == "map" else last
    return node.end


def _line_after(stream: Stream, offset: int, lines: list[str]) -> Edit:
    """New lines after the line holding ``offset`` (a block scalar has ended its line)."""
    text, newline = stream.text, stream.newline
    block = "".join(line + newline for line in lines)
    if offset > 0 and text[offset - 1] == "\n":
        return Edit(offset, offset, block)
    end = text.find("\n", offset)
    if end == -1:
        return Edit(len(text), len(text), newline + block.removesuffix(newline))
    return Edit(end + 1, end + 1, block)


def _apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _verify(rule_file: RuleFile, new: str, expected: dict[str, str]) -> str | None:
    """Why the edited text is not the same rules with the new links, or None."""
    from ..model.alertrules import validate

    try:
        stream = compose(new)
        again = validate(RuleFile(rule_file.path, rule_file.rel, stream))
        before = _without_links(rule_file.stream, expected)
        after = _without_links(stream, expected)
    except (YamlError, ValueError):
        return "the edit would break the YAML; nothing written (please report this file)"
    if any(f.code not in ("KB512", "KB513") for f in again.findings):
        return "the edit would make the file invalid; nothing written (please report this file)"
    links = {a.name: a.url for a in again.alerts}
    if before != after or any(links.get(name) != url for name, url in expected.items()):
        return "the edit would change more than runbook_url; nothing written (please report this file)"
    return None


def _without_links(stream: Stream | None, alerts: dict[str, str]) -> list[object]:
    """Every document as data, the runbook_url of the annotated alerts left out."""
    assert stream is not None
    budget = [200_000]
    documents = [plain_data(d, budget) for d in stream.documents]
    pending = list(documents)
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            name = item.get("alert")
            if isinstance(name, str) and name in alerts and isinstance(item.get("annotations"), (dict, str)):
                notes = item["annotations"]
                if isinstance(notes, dict):
                    notes.pop(RUNBOOK_URL, None)
                if not notes:
                    del item["annotations"]
            pending.extend(item.values())
    return documents


def load_for_annotation(path: Path, rel: str) -> tuple[RuleFile, list[str]]:
    """The rule file and its errors: a file with errors is not edited."""
    rule_file = load_rule_file(path, rel)
    from ..gate.registry import all_rules, problem_from

    rules = all_rules()
    errors = [
        problem_from(f.code, rel, f.line, f.column, **f.params).as_text()
        for f in rule_file.findings
        if rules[f.code].level == ERROR
    ]
    return rule_file, errors
