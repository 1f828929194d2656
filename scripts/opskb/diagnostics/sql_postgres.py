"""One sql check on PostgreSQL: a bounded, read-only session that runs nothing unchecked.

In order, on one connection (the query has already passed ``sql_guard``):

1. **The session** starts read-only and bounded: ``default_transaction_read_only``,
   ``statement_timeout``, ``lock_timeout``, ``idle_in_transaction_session_timeout`` and
   ``idle_session_timeout`` are startup options of the connection, then
   ``BEGIN READ ONLY`` sets them again for the transaction with
   ``standard_conforming_strings`` and ``pg_catalog`` first on the search path.
2. **Describe, not run**: the query is parsed by the server as one prepared statement
   (a second statement is refused there) and described: its columns, as
   ``sql_result.check_columns`` allows them.
3. **The bounded statement** wraps it: ``SELECT`` each column only if its text is within
   ``sql_result``'s bounds per value and per row (with the sizes),
   ``FROM (query) OFFSET 0 ... LIMIT 1``: the server never sends a bigger value, nor a
   second row. It is prepared, not executed.
4. **The server's plan**: ``EXPLAIN (VERBOSE, FORMAT JSON)`` of that prepared statement,
   inside a ``DO`` block that hands back the plan only if it is at most
   ``MAX_PLAN_BYTES`` (a constant folded by the planner could be huge). sql_plan.py
   holds every node, function and operator of it against the allow-lists, and the
   search path is checked for same-named functions and operators outside pg_catalog.
5. Only then the prepared statement runs (the very plan that was checked), one row
   is read, and the transaction is rolled back.

A watchdog ends the attempt at the check's deadline, whatever the server is doing: it
asks the server to cancel, and half a second later shuts the connection's socket, so
the client never waits past its timeout and the server, which loses its client, ends
the transaction and releases every lock.
"""

from __future__ import annotations

import math
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from . import sql_plan
from .sql_result import MAX_ROW_BYTES, MAX_VALUE_BYTES, check_columns, check_sizes

APPLICATION_NAME = "opskb-run"
# The server never gets less than this, whatever the content or a caller asks for.
MIN_SERVER_TIMEOUT_MS = 1000
MAX_PLAN_BYTES = 1024 * 1024  # EXPLAIN's JSON of the bounded statement
STATEMENT = "opskb_check"
_CANCEL_GRACE = 0.5  # between asking the server to cancel and closing the socket

# Runs EXPLAIN of the prepared statement and keeps the plan in a transaction-local
# setting only when it is small: the server, not the client, holds a huge plan.
_EXPLAIN = f"""DO $opskb$
DECLARE plan text;
BEGIN
  EXECUTE 'EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE {STATEMENT}' INTO plan;
  PERFORM pg_catalog.set_config('opskb.plan_bytes', pg_catalog.octet_length(plan)::text, true);
  PERFORM pg_catalog.set_config('opskb.plan',
    CASE WHEN pg_catalog.octet_length(plan) <= {MAX_PLAN_BYTES} THEN plan ELSE '' END, true);
END
$opskb$"""


def server_timeout_ms(timeout: float) -> int:
    """The statement timeout the server enforces: whole milliseconds, never below 1 s.

    Rounding down could give 0, which PostgreSQL reads as "no limit".
    """
    if not math.isfinite(timeout):
        return MIN_SERVER_TIMEOUT_MS
    return max(MIN_SERVER_TIMEOUT_MS, math.ceil(timeout * 1000))


def run(conninfo: str, query: str, timeout: float) -> tuple[tuple[Any, ...] | None, list[str]]:
    """The first row of ``query`` (or None) and its column names, run as described above."""
    import psycopg

    ms = server_timeout_ms(timeout)
    deadline = time.monotonic() + ms / 1000  # for the whole check, connecting included
    connection = psycopg.connect(
        conninfo,
        connect_timeout=max(2, math.ceil(timeout)),
        application_name=APPLICATION_NAME,
        options=_session_options(conninfo, ms),
    )
    try:
        with _watchdog(connection, deadline - time.monotonic()):
            connection.read_only = True  # every transaction starts with BEGIN READ ONLY
            return _checked_row(connection, query, ms)
    finally:
        connection.close()


def _session_options(conninfo: str, ms: int) -> str:
    """The source's own ``options`` first, then ours (the last setting of a name wins)."""
    from psycopg.conninfo import conninfo_to_dict

    own = str(conninfo_to_dict(conninfo).get("options") or "")
    settings = {
        "default_transaction_read_only": "on",
        "statement_timeout": ms,
        "lock_timeout": ms,
        "idle_in_transaction_session_timeout": ms,
        "idle_session_timeout": ms,
    }
    return " ".join([own, *(f"-c {name}={value}" for name, value in settings.items())]).strip()


