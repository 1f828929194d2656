"""Which SQL a `sql` check may run: one plain SELECT, read with PostgreSQL's own grammar.

The query is parsed by ``pglast`` (the PostgreSQL parser itself, as a library), never by
regexes or a tokenizer, and then walked node by node against allow-lists kept here and
nowhere else:

* ``NODES``: the syntax a read-only SELECT is made of. Anything else is refused, so a
  statement kind or construct this list does not know (DELETE in a CTE, COPY, DO, CALL,
  SET, XMLTABLE, TABLESAMPLE, a JSON_TABLE of a newer release ...) never runs.
* ``FUNCTIONS``: functions a check may call, by bare name or qualified with
  ``pg_catalog``. Names are compared as PostgreSQL resolves them (quoted or not, after
  schema qualification), so ``"pg_terminate_backend"(pid)``,
  ``pg_catalog.pg_read_file(...)``, ``query_to_xml``, ``dblink``, ``lo_*``, ``set_config``
  and ``pg_sleep`` are refused by not being on the list. ``SQLITE_FUNCTIONS`` adds
  SQLite's own date and text functions for SQLite sources.
* ``OPERATORS``: the built-in operators (an operator is a function call too).

Attribute notation: PostgreSQL reads ``x.name`` as the call ``name(x)`` when ``x`` has
no column ``name``, and ``(x).name`` always may. So refused: field selection
``(x).name`` (``(12345).pg_cancel_backend`` cancels a backend), and ``x.name`` where the
query itself says which columns ``x`` has and ``name`` is not one of them: a function
in FROM (``unnest(...) AS p``: ``p.pg_terminate_backend`` is ``pg_terminate_backend(p)``;
name the columns, ``unnest(...) AS p(pid)``), a subquery, VALUES or a CTE. ``t.name``
on a table or view stays allowed here, since only the database knows its columns: a
whole row of a table fits only functions of any row, and `opskb run` asks the server
what each name resolved to before anything runs (sql_plan.py).

Also refused: more than one statement, ``SELECT ... INTO``, ``FOR UPDATE/SHARE`` and
parameters (``$1``).

This is the first of four guards; sql.py adds the others (one statement through the
extended protocol, the server's own plan held against the same allow-lists, a read-only
transaction with server-side timeouts and bounded results).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from .probe import ProbeError
from .sql_result import MAX_VALUE_BYTES

# Aggregates, window functions, dates, text, numbers, JSON and arrays: pure functions
# that read their arguments and nothing else. Kept alphabetical per group.
FUNCTIONS = frozenset(
    {
        # aggregates
        *("array_agg", "avg", "bit_and", "bit_or", "bool_and", "bool_or", "count", "every"),
        *("json_agg", "json_object_agg", "jsonb_agg", "jsonb_object_agg", "max", "min", "mode"),
        *("percentile_cont", "percentile_disc", "stddev", "stddev_pop", "stddev_samp", "string_agg"),
        *("sum", "var_pop", "var_samp", "variance"),
        # window functions
        *("cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead", "nth_value"),
        *("ntile", "percent_rank", "rank", "row_number"),
        # dates and times (extract, AT TIME ZONE and OVERLAPS arrive as these names)
        *("age", "clock_timestamp", "date_bin", "date_part", "date_trunc", "extract", "isfinite"),
        *("justify_days", "justify_hours", "justify_interval", "make_date", "make_interval"),
        *("make_time", "make_timestamp", "make_timestamptz", "now", "overlaps"),
        *("statement_timestamp", "timezone", "to_char", "to_date", "to_timestamp"),
        *("transaction_timestamp",),
        # text (trim, substring, position and overlay arrive as these names)
        *("btrim", "char_length", "character_length", "concat", "concat_ws", "initcap", "left"),
        *("length", "lower", "lpad", "ltrim", "md5", "octet_length", "overlay", "position"),
        *("regexp_count", "regexp_like", "regexp_match", "regexp_replace", "regexp_substr"),
        *("replace", "reverse", "right", "rpad", "rtrim", "split_part", "starts_with", "strpos"),
        *("substr", "substring", "to_number", "translate", "upper"),
        *("like_escape", "similar_escape", "similar_to_escape"),
        # numbers
        *("abs", "cbrt", "ceil", "ceiling", "div", "exp", "floor", "ln", "log", "log10", "mod"),
        *("power", "round", "sign", "sqrt", "trunc", "width_bucket"),
        # JSON
        *("json_array_length", "json_extract_path", "json_extract_path_text", "json_typeof"),
        *("jsonb_array_length", "jsonb_extract_path", "jsonb_extract_path_text", "jsonb_typeof"),
        *("json_build_array", "json_build_object", "jsonb_build_array", "jsonb_build_object"),
        *("jsonb_array_elements", "jsonb_array_elements_text", "jsonb_each", "jsonb_each_text"),
        *("jsonb_object_keys", "jsonb_path_exists", "jsonb_path_query_first", "to_json", "to_jsonb"),
        # arrays and series
        *("array_length", "array_position", "array_to_string", "cardinality", "generate_series"),
        *("unnest",),
        # null handling that is a function call in some spellings
        *("num_nonnulls", "num_nulls"),
        # read-only server state that diagnostics ask about (sizes, replication, uptime)
        *("current_database", "pg_database_size", "pg_indexes_size", "pg_is_in_recovery"),
        *("pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp"),
        *("pg_current_wal_lsn", "pg_postmaster_start_time", "pg_relation_size", "pg_size_pretty"),
        *("pg_table_size", "pg_total_relation_size", "pg_wal_lsn_diff", "version"),
    }
)

# SQLite's own spellings (run time on a SQLite source; `opskb check` accepts both lists,
# since the source's kind is configured outside the content).
SQLITE_FUNCTIONS = frozenset(
    {
        *("abs", "avg", "coalesce", "count", "date", "datetime", "group_concat", "ifnull", "iif"),
        *("instr", "json_array_length", "json_extract", "julianday", "length", "like", "glob"),
        *("lower", "ltrim", "max", "min", "nullif", "printf", "replace", "round", "rtrim"),
        *("strftime", "substr", "substring", "sum", "time", "total", "trim", "typeof"),
        *("unixepoch", "upper"),
    }
)

OPERATORS = frozenset(
    {
        *("=", "<>", "!=", "<", ">", "<=", ">="),  # comparison
        *("+", "-", "*", "/", "%", "^", "|/", "||/", "@", "&", "|", "#", "~", "<<", ">>"),  # arithmetic, bits
        *("||", "~~", "~~*", "!~~", "!~~*", "~*", "!~", "!~*", "@@"),  # text, LIKE, regex, search
        *("->", "->>", "#>", "#>>", "@>", "<@", "?", "?|", "?&", "&&"),  # JSON, arrays, ranges
    }
)

# The syntax of a read-only SELECT, by pglast node class name.
NODES = frozenset(
    {
        *("RawStmt", "SelectStmt", "WithClause", "CommonTableExpr", "CTESearchClause", "CTECycleClause"),
        *("ResTarget", "ColumnRef", "A_Star", "A_Const", "Integer", "Float", "Boolean", "String"),
        *("BitString", "A_Expr", "BoolExpr", "FuncCall", "NamedArgExpr", "TypeCast", "TypeName"),
        *("RangeVar", "Alias", "JoinExpr", "RangeSubselect", "RangeFunction", "SubLink", "CaseExpr"),
        *("CaseWhen", "CoalesceExpr", "MinMaxExpr", "NullTest", "BooleanTest", "SQLValueFunction"),
        *("A_ArrayExpr", "A_Indirection", "A_Indices", "RowExpr", "SortBy", "WindowDef"),
        *("GroupingSet", "GroupingFunc", "CollateClause"),
    }
)

# How a refused statement or construct is named to people (pglast class -> SQL words).
_WORDS = {
    "RangeTableFunc": "XMLTABLE",
    "RangeTableSample": "TABLESAMPLE",
    "XmlExpr": "an XML function",
    "XmlSerialize": "XMLSERIALIZE",
    "JsonTable": "JSON_TABLE",
    "DeleteStmt": "DELETE",
    "UpdateStmt": "UPDATE",
    "InsertStmt": "INSERT",
    "MergeStmt": "MERGE",
    "CopyStmt": "COPY",
    "DoStmt": "DO",
    "CallStmt": "CALL",
    "TransactionStmt": "a transaction command",
    "VariableSetStmt": "SET",
    "VariableShowStmt": "SHOW",
    "ExplainStmt": "EXPLAIN",
    "ExecuteStmt": "EXECUTE",
    "PrepareStmt": "PREPARE",
    "CreateTableAsStmt": "CREATE TABLE AS",
    "NotifyStmt": "NOTIFY",
    "LockStmt": "LOCK",
}
_ANY_SCHEMA = ("pg_catalog",)  # the only qualification allowed on a function or operator


class RefusedQuery(ProbeError):
    """The query is not one read-only SELECT; it never reached the database."""


def validate(query: str, dialect: str | None = None) -> None:
    """Refuse anything but one read-only SELECT (RefusedQuery says why).

    ``dialect`` is ``postgresql`` or ``sqlite`` at run time; ``None`` at check time
    accepts the functions of either.
    """
    reason = refusal(query, dialect)
    if reason:
        raise RefusedQuery(f"refused: {reason}")


@functools.lru_cache(maxsize=65536)  # a pure function of the text; `mkdocs serve` asks again at every rebuild
def refusal(query: str, dialect: str | None = None) -> str | None:
    """Why ``query`` may not run, or None when it is one read-only SELECT."""
    from pglast import parse_sql
    from pglast.parser import ParseError

    if "\x00" in query:  # the parser would stop reading there
        return "the query contains a NUL character"
    try:
        statements = parse_sql(query)
    except UnicodeEncodeError:
        return "the query is not valid UTF-8 text"
    except ParseError as err:
        return f"not valid PostgreSQL syntax: {err.args[0] if err.args else err}"
    except RecursionError:
        return "the query is nested too deeply to check"
    if len(statements) != 1:
        return f"expected one statement, found {len(statements)}"
    statement = statements[0].stmt
    kind = type(statement).__name__
    if kind != "SelectStmt":
        return f"only a SELECT is allowed, this is {_statement_word(kind)}"
    allowed = allowed_functions(dialect)
    for node in _walk(statement):
        reason = _node_refusal(node, allowed)
        if reason:
            return reason
    return _attribute_refusal(statement)


def named_calls(root: Any) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every function and operator a parse tree names: ("function" or "operator", name parts)."""
    for node in _walk(root):
        call = _call(node)
        if call is not None:
            yield call[0], tuple(str(getattr(part, "sval", "?")) for part in call[1])


