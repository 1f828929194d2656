"""The names PostgreSQL gives a query's result columns and its FROM items, read statically.

From the parse tree alone (pglast), the way PostgreSQL's parser figures them
(``FigureColname``): ``SELECT sent, count(*), 1`` returns ``sent``, ``count`` and
``?column?``. A name is ``None`` where it depends on the database (``t.*``, ``TABLE t``).

Used twice: to find two result columns of the same name before anything runs (KB321),
and to know which columns a FROM item has, so that ``x.name`` naming no column of ``x``
is known to be the function call ``name(x)`` (sql_guard, KB320).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

UNNAMED = "?column?"

# Set-returning functions of the allow-list whose output columns are fixed. A function
# returning one scalar column names it after its alias (``unnest(...) AS p`` has column p).
_SCALAR_FUNCTIONS = frozenset({"unnest", "generate_series", "jsonb_array_elements", "jsonb_array_elements_text"})
_SCALAR_FUNCTIONS |= frozenset({"jsonb_object_keys"})
_RECORD_COLUMNS = {"jsonb_each": ("key", "value"), "jsonb_each_text": ("key", "value")}
# jsonb_array_elements names its column `value`, not after its alias.
_NAMED_SCALARS = {"jsonb_array_elements": "value", "jsonb_array_elements_text": "value"}


@dataclass(frozen=True)
class Range:
    """A FROM item: the name a query refers to it by, what it is, and its columns (None: unknown)."""

    name: str
    kind: str  # "function", "subquery", "cte", "table", "join"
    columns: frozenset[str] | None


def result_columns(select: Any) -> list[str | None]:
    """The result column names of a SELECT (``None`` for each name only the database knows)."""
    if select is None:
        return [None]
    while getattr(select, "op", None) is not None and select.op.name != "SETOP_NONE":
        select = select.larg  # a set operation takes its names from the first branch
    if select.valuesLists:
        return [f"column{n + 1}" for n in range(len(select.valuesLists[0]))]
    names: list[str | None] = []
    for target in select.targetList or ():
        if target.name:
            names.append(target.name)
        elif _is_star(target.val):
            return [None]  # an unknown number of unknown names
        else:
            names.append(figure_name(target.val))
    return names


def duplicates(select: Any) -> list[str]:
    """Result column names that occur more than once, in order of their second occurrence."""
    seen: set[str] = set()
    repeated: list[str] = []
    for name in result_columns(select):
        if name is None:
            continue
        if name in seen and name not in repeated:
            repeated.append(name)
        seen.add(name)
    return repeated


def figure_name(node: Any) -> str | None:
    """The column name PostgreSQL gives an unnamed expression (its ``FigureColname``)."""
    kind = type(node).__name__
    if kind == "ColumnRef":
        last = node.fields[-1]
        return getattr(last, "sval", None)
    if kind == "A_Indirection":
        strings = [part.sval for part in node.indirection if type(part).__name__ == "String"]
        return strings[-1] if strings else figure_name(node.arg)
    if kind == "FuncCall":
        return node.funcname[-1].sval
    if kind == "TypeCast":
        inner = figure_name(node.arg)
        if inner not in (None, UNNAMED):
            return inner
        return node.typeName.names[-1].sval if node.typeName and node.typeName.names else inner
    if kind == "CollateClause":
        return figure_name(node.arg)
    if kind == "A_Expr" and node.kind.name == "AEXPR_NULLIF":
        return "nullif"
    if kind == "SubLink":
        return _sublink_name(node)
    if kind == "SQLValueFunction":
        return node.op.name.removeprefix("SVFOP_").removesuffix("_N").lower()
    words = {"CaseExpr": "case", "A_ArrayExpr": "array", "RowExpr": "row", "CoalesceExpr": "coalesce"}
    words |= {"GroupingFunc": "grouping"}
    if kind in words:
        return words[kind]
    if kind == "MinMaxExpr":
        return "greatest" if node.op.name == "IS_GREATEST" else "least"
    if kind in ("A_Const", "A_Expr", "BoolExpr", "NullTest", "BooleanTest", "ParamRef"):
        return UNNAMED
    return None


def _sublink_name(node: Any) -> str | None:
    kind = node.subLinkType.name
    if kind == "EXISTS_SUBLINK":
        return "exists"
    if kind == "ARRAY_SUBLINK":
        return "array"
    if kind == "EXPR_SUBLINK":
        names = result_columns(node.subselect)
        return names[0] if names else None
    return UNNAMED


def _is_star(node: Any) -> bool:
    return type(node).__name__ == "ColumnRef" and type(node.fields[-1]).__name__ == "A_Star"


def ranges(statement: Any, walk: Any) -> Iterator[Range]:
    """Every FROM item anywhere in the statement (``walk`` yields its nodes), with the
    columns known from the query text."""
    ctes: dict[str, frozenset[str] | None] = {}
    nodes = list(walk(statement))
    for node in nodes:
        if type(node).__name__ == "CommonTableExpr":
            ctes[node.ctename] = _known(_aliased(node.aliascolnames, result_columns(node.ctequery)))
    for node in nodes:
        kind = type(node).__name__
        if kind == "RangeFunction":
            yield from _function_ranges(node)
        elif kind == "RangeSubselect" and node.alias is not None:
            columns = _aliased(node.alias.colnames, result_columns(node.subquery))
            yield Range(node.alias.aliasname, "subquery", _known(columns))
        elif kind == "RangeVar":
            name = node.alias.aliasname if node.alias else node.relname
            if node.schemaname is None and node.relname in ctes:
                colnames = node.alias.colnames if node.alias else None
                known = ctes[node.relname]
                columns = _aliased(colnames, list(known) if known is not None else [None])
                yield Range(name, "cte", _known(columns) if known is not None or colnames else None)
            else:
                yield Range(name, "table", None)
        elif kind == "JoinExpr" and node.alias is not None:
            yield Range(node.alias.aliasname, "join", None)


def _function_ranges(node: Any) -> Iterator[Range]:
    calls = [function for function, _ in node.functions]
    names = [call.funcname[-1].sval if type(call).__name__ == "FuncCall" else "" for call in calls]
    alias = node.alias
    if alias is not None and alias.colnames:
        yield Range(alias.aliasname, "function", frozenset(part.sval for part in alias.colnames))
        return
    definitions = [column for _, columns in node.functions for column in (columns or ())]
    if node.coldeflist or definitions:
        columns = [column.colname for column in (node.coldeflist or ()) + tuple(definitions)]
        yield Range(alias.aliasname if alias else names[0], "function", frozenset(columns))
        return
    if alias is None and len(names) > 1:
        yield from (Range(name, "function", frozenset()) for name in names)  # unknown: nothing allowed
        return
    refname = alias.aliasname if alias else names[0]
    columns: set[str] = set()
    if len(names) == 1 and names[0] in _RECORD_COLUMNS:
        columns.update(_RECORD_COLUMNS[names[0]])
    elif len(names) == 1 and names[0] in _SCALAR_FUNCTIONS and not (names[0] == "unnest" and len(calls[0].args) > 1):
        columns.add(_NAMED_SCALARS.get(names[0], refname))
    if node.ordinality and columns:
        columns.add("ordinality")
    yield Range(refname, "function", frozenset(columns))


def _aliased(colnames: Any, names: list[str | None]) -> list[str | None]:
    """Column aliases rename the first columns in order; the rest keep their names."""
    aliases = [part.sval for part in colnames or ()]
    if names == [None]:
        return [*aliases, None] if aliases else [None]
    return aliases + names[len(aliases) :]


def _known(names: list[str | None]) -> frozenset[str] | None:
    return None if None in names else frozenset(name for name in names if name is not None)
