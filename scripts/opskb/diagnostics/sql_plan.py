"""What PostgreSQL will call to answer a sql check, read from its plan before it runs.

The text of a query does not say everything the server calls: ``p.pg_terminate_backend``
is the call ``pg_terminate_backend(p)`` when ``p`` has no such column, a view calls the
functions of its definition, an operator is a function. So `opskb run` asks the server:
``EXPLAIN (VERBOSE, FORMAT JSON)`` of the prepared statement (planned, not executed),
and this module reads that plan:

* every plan node must be of a kind on ``NODES`` (no Foreign Scan: a foreign table opens
  a connection to another server; no LockRows, ModifyTable, Custom Scan ...);
* every key of a node must be known: its value is a name (``NAMES``), a number or a
  flag, or a SQL expression as the server prints it (``EXPRESSIONS``, ``SORT_KEYS``,
  ``FROM_ITEMS``): an unknown key fails closed;
* each expression is parsed with PostgreSQL's grammar (pglast), never with regexes,
  after the few words only EXPLAIN prints (``(SubPlan 1)``, ``OVER (?)``, ``PARTIAL``)
  are taken out with PostgreSQL's own tokenizer; each function and operator it names
  must be on the allow-list (``FUNCTIONS``, ``OPERATORS``), unqualified or in
  ``pg_catalog``. What cannot be read is refused.

The server prints a function or operator without its schema when the search path finds
it by that name; ``shadowed`` (run by sql.py on the same connection) then refuses the
query if any schema on the search path other than pg_catalog holds one of that name, so
an unqualified allow-listed name is always pg_catalog's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import sql_guard
from .probe import ProbeError

# Plan nodes a read-only SELECT is made of. Everything else (Foreign Scan, Custom Scan,
# LockRows, ModifyTable, Sample Scan, Table Function Scan, ...) is refused.
NODES = frozenset(
    {
        *("Result", "ProjectSet", "Append", "Merge Append", "Recursive Union", "BitmapAnd", "BitmapOr"),
        *("Nested Loop", "Merge Join", "Hash Join", "Seq Scan", "Index Scan", "Index Only Scan"),
        *("Bitmap Index Scan", "Bitmap Heap Scan", "Tid Scan", "Tid Range Scan", "Subquery Scan"),
        *("Function Scan", "Values Scan", "CTE Scan", "WorkTable Scan", "Materialize", "Memoize"),
        *("Sort", "Incremental Sort", "Group", "Aggregate", "WindowAgg", "Unique", "SetOp", "Limit"),
        *("Hash", "Gather", "Gather Merge"),
    }
)

# Keys whose values are SQL expressions, one or a list (printed by PostgreSQL's ruleutils).
EXPRESSIONS = frozenset(
    {
        *("Output", "Filter", "Join Filter", "Hash Cond", "Merge Cond", "Index Cond", "Recheck Cond"),
        *("One-Time Filter", "TID Cond", "Run Condition", "Order By", "Group Key", "Cache Key"),
        *("Hash Key", "Group Keys", "Hash Keys"),
    }
)
SORT_KEYS = frozenset({"Sort Key", "Presorted Key"})  # an expression with DESC, USING <op>, NULLS ...
FROM_ITEMS = frozenset({"Function Call"})  # a FROM item: f(...) or ROWS FROM (f(...), g(...))
WINDOWS = frozenset({"Window"})  # PostgreSQL 17: a window definition, w1 AS (PARTITION BY ...)
# Keys whose string values are names or words, never expressions.
NAMES = frozenset(
    {
        *("Node Type", "Strategy", "Partial Mode", "Parent Relationship", "Subplan Name", "Join Type"),
        *("Relation Name", "Schema", "Alias", "Index Name", "Scan Direction", "CTE Name", "Function Name"),
        *("Command", "Operation", "Params Evaluated", "Cache Mode"),
    }
)

# Functions a plan may show beyond those a query may name: what the catalog's own views
# are made of (pg_stat_activity is pg_stat_get_activity(NULL), pg_settings is
# pg_show_all_settings() ...). Each only reads server state; none writes, signals,
# locks or connects.
CATALOG_FUNCTIONS = frozenset(
    {
        *("array_to_string", "format_type", "has_column_privilege", "has_table_privilege", "obj_description"),
        *("pg_get_expr", "pg_get_indexdef", "pg_get_userbyid", "pg_get_viewdef", "pg_lock_status"),
        *("pg_show_all_settings", "pg_stat_get_activity", "pg_stat_get_wal_senders", "pg_stat_get_wal_receiver"),
        *("pg_stat_get_backend_idset", "pg_stat_get_db_numbackends", "pg_stat_get_db_xact_commit"),
        *("pg_stat_get_db_xact_rollback", "pg_stat_get_db_blocks_fetched", "pg_stat_get_db_blocks_hit"),
        *("pg_stat_get_db_tuples_returned", "pg_stat_get_db_tuples_fetched", "pg_stat_get_db_tuples_inserted"),
        *("pg_stat_get_db_tuples_updated", "pg_stat_get_db_tuples_deleted", "pg_stat_get_db_conflict_all"),
        *("pg_stat_get_db_temp_files", "pg_stat_get_db_temp_bytes", "pg_stat_get_db_deadlocks"),
        *("pg_stat_get_db_checksum_failures", "pg_stat_get_db_checksum_last_failure"),
        *("pg_stat_get_db_blk_read_time", "pg_stat_get_db_blk_write_time", "pg_stat_get_db_session_time"),
        *("pg_stat_get_db_active_time", "pg_stat_get_db_idle_in_transaction_time", "pg_stat_get_db_sessions"),
        *("pg_stat_get_db_sessions_abandoned", "pg_stat_get_db_sessions_fatal", "pg_stat_get_db_sessions_killed"),
        *("pg_stat_get_db_stat_reset_time", "pg_stat_get_numscans", "pg_stat_get_tuples_returned"),
        *("pg_stat_get_tuples_fetched", "pg_stat_get_tuples_inserted", "pg_stat_get_tuples_updated"),
        *("pg_stat_get_tuples_deleted", "pg_stat_get_tuples_hot_updated", "pg_stat_get_live_tuples"),
        *("pg_stat_get_dead_tuples", "pg_stat_get_mod_since_analyze", "pg_stat_get_ins_since_vacuum"),
        *("pg_stat_get_last_vacuum_time", "pg_stat_get_last_autovacuum_time", "pg_stat_get_last_analyze_time"),
        *("pg_stat_get_last_autoanalyze_time", "pg_stat_get_vacuum_count", "pg_stat_get_autovacuum_count"),
        *("pg_stat_get_analyze_count", "pg_stat_get_autoanalyze_count", "pg_stat_get_blocks_fetched"),
        *("pg_stat_get_blocks_hit", "pg_stat_get_progress_info", "pg_stat_get_replication_slot"),
        *("pg_get_replication_slots", "pg_stat_get_archiver", "pg_stat_get_bgwriter_buf_written_checkpoints"),
        *("pg_blocking_pids", "pg_backend_pid", "pg_stat_get_xact_commit", "pg_tablespace_location"),
        *("pg_relation_is_publishable", "pg_get_keywords", "pg_timezone_names", "pg_timezone_abbrevs"),
        *("pg_prepared_xact", "pg_get_backend_memory_contexts", "pg_stat_get_subscription"),
        *("current_setting", "current_user", "session_user", "current_schema", "pg_has_role", "pg_char_to_encoding"),
        *("pg_encoding_to_char", "pg_column_is_updatable", "pg_relation_is_updatable", "array_positions"),
        *("regexp_split_to_array", "string_to_array", "txid_current_if_assigned", "pg_current_xact_id_if_assigned"),
        *("pg_stat_get_db_conflict_tablespace", "pg_stat_get_db_conflict_lock"),
        *("pg_stat_get_db_conflict_snapshot", "pg_stat_get_db_conflict_bufferpin"),
        *("pg_stat_get_db_conflict_startup_deadlock", "pg_stat_get_wal", "pg_stat_get_slru"),
        *("pg_stat_get_bgwriter_buf_written_clean", "pg_stat_get_bgwriter_maxwritten_clean"),
        *("pg_stat_get_bgwriter_requested_checkpoints", "pg_stat_get_bgwriter_stat_reset_time"),
        *("pg_stat_get_bgwriter_timed_checkpoints", "pg_stat_get_buf_alloc", "pg_stat_get_buf_fsync_backend"),
        *("pg_stat_get_buf_written_backend", "pg_stat_get_checkpoint_sync_time", "pg_stat_get_checkpoint_write_time"),
        *("pg_stat_get_function_calls", "pg_stat_get_function_self_time", "pg_stat_get_function_total_time"),
        *("pg_stat_get_xact_function_calls", "pg_stat_get_xact_function_self_time"),
        *("pg_stat_get_xact_function_total_time", "pg_stat_get_xact_numscans", "pg_stat_get_xact_tuples_deleted"),
        *("pg_stat_get_xact_tuples_fetched", "pg_stat_get_xact_tuples_hot_updated"),
        *("pg_stat_get_xact_tuples_inserted", "pg_stat_get_xact_tuples_returned", "pg_stat_get_xact_tuples_updated"),
        *("pg_stat_get_recovery_prefetch", "pg_stat_get_subscription_stats", "has_sequence_privilege"),
        *("pg_is_other_temp_schema", "pg_sequence_last_value", "row_security_active", "pg_indexam_progress_phasename"),
        *("pg_prepared_statement", "pg_cursor", "pg_get_statisticsobjdef_expressions", "pg_mcv_list_items"),
    }
)
FUNCTIONS = sql_guard.FUNCTIONS | CATALOG_FUNCTIONS
# Operators the planner adds by itself (LIKE 'a%' on an index becomes ~>=~ and ~<~).
OPERATORS = sql_guard.OPERATORS | frozenset({"~>=~", "~<~", "~<=~", "~>~"})

# Plan text that only EXPLAIN prints, not SQL: a subplan's name in brackets, the window
# of a window function, the prefix of a partial aggregate.
_SUBPLAN_WORDS = {b"SubPlan", b"hashed", b"alternatives", b"InitPlan"}


class RefusedPlan(ProbeError):
    """The server's plan calls something a check may not, or cannot be read; nothing ran."""