def _call(node: Any) -> tuple[str, tuple[Any, ...]] | None:
    kind = type(node).__name__
    if kind == "FuncCall":
        return "function", node.funcname
    if kind == "A_Expr" and "BETWEEN" not in node.kind.name:  # BETWEEN names no operator
        return "operator", node.name
    if kind == "SortBy" and node.useOp:  # ORDER BY a USING <op>
        return "operator", node.useOp
    if kind == "SubLink" and node.operName:  # a <op> ANY (SELECT ...)
        return "operator", node.operName
    return None


def _attribute_refusal(statement: Any) -> str | None:
    """``x.name`` where the query says which columns ``x`` has, and name is not one."""
    from .sql_names import ranges

    known: dict[str, list[Any]] = {}
    for item in ranges(statement, _walk):
        known.setdefault(item.name, []).append(item)
    references = [node for node in _walk(statement) if type(node).__name__ == "ColumnRef" and len(node.fields) == 2]
    for node in sorted(references, key=lambda reference: reference.location or 0):  # the first in the text
        qualifier, name = (getattr(part, "sval", None) for part in node.fields)
        if name is None:  # x.*
            continue
        for item in known.get(qualifier, ()):
            if item.columns is not None and name not in item.columns:
                columns = ", ".join(sorted(item.columns)) or "none the query names"
                return (
                    f"{qualifier}.{name} names no column of {_RANGE_WORDS[item.kind]} {qualifier} (columns: {columns}),"
                    f" so PostgreSQL would call the function {name}({qualifier}); name the columns"
                    f" (AS {qualifier}(column, ...)) and use those"
                )
    return None


