"""SQL probe: one read-only SELECT against a named database; its first row is observed.

Independent guards, because the content is edited by many people:

1. Before anything connects, ``sql_guard`` parses the query with PostgreSQL's grammar
   and refuses it unless it is exactly one plain SELECT that calls only allow-listed
   functions (the list is in ``sql_guard.py``), attribute notation included.
2. PostgreSQL: ``sql_postgres`` runs it in a read-only, time-bounded session, as one
   prepared statement that the server parses once; the server's own plan of it is
   held against the same allow-lists before it runs (``sql_plan``), and the server
   sends at most one row of bounded values. SQLite: the file is opened read-only
   (``mode=ro``) with ``PRAGMA query_only``, an authorizer that allows only reading and
   the SQLite allow-list, a length limit on every value and an interrupt at the
   deadline; SQLite refuses a second statement. Other databases are refused.
3. Whatever comes back is reported, never an internal error: two columns of one name
   are refused, and numbers of any size, NaN and infinities become values
   (``conditions.plain``) that JSON can carry.
"""

from __future__ import annotations

import sqlite3
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from . import sql_guard, sql_postgres
from .conditions import plain
from .probe import Observation, ProbeError
from .sources import Source
from .sql_result import MAX_COLUMNS, MAX_VALUE_BYTES, check_columns, check_nesting

SUPPORTED = ("postgresql", "sqlite")
_POSTGRES_SCHEMES = {"postgresql", "postgres"}


def probe(check: dict[str, Any], source: Source, timeout: float) -> Observation:
    query = check["query"].strip().rstrip(";")
    backend, target = _target(source)  # reads the URL only
    sql_guard.validate(query, backend)  # before any connection: a refused query never reaches a database
    try:
        if backend == "postgresql":
            row, columns = sql_postgres.run(target, query, timeout)
        else:
            row, columns = _run_sqlite(target, query, timeout)
    except ProbeError:
        raise
    except RecursionError:  # the driver decodes JSON and arrays with Python's recursion
        raise ProbeError("a value of the result is nested too deeply to read (JSON or arrays)") from None
    except Exception as err:  # DB-API errors of either driver
        raise ProbeError(_db_message(err, timeout)) from None
    if row is None:
        raise ProbeError("the query returned no rows")
    check_columns(columns)  # PostgreSQL's were checked before the query ran; SQLite's now
    check_nesting(columns, row)
    # Numbers stay numbers (Decimal, exact) for the condition; the runner shows them plain.
    values = {name: value if _is_number(value) else plain(value) for name, value in zip(columns, row, strict=True)}
    return Observation([("", values)])


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


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
    # SQLite itself refuses to make a longer string or blob ("string or blob too big").
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    connection.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, MAX_COLUMNS)
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
    if "server closed the connection" in lowered or "consuming input failed" in lowered:
        return f"the query ran past its {timeout:g} s timeout; opskb closed the connection"
    if "too big" in lowered or "too many columns" in lowered:
        return f"refused by the database (result too large for a check): {text}"
    if "read-only" in lowered or "readonly" in lowered:
        return f"refused by the database (read-only transaction): {text}"
    if "not authorized" in lowered or "one statement at a time" in lowered:
        return f"refused by the database (read-only check): {text}"
    return f"database error: {text}"