@dataclass
class Calls:
    """Every function and operator a plan names: (schema or None, name)."""

    functions: set[tuple[str | None, str]] = field(default_factory=set)
    operators: set[tuple[str | None, str]] = field(default_factory=set)

    def unqualified(self) -> tuple[list[str], list[str]]:
        """The names the server printed without a schema (the search path found them)."""
        return (
            sorted(name for schema, name in self.functions if schema is None),
            sorted(name for schema, name in self.operators if schema is None),
        )


def check(plan_text: str) -> Calls:
    """Read the plan (EXPLAIN's JSON); refuse it (RefusedPlan) unless every node, function
    and operator it shows is allowed. Returns what it calls, for ``shadowed``."""
    try:
        document = json.loads(plan_text)
        root = document[0]["Plan"]
    except (ValueError, LookupError, TypeError):
        raise RefusedPlan("refused: the server's plan of the query could not be read") from None
    calls = Calls()
    for node in _nodes(root):
        _read_node(node, calls)
    for schema, name in sorted(calls.functions, key=str):
        if name not in FUNCTIONS or schema not in (None, "pg_catalog"):
            shown = f"{schema}.{name}" if schema else name
            raise RefusedPlan(
                f"refused: the server would call {shown}(), which is not on the read-only allow-list"
                " (a name written as a column, x.name, is a call name(x) when x has no such column;"
                " a view calls what its definition does)"
            )
    for schema, name in sorted(calls.operators, key=str):
        if name not in OPERATORS or schema not in (None, "pg_catalog"):
            shown = f"OPERATOR({schema}.{name})" if schema else name
            raise RefusedPlan(f"refused: the server would use operator {shown}, which is not on the allow-list")
    return calls