def _checked_row(connection: Any, query: str, ms: int) -> tuple[tuple[Any, ...] | None, list[str]]:
    with connection.cursor() as cursor:
        # Parameters, not text: a value can never become SQL. is_local: this transaction only.
        cursor.execute(
            "SELECT set_config('statement_timeout', %(ms)s, true),"
            " set_config('lock_timeout', %(ms)s, true),"
            " set_config('idle_in_transaction_session_timeout', %(ms)s, true),"
            " set_config('standard_conforming_strings', 'on', true),"
            " set_config('search_path', 'pg_catalog, ' || current_setting('search_path'), true)",
            {"ms": str(ms)},
        )
        columns = _describe(connection, query)
        _prepare(connection, bounded(query, len(columns)))
        _check_plan(cursor, query)  # RefusedPlan unless all it calls is allowed
        row = cursor.execute(f"EXECUTE {STATEMENT}").fetchone()
    connection.rollback()
    if row is None:
        return None, columns
    check_sizes(columns, row[0])
    return row[1:], columns


def _check_plan(cursor: Any, query: str) -> None:
    """The server's plan of the prepared statement, held against the allow-lists (sql_plan)."""
    cursor.execute(_EXPLAIN)
    size, plan = cursor.execute(
        "SELECT current_setting('opskb.plan_bytes')::bigint, current_setting('opskb.plan')"
    ).fetchone()
    if size > MAX_PLAN_BYTES:
        raise sql_plan.RefusedPlan(
            f"refused: the server's plan of the query is {size} bytes (at most {MAX_PLAN_BYTES});"
            " a constant that large is no diagnostic"
        )
    functions, operators = sql_plan.check(plan).unqualified()
    written = sql_plan.query_names(query)
    names = {"functions": sorted({*functions, *written[0]}), "operators": sorted({*operators, *written[1]})}
    found = cursor.execute(sql_plan.SHADOWED, names).fetchone()
    sql_plan.shadowed_refusal(found[0] if found else None)


def _describe(connection: Any, query: str) -> list[str]:
    """The query's column names, from the server's parse (one statement; nothing runs)."""
    pgconn = connection.pgconn
    _ok(pgconn.prepare(b"", query.encode("utf-8")), connection)
    described = _ok(pgconn.describe_prepared(b""), connection)
    encoding = connection.info.encoding
    columns = [described.fname(index).decode(encoding, "replace") for index in range(described.nfields)]
    check_columns(columns)
    return columns


def bounded(query: str, count: int) -> str:
    """The statement that runs: the query's first row, each value only if it is small.

    ``OFFSET 0`` keeps the query one subquery (evaluated once per row, as written); the
    columns are renamed by position, so the query's own names never meet ours.
    """
    names = [f"c{index}" for index in range(count)]
    sizes = ", ".join(f"pg_catalog.octet_length(q.{name}::pg_catalog.text)" for name in names)
    values = ", ".join(f"CASE WHEN s.fits THEN q.{name} END" for name in names)
    return (
        f"SELECT s.sizes, {values}\n"
        f"FROM (SELECT * FROM (\n{query}\n) AS q0({', '.join(names)}) OFFSET 0) AS q,\n"
        f"LATERAL (SELECT v.sizes, (SELECT coalesce(max(x), 0) <= {MAX_VALUE_BYTES}"
        f" AND coalesce(sum(x), 0) <= {MAX_ROW_BYTES} FROM unnest(v.sizes) AS x) AS fits\n"
        f"  FROM (VALUES (ARRAY[{sizes}]::pg_catalog.int8[])) AS v(sizes)) AS s\n"
        "LIMIT 1"
    )


def _prepare(connection: Any, statement: str) -> None:
    _ok(connection.pgconn.prepare(STATEMENT.encode(), statement.encode("utf-8")), connection)


def _ok(result: Any, connection: Any) -> Any:
    """A libpq result of the low-level calls, or the server's error as psycopg raises it."""
    import psycopg
    from psycopg import pq

    if result.status in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
        return result
    raise psycopg.errors.lookup(result.error_field(pq.DiagnosticField.SQLSTATE).decode() or "XX000")(
        (result.error_message or connection.pgconn.error_message).decode("utf-8", "replace").strip()
    )


@contextmanager
def _watchdog(connection: Any, seconds: float) -> Iterator[None]:
    """At the deadline: ask the server to cancel, then shut the socket (see the module)."""
    lock = threading.Lock()
    done = threading.Event()
    # A socket of our own on the connection: after close, its number may belong to another.
    wire = socket.socket(fileno=os.dup(connection.pgconn.socket))

    def cancel() -> None:
        started = time.monotonic()
        with suppress(Exception):
            connection.cancel_safe(timeout=_CANCEL_GRACE)
        if not done.wait(max(0.0, started + _CANCEL_GRACE - time.monotonic())):
            with lock, suppress(OSError):
                if not done.is_set():
                    wire.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(max(0.0, seconds), cancel)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            done.set()
        timer.cancel()
        wire.close()