_RANGE_WORDS = {"function": "the function", "subquery": "the subquery", "cte": "the WITH query"}


@functools.lru_cache(maxsize=65536)
def duplicate_columns(query: str) -> tuple[str, ...]:
    """The result column names a SELECT gives more than one column, as far as its text says."""
    from pglast import parse_sql

    try:
        statements = parse_sql(query) if "\x00" not in query else ()
    except Exception:  # not SQL at all: refusal() says why
        return ()
    if len(statements) != 1 or type(statements[0].stmt).__name__ != "SelectStmt":
        return ()
    from .sql_names import duplicates

    return tuple(duplicates(statements[0].stmt))


def allowed_functions(dialect: str | None) -> frozenset[str]:
    if dialect == "sqlite":
        return SQLITE_FUNCTIONS
    if dialect == "postgresql":
        return FUNCTIONS
    return FUNCTIONS | SQLITE_FUNCTIONS


def _node_refusal(node: Any, allowed: frozenset[str]) -> str | None:
    kind = type(node).__name__
    if kind not in NODES:
        if kind.endswith("Stmt"):
            return f"{_statement_word(kind)} inside the query is not a read-only SELECT"
        if kind == "ParamRef":
            return "parameters ($1) are not allowed: write the value into the query"
        return f"{_WORDS.get(kind, kind)} is not allowed in a read-only check"
    if kind == "SelectStmt":
        if node.intoClause is not None:
            return "SELECT ... INTO creates a table"
        if node.lockingClause:
            return "FOR UPDATE/SHARE locks rows"
    elif kind == "A_Indirection" and any(type(part).__name__ == "String" for part in node.indirection):
        return "field selection (x).name is not allowed: PostgreSQL may read it as a call name(x)"
    call = _call(node)
    if call is not None and call[0] == "function":
        name = _qualified(call[1])
        if name is None or name not in allowed:
            return f"function {_shown(call[1])} is not on the read-only allow-list"
        return _padding_refusal(name, node.args)
    elif call is not None:
        return _operator_refusal(call[1])
    return None