# Which unqualified names the search path also finds outside pg_catalog (sql.py runs it
# with the names as parameters, in the check's transaction).
SHADOWED = """
SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
 WHERE p.proname = ANY(%(functions)s) AND n.nspname <> 'pg_catalog'
   AND n.nspname = ANY(pg_catalog.current_schemas(false))
UNION ALL
SELECT 'operator ' || n.nspname || '.' || o.oprname FROM pg_catalog.pg_operator o
  JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace
 WHERE o.oprname = ANY(%(operators)s) AND n.nspname <> 'pg_catalog'
   AND n.nspname = ANY(pg_catalog.current_schemas(false))
LIMIT 1
"""


def shadowed_refusal(found: str | None) -> None:
    if found:
        raise RefusedPlan(
            f"refused: {found} has the name of a pg_catalog one the query uses, and the plan does not say"
            " which of the two the server chose; take that schema off the source role's search_path"
        )


def query_names(query: str) -> tuple[list[str], list[str]]:
    """The unqualified functions and operators of the query text itself (an operator
    inside ``x = ANY (SELECT ...)`` is not printed in the plan)."""
    from pglast import parse_sql

    functions, operators = set(), set()
    for kind, parts in sql_guard.named_calls(parse_sql(query)):
        if len(parts) == 1:
            (functions if kind == "function" else operators).add(parts[0])
    return sorted(functions), sorted(operators)


