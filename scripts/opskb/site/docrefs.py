"""The macro calls in the handwritten pages (docs/): which ids they name, and where.

mkdocs-macros renders every docs/ page as a Jinja2 template, so a call such as
``sla_react("high")`` whose id was renamed in the YAML would fail the build. The pages are
read with Jinja2's own parser (a call is what Jinja2 sees as a call, not text that looks
like one: `contributing.md` shows calls as text) and its lexer (for exact columns), so
`opskb check` reports such a call at its place before any build: every argument with
where it is and its value when it is a literal.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..model.layout import DOCS


@dataclass(frozen=True)
class Place:
    """A position in a file that is not YAML content (a docs/ page); rules report at it."""

    rel: str
    line: int
    column: int

    def locate(self, path: tuple = (), on_key: bool = False) -> tuple[int, int]:
        return (self.line, self.column)


# an argument that is an expression (``"critical-" ~ x``): its value is known only in the build
COMPUTED = object()


@dataclass(frozen=True)
class CallArgument:
    """One argument of a macro call: where it is, its keyword (None: positional) and its
    value when it is a literal (``COMPUTED`` otherwise)."""

    place: Place
    keyword: str | None
    value: object


@dataclass(frozen=True)
class MacroCall:
    """A call of a macro or of a variable: ``team_name("l1-desk")``, ``runbook_count()``."""

    place: Place  # of the name called
    macro: str
    arguments: tuple[CallArgument, ...]
    # ``*args`` or ``**kwargs`` in the call: what it passes is known only in the build
    spread: bool = False

    def literals(self) -> Iterator[CallArgument]:
        return (a for a in self.arguments if a.value is not COMPUTED)


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


def macro_calls(root: Path, names: frozenset[str]) -> Iterator[MacroCall | PageError]:
    """The calls of ``names`` in every docs/ page, and the pages that do not parse."""
    for path, rel in docs_pages(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            yield PageError(Place(rel, 1, 1), f"cannot read the page: {err}")
            continue
        yield from _calls_of(text, rel, names)


# Three rules read the calls of every page, and `mkdocs serve` checks every page again at
# each rebuild: a page's calls are found once while its text is the same (all frozen).
@functools.lru_cache(maxsize=512)
def _calls_of(text: str, rel: str, names: frozenset[str]) -> tuple[MacroCall | PageError, ...]:
    return tuple(_calls_in(text, rel, names))


def _calls_in(text: str, rel: str, names: frozenset[str]) -> Iterator[MacroCall | PageError]:
    import jinja2
    from jinja2 import nodes

    # mkdocs-macros' default delimiters are Jinja2's own
    environment = jinja2.Environment(keep_trailing_newline=True)
    try:
        tree = environment.parse(text)
    except jinja2.TemplateSyntaxError as err:
        yield PageError(Place(rel, err.lineno or 1, 1), err.message or "not a valid template")
        return
    places = _call_offsets(environment, text, names)

    def place(offset: int) -> Place:
        return _place(text, rel, offset)

    for call in tree.find_all(nodes.Call):
        if not isinstance(call.node, nodes.Name) or call.node.name not in names:
            continue
        found = places.get(call.node.name)
        name_at, starts = found.pop(0) if found else (0, [])
        written = [(None, value) for value in call.args] + [(k.key, k.value) for k in call.kwargs]
        arguments = []
        for number, (keyword, value) in enumerate(written):
            at = starts[number] if number < len(starts) else name_at
            literal = value.value if isinstance(value, nodes.Const) else COMPUTED
            arguments.append(CallArgument(place(at), keyword, literal))
        spread = call.dyn_args is not None or call.dyn_kwargs is not None
        yield MacroCall(place(name_at), call.node.name, tuple(arguments), spread)


def _significant_tokens(environment: object, text: str) -> list[tuple[str, str, int]]:
    """The lexer's tokens but whitespace, each with its offset in ``text`` (the tokens,
    whitespace included, spell the source exactly)."""
    offset = 0
    significant: list[tuple[str, str, int]] = []  # kind, value, offset
    for _, kind, value in environment.lexer.tokeniter(text, None):  # type: ignore[attr-defined]
        if kind != "whitespace":
            significant.append((kind, value, offset))
        offset += len(value)
    return significant


def _call_offsets(environment: object, text: str, names: frozenset[str]) -> dict[str, list[tuple[int, list[int]]]]:
    """For each name, in order, the offset of each call of it and of each argument's value."""
    significant = _significant_tokens(environment, text)
    found: dict[str, list[tuple[int, list[int]]]] = {}
    for index, (kind, value, at) in enumerate(significant[:-1]):
        before = significant[index - 1][1] if index else ""
        # the raw tokens: operators are ("operator", "(") before Jinja2 names them
        if kind == "name" and value in names and significant[index + 1][1] == "(" and before not in (".", "|"):
            found.setdefault(value, []).append((at, _argument_starts(significant, index + 2)))
    return found


