"""The macro calls in the handwritten pages (docs/): which ids they name, and where.

mkdocs-macros renders every docs/ page as a Jinja2 template, so a call such as
``sla_react("high")`` whose id was renamed in the YAML would fail the build. The pages are
read with Jinja2's own parser (a call is what Jinja2 sees as a call, not text that looks
like one: `contributing.md` shows calls as text) and its lexer (for exact columns), so
`opskb check` reports such a call at its place before any build.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .layout import DOCS


@dataclass(frozen=True)
class Place:
    """A position in a file that is not YAML content (a docs/ page); rules report at it."""

    rel: str
    line: int
    column: int

    def locate(self, path: tuple = (), on_key: bool = False) -> tuple[int, int]:
        return (self.line, self.column)


@dataclass(frozen=True)
class MacroCall:
    """A call of a macro with a literal text first argument: ``team_name("l1-desk")``."""

    place: Place  # of the argument
    macro: str
    argument: str


@dataclass(frozen=True)
class PageError:
    """A page that Jinja2 cannot read (so mkdocs-macros cannot render it)."""

    place: Place
    reason: str


def docs_pages(root: Path) -> Iterator[tuple[Path, str]]:
    """Every Markdown page under root/docs, sorted, without following symlinks."""
    top = root / DOCS
    for folder, subfolders, names in os.walk(top):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder, name)
            if name.endswith(".md") and not path.is_symlink():
                yield path, path.relative_to(root).as_posix()


def macro_calls(root: Path, macros: frozenset[str]) -> Iterator[MacroCall | PageError]:
    """The literal calls of ``macros`` in every docs/ page, and the pages that do not parse."""
    for path, rel in docs_pages(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            yield PageError(Place(rel, 1, 1), f"cannot read the page: {err}")
            continue
        yield from _calls_in(text, rel, macros)


def _calls_in(text: str, rel: str, macros: frozenset[str]) -> Iterator[MacroCall | PageError]:
    import jinja2
    from jinja2 import nodes

    # mkdocs-macros' default delimiters are Jinja2's own
    environment = jinja2.Environment(keep_trailing_newline=True)
    try:
        tree = environment.parse(text)
    except jinja2.TemplateSyntaxError as err:
        yield PageError(Place(rel, err.lineno or 1, 1), err.message or "not a valid template")
        return
    literal = [
        (call.node.name, call.args[0].value)
        for call in tree.find_all(nodes.Call)
        if isinstance(call.node, nodes.Name)
        and call.node.name in macros
        and call.args
        and isinstance(call.args[0], nodes.Const)
        and isinstance(call.args[0].value, str)
    ]
    places = _argument_offsets(environment, text, macros)
    for name, argument in literal:
        offsets = places.get(name)
        offset = offsets.pop(0) if offsets else 0
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        yield MacroCall(Place(rel, line, column), name, argument)


def _argument_offsets(environment: object, text: str, macros: frozenset[str]) -> dict[str, list[int]]:
    """For each macro, the offsets of the literal first arguments of its calls, in order
    (the lexer's tokens, whitespace included, spell the source exactly)."""
    tokens = [(kind, value) for _, kind, value in environment.lexer.tokeniter(text, None)]  # type: ignore[attr-defined]
    found: dict[str, list[int]] = {}
    offset = 0
    significant: list[tuple[str, str, int]] = []  # kind, value, offset; whitespace left out
    for kind, value in tokens:
        if kind != "whitespace":
            significant.append((kind, value, offset))
        offset += len(value)
    for index, (kind, value, _) in enumerate(significant[:-3]):
        if kind == "name" and value in macros:
            paren, argument, end = significant[index + 1 : index + 4]
            # the raw tokens: operators are ("operator", "(") before Jinja2 names them
            if paren[1] == "(" and argument[0] == "string" and end[1] in (")", ","):
                found.setdefault(value, []).append(argument[2])
    return found