def _nodes(root: dict[str, Any]) -> Iterator[dict[str, Any]]:
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            raise RefusedPlan("refused: the server's plan of the query could not be read")
        yield node
        stack.extend(node.get("Plans") or [])


def _read_node(node: dict[str, Any], calls: Calls) -> None:
    kind = node.get("Node Type")
    if kind not in NODES:
        raise RefusedPlan(f"refused: the server's plan has a {kind} step, which a read-only check may not have")
    if "Function Name" in node:  # a Function Scan names its function and schema outright
        calls.functions.add((node.get("Schema"), node["Function Name"]))
    for key, value in node.items():
        if key == "Plans" or key in NAMES or isinstance(value, (bool, int, float)) or value is None:
            continue
        if key == "Grouping Sets":
            for group in value:
                for inner, texts in group.items():
                    if inner in EXPRESSIONS:
                        _read_expressions(texts, "SELECT {}", calls)
        elif key in EXPRESSIONS:
            _read_expressions(value, "SELECT {}", calls)
        elif key in SORT_KEYS:
            _read_expressions(value, "SELECT 1 ORDER BY {}", calls)
        elif key in FROM_ITEMS:
            _read_expressions(value, "SELECT * FROM {}", calls)
        elif key in WINDOWS:
            _read_expressions(value, "SELECT 1 WINDOW {}", calls)
        else:
            raise RefusedPlan(f"refused: the server's plan has a part opskb does not know ({key!r})")


def _read_expressions(value: Any, frame: str, calls: Calls) -> None:
    from pglast import parse_sql
    from pglast.parser import ParseError

    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, list):
            _read_expressions(text, frame, calls)
            continue
        try:
            tree = parse_sql(frame.format(_sql_only(str(text))))
        except (ParseError, RecursionError):
            raise RefusedPlan(f"refused: the server's plan has an expression opskb cannot read: {text[:200]}") from None
        for kind, parts in sql_guard.named_calls(tree):
            schema = parts[0] if len(parts) == 2 else "?" if len(parts) > 2 else None  # "?": never allowed
            (calls.functions if kind == "function" else calls.operators).add((schema, parts[-1]))


def _sql_only(text: str) -> str:
    """The expression without what only EXPLAIN prints, cut out by PostgreSQL's tokenizer:
    ``(SubPlan 1)``, ``(hashed SubPlan 2)``, ``(alternatives: ...)``, ``(InitPlan 1).col1``
    become NULL; the
    ``?`` of ``OVER (?)`` and the word ``PARTIAL`` before an aggregate go."""
    from pglast.parser import scan

    raw = text.encode("utf-8")
    tokens = scan(text)
    words = [raw[token.start : token.end + 1] for token in tokens]
    out: list[bytes] = []
    position, index = 0, 0
    while index < len(tokens):
        before = words[index - 1] if index else b""
        after = words[index + 1] if index + 1 < len(words) else b""
        cut = None
        if words[index] == b"(" and after in _SUBPLAN_WORDS:
            cut, replacement = _closing(words, index), b"NULL"
            if words[cut + 1 : cut + 2] == [b"."]:  # (InitPlan 1).col1 of PostgreSQL 17
                cut += 2
        elif _explain_word(tokens[index].name, words[index], before, after):
            cut, replacement = index, b""
        if cut is None:
            index += 1
            continue
        out += [raw[position : tokens[index].start], replacement]
        position, index = tokens[cut].end + 1, cut + 1
    out.append(raw[position:])
    return b"".join(out).decode("utf-8")


def _explain_word(kind: str, word: bytes, before: bytes, after: bytes) -> bool:
    """The ``?`` of ``OVER (?)``, or ``PARTIAL`` before an aggregate (not a column named so)."""
    if word == b"?":
        return before == b"(" and after == b")"
    return kind == "PARTIAL" and before in (b"", b"(", b",") and after not in (b".", b",", b")", b"")


def _closing(words: list[bytes], index: int) -> int:
    """The index of the bracket that closes the one at ``index``."""
    depth = 0
    for at in range(index, len(words)):
        depth += (words[at] == b"(") - (words[at] == b")")
        if depth == 0:
            return at
    raise RefusedPlan("refused: the server's plan has an expression opskb cannot read")