def _argument_starts(tokens: list[tuple[str, str, int]], first: int) -> list[int]:
    """The offset of each top-level argument's value of the call whose arguments start at
    ``first`` (after a keyword's ``name =``)."""
    starts: list[int] = []
    depth = 0
    index = first
    expecting = True
    while index < len(tokens):
        kind, value, at = tokens[index]
        if depth == 0 and value in (")", "]", "}"):
            break
        if expecting:
            if value in ("*", "**"):
                break  # a spread: nothing after it is located by position
            if kind == "name" and index + 1 < len(tokens) and tokens[index + 1][1] == "=":
                index += 2  # a keyword: its value follows the "="
                continue
            starts.append(at)
            expecting = False
        if value in ("(", "[", "{"):
            depth += 1
        elif value in (")", "]", "}"):
            depth -= 1
        elif value == "," and depth == 0:
            expecting = True
        index += 1
    return starts


@dataclass(frozen=True)
class PageName:
    """A name a docs/ page reads without setting it: a variable or macro (``{{ typo }}``),
    or a filter (``{{ x | typo }}``), at its first use in the page."""

    place: Place
    name: str
    is_filter: bool
    # the keys of the page's front matter, which mkdocs-macros offers the page as variables
    page_variables: frozenset[str]


def page_names(root: Path) -> Iterator[PageName | PageError]:
    """Every name each docs/ page reads that the page does not define itself (free names
    in Jinja2's own sense: ``set``, ``for`` and macro parameters are the page's own), and
    every filter it applies. Pages that do not parse are KB223's, and yielded as errors."""
    for path, rel in docs_pages(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            yield PageError(Place(rel, 1, 1), str(err))
            continue
        yield from _names_of(text, rel)


# KB225 reads the names of every page at each `mkdocs serve` rebuild, as three rules read
# the calls (_calls_of): found once while a page's text is the same.
@functools.lru_cache(maxsize=512)
def _names_of(text: str, rel: str) -> tuple[PageName | PageError, ...]:
    return tuple(_names_in(text, rel))


def _names_in(text: str, rel: str) -> Iterator[PageName | PageError]:
    import jinja2
    from jinja2 import meta, nodes

    environment = jinja2.Environment(keep_trailing_newline=True)
    # find_undeclared_variables compiles the page, and compiling refuses a filter or test
    # the environment lacks: here every one is taken, so the names are still found
    environment.filters = _Every(environment.filters)
    environment.tests = _Every(environment.tests)
    try:
        tree = environment.parse(text)
        free = meta.find_undeclared_variables(tree)
    except jinja2.TemplateSyntaxError as err:
        yield PageError(Place(rel, 1, 1), str(err))
        return
    front = _front_matter_keys(text)
    filters = {node.name for node in tree.find_all(nodes.Filter)}
    firsts: dict[tuple[str, bool], int] = {}
    tokens = _significant_tokens(environment, text)
    for index, (kind, value, at) in enumerate(tokens):
        before = tokens[index - 1][1] if index else ""
        is_filter = before == "|"
        if kind == "name" and before != "." and (value in filters if is_filter else value in free):
            firsts.setdefault((value, is_filter), at)
    for (name, is_filter), at in firsts.items():
        yield PageName(_place(text, rel, at), name, is_filter, front)


def _front_matter_keys(text: str) -> frozenset[str]:
    """The keys of a page's YAML front matter (between two ``---`` lines at its top), which
    mkdocs-macros offers the page as variables; none when the page has none or it is not a
    mapping."""
    import yaml

    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return frozenset()
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        return frozenset()
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        return frozenset()
    return frozenset(str(key) for key in data) if isinstance(data, dict) else frozenset()


class _Every(dict):
    """A filter or test table that has every name (see page_names)."""

    def get(self, key: object, default: object = None) -> object:
        return super().get(key, str)


def _place(text: str, rel: str, offset: int) -> Place:
    line = text.count("\n", 0, offset) + 1
    return Place(rel, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)
