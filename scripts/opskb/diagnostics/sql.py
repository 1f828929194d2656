"""SQL probe: one read-only SELECT against a named database; its first row is observed.

Three independent guards, because the content is edited by many people:

1. Before anything connects, ``sql_guard`` parses the query with PostgreSQL's grammar
   and refuses it unless it is exactly one plain SELECT that calls only allow-listed
   functions (the list is in ``sql_guard.py``).
2. It is sent as one statement that the database itself parses once: PostgreSQL gets it
   through the extended protocol (one Parse message, which refuses a second statement),
   with ``standard_conforming_strings`` on so the server reads quotes as the guard did;
   SQLite prepares it with an authorizer that allows only reading and the SQLite
   allow-list, and refuses a second statement.
3. It runs in a read-only transaction that the server bounds: PostgreSQL
   ``BEGIN READ ONLY`` with ``statement_timeout``, ``lock_timeout`` and
   ``idle_in_transaction_session_timeout`` set for the transaction, never below 1 s;
   SQLite opens the file read-only (``mode=ro``), with ``PRAGMA query_only`` and an
   interrupt at the deadline. Other databases are refused: there is no guard for them.
"""

from __future__ import annotations

import math
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from . import sql_guard
from .conditions import plain
from .probe import Observation, ProbeError
from .sources import Source

SUPPORTED = ("postgresql", "sqlite")
_POSTGRES_SCHEMES = {"postgresql", "postgres"}
# The server never gets less than this, whatever the content or a caller asks for.
MIN_SERVER_TIMEOUT_MS = 1000
APPLICATION_NAME = "opskb-run"


def probe(check: dict[str, Any], source: Source, timeout: float) -> Observation:
    query = check["query"].strip().rstrip(";")
    backend, target = _target(source)  # reads the URL only
    sql_guard.validate(query, backend)  # before any connection: a refused query never reaches a database
    try:
        if backend == "postgresql":
            row, columns = _run_postgres(target, query, timeout)
        else:
            row, columns = _run_sqlite(target, query, timeout)
    except ProbeError:
        raise
    except Exception as err:  # DB-API errors of either driver
        raise ProbeError(_db_message(err, timeout)) from None
    if row is None:
        raise ProbeError("the query returned no rows")
    return Observation([("", {name: plain(value) for name, value in zip(columns, row, strict=True)})])


def server_timeout_ms(timeout: float) -> int:
    """The statement timeout the server enforces: whole milliseconds, never below 1 s.

    Rounding down could give 0, which PostgreSQL reads as "no limit".
    """
    if not math.isfinite(timeout):
        return MIN_SERVER_TIMEOUT_MS
    return max(MIN_SERVER_TIMEOUT_MS, math.ceil(timeout * 1000))


def _target(source: Source) -> tuple[str, str]:
    """(backend, what to open): a libpq URI for PostgreSQL, a file path for SQLite."""
    parts = urlsplit(source.url)
    scheme = parts.scheme.lower()
    if not scheme or not (parts.netloc or parts.path):
        raise ProbeError(f"source {source.name}: not a database URL")
    if scheme.split("+")[0] in _POSTGRES_SCHEMES:  # any driver name: psycopg is the one used
        return "postgresql", "postgresql" + source.url[len(scheme) :]
    if scheme == "sqlite":
        return "sqlite", _sqlite_path(source)
    backend = scheme.split("+")[0]
    raise ProbeError(
        f"source {source.name}: {backend} is not supported for read-only checks (supported: {', '.join(SUPPORTED)})"
    )


# --- PostgreSQL -------------------------------------------------------------------------


def _run_postgres(conninfo: str, query: str, timeout: float) -> tuple[Any, list[str]]:
    import psycopg

    ms = str(server_timeout_ms(timeout))
    with psycopg.connect(
        conninfo, connect_timeout=max(2, math.ceil(timeout)), application_name=APPLICATION_NAME
    ) as connection:
        connection.read_only = True  # every transaction starts with BEGIN READ ONLY
        with connection.cursor() as cursor:
            # Parameters, not text: a value can never become SQL. is_local: this transaction only.
            cursor.execute(
                "SELECT set_config('statement_timeout', %(ms)s, true),"
                " set_config('lock_timeout', %(ms)s, true),"
                " set_config('idle_in_transaction_session_timeout', %(ms)s, true),"
                " set_config('standard_conforming_strings', 'on', true),"
                " set_config('search_path', 'pg_catalog, ' || current_setting('search_path'), true)",
                {"ms": ms},
            )
            # stream() sends one Parse/Bind/Execute (the extended protocol): the server
            # refuses a second statement instead of running it, and we read one row only.
            rows = cursor.stream(query)
            try:
                row = next(rows, None)
                columns = [column.name for column in cursor.description or []]
            finally:
                rows.close()
        connection.rollback()
    return row, columns


# --- SQLite -----------------------------------------------------------------------------


def _sqlite_path(source: Source) -> str:
    # sqlite:///relative.db, sqlite:////absolute.db, sqlite:///:memory: (tests)
    path = unquote(source.url.split("://", 1)[1].split("?", 1)[0].removeprefix("/"))
    if path in ("", ":memory:"):
        return ":memory:"
    # Connecting to a missing SQLite file would create an empty one: refuse instead.
    if not Path(path).is_file():
        raise ProbeError(f"source {source.name}: no SQLite database file at that path")
    return path


def _run_sqlite(path: str, query: str, timeout: float) -> tuple[Any, list[str]]:
    uri = "file::memory:" if path == ":memory:" else f"file:{quote(str(Path(path).resolve()))}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, timeout=timeout)
    try:
        return _sqlite_select(connection, query, timeout)
    finally:
        connection.close()


def _sqlite_select(connection: sqlite3.Connection, query: str, timeout: float) -> tuple[Any, list[str]]:
    connection.execute("PRAGMA query_only = ON")
    allowed = sql_guard.SQLITE_FUNCTIONS
    connection.set_authorizer(lambda action, arg1, arg2, *_: _sqlite_authorize(action, arg2, allowed))
    deadline = time.monotonic() + timeout
    # Called every N VM instructions; a non-zero return interrupts the query.
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
    cursor = connection.execute(query)  # one statement: sqlite3 refuses a second
    try:
        return cursor.fetchone(), [column[0] for column in cursor.description or []]
    finally:
        cursor.close()
        connection.rollback()


_SQLITE_READING = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}


def _sqlite_authorize(action: int, function: str | None, allowed: frozenset[str]) -> int:
    """SQLite's own view of the prepared statement: reading, and allow-listed functions."""
    if action in _SQLITE_READING:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION and function and function.lower() in allowed:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _db_message(err: BaseException, timeout: float) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    lowered = text.lower()
    if "statement timeout" in lowered or "interrupted" in lowered or "canceling statement" in lowered:
        return f"the query ran past its {timeout:g} s timeout and was cancelled"
    if "read-only" in lowered or "readonly" in lowered:
        return f"refused by the database (read-only transaction): {text}"
    if "not authorized" in lowered or "one statement at a time" in lowered:
        return f"refused by the database (read-only check): {text}"
    return f"database error: {text}"