def _padding_refusal(name: str, args: Any) -> str | None:
    """lpad/rpad to a written length no checked value may have: the server would build it
    while planning, where it cannot be interrupted (lpad('x', 250000000, 'y'))."""
    if name not in _PADDING or not args or len(args) < 2 or type(args[1]).__name__ != "A_Const":
        return None
    length = getattr(args[1].val, "ival", 0)
    if length > MAX_VALUE_BYTES:
        return f"{name} to {length} characters builds a value larger than a check may read ({MAX_VALUE_BYTES} bytes)"
    return None


_PADDING = {"lpad", "rpad"}


def _operator_refusal(parts: tuple[Any, ...]) -> str | None:
    name = _qualified(parts)
    if name is None or name not in OPERATORS:
        return f"operator {_shown(parts)} is not on the read-only allow-list"
    return None


def _qualified(parts: tuple[Any, ...]) -> str | None:
    """The bare name of a function or operator if it is unqualified or in pg_catalog."""
    names = [getattr(part, "sval", None) for part in parts]
    if any(name is None for name in names):
        return None
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and names[0] in _ANY_SCHEMA:
        return names[1]
    return None


def _shown(parts: tuple[Any, ...]) -> str:
    return ".".join(str(getattr(part, "sval", part)) for part in parts)


def _statement_word(kind: str) -> str:
    return _WORDS.get(kind, kind.removesuffix("Stmt").upper())


def _walk(root: Any) -> Iterator[Any]:
    """Every AST node under ``root``, without recursion (queries can nest deeply)."""
    from pglast.ast import Node

    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, Node):
            yield item
            stack.extend(getattr(item, slot, None) for slot in type(item).__slots__)
        elif isinstance(item, (tuple, list)):
            stack.extend(item)
