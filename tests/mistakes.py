"""Single-line mistakes a person makes in a content file, applied line by line.

Each mistake is a function from one line of YAML to the line(s) that replace it, or None
where it does not apply to that line. They are the classes issue 10 names: an unquoted
time, a tab in the indentation, a duplicate key, an unquoted `yes`, a misspelt field
name, a value of the wrong type, a broken quote and a wrong id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

# `  - key: value  # comment` -> indent, dash, key, value (comment and quotes kept in value)
_ENTRY = re.compile(r"^(?P<indent> *)(?P<dash>- )?(?P<key>[A-Za-z_][\w-]*):(?: (?P<value>.*))?$")
_ITEM = re.compile(r"^(?P<indent> *)- (?P<value>[^\s#:][^:#]*?)\s*$")
_IDENT = re.compile(r"^[a-z0-9][a-z0-9_/-]*$")

Mistake = Callable[[str], str | None]


def _entry(line: str) -> re.Match[str] | None:
    found = _ENTRY.match(line)
    return found if found and not line.lstrip().startswith("#") else None


_BLOCK = (">-", "|", ">", "|-", ">+", "|+")


def _scalar_entry(line: str) -> re.Match[str] | None:
    """A ``key: value`` line whose value is on the line (not a block scalar's header)."""
    found = _entry(line)
    return found if found and found["value"] and found["value"] not in _BLOCK else None


def _with_value(found: re.Match[str], value: str) -> str:
    return f"{found['indent']}{found['dash'] or ''}{found['key']}: {value}"


def unquoted_time(line: str) -> str | None:
    found = _scalar_entry(line)
    return _with_value(found, "08:00") if found else None


def tab_indent(line: str) -> str | None:
    return "\t" + line[1:] if line.startswith(" ") else None


def duplicate_key(line: str) -> str | None:
    found = _entry(line)
    if not found:
        return None
    again = " " * (len(found["indent"]) + (2 if found["dash"] else 0)) + line[len(found["indent"]) :].removeprefix("- ")
    return f"{line}\n{again}"


def yes_value(line: str) -> str | None:
    found = _scalar_entry(line)
    return _with_value(found, "yes") if found else None


def misspelt_field(line: str) -> str | None:
    found = _entry(line)
    if not found or len(found["key"]) < 2:
        return None
    key = found["key"]
    swapped = key[1] + key[0] + key[2:] if key[0] != key[1] else key + "s"
    rest = line[found.end("key") :]
    return f"{found['indent']}{found['dash'] or ''}{swapped}{rest}"


def wrong_type(line: str) -> str | None:
    found = _scalar_entry(line)
    if not found:
        return None
    value = found["value"]
    return _with_value(found, "just-text" if value.startswith(("[", "{")) else "[1, 2]")


def broken_quote(line: str) -> str | None:
    found = _entry(line)
    if not found or not found["value"]:
        return None
    value = found["value"]
    if value.startswith('"') and value.endswith('"') and len(value) > 1:
        return _with_value(found, value[:-1])
    if value.startswith(("[", "{", ">", "|", "'")):
        return None
    return _with_value(found, '"' + value)


def wrong_id(line: str) -> str | None:
    found = _entry(line)
    if found and found["value"] and _IDENT.match(found["value"]):
        return _with_value(found, found["value"] + "-typo")
    item = _ITEM.match(line)
    if item and _IDENT.match(item["value"]):
        return f"{item['indent']}- {item['value']}-typo"
    return None


MISTAKES: dict[str, Mistake] = {
    "unquoted-time": unquoted_time,
    "tab-indent": tab_indent,
    "duplicate-key": duplicate_key,
    "yes-value": yes_value,
    "misspelt-field": misspelt_field,
    "wrong-type": wrong_type,
    "broken-quote": broken_quote,
    "wrong-id": wrong_id,
}


@dataclass(frozen=True)
class Mutation:
    rel: str
    line: int  # 1-based line of the original file that was changed
    mistake: str
    text: str  # the whole file after the change
    in_text: bool = False  # the line is inside a block scalar (>-): a change there is text

    def __str__(self) -> str:
        return f"{self.mistake} at {self.rel}:{self.line}"


def mutations(root: Path, rel: str, stride: int = 1) -> Iterator[Mutation]:
    """Every applicable mistake on every ``stride``-th applicable line of one file (the
    sample is deterministic: the same lines on every run)."""
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    text_lines = _block_scalar_lines(lines)
    for name, mistake in MISTAKES.items():
        applicable = [(n, new) for n, line in enumerate(lines) if (new := mistake(line)) is not None]
        for n, new in applicable[::stride]:
            yield Mutation(rel, n + 1, name, "\n".join([*lines[:n], new, *lines[n + 1 :]]), n in text_lines)


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines that are the text of a block scalar (after ``key: >-``)."""
    inside: set[int] = set()
    header: int | None = None
    for n, line in enumerate(lines):
        width = len(line) - len(line.lstrip(" "))
        if header is not None and (not line.strip() or width > header):
            inside.add(n)
            continue
        header = None
        found = _entry(line)
        if found and found["value"] in _BLOCK:
            header = len(found["indent"]) + (2 if found["dash"] else 0)
    return inside
