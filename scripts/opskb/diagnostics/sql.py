"""SQL probe: one read-only SELECT against a named database; its first row is observed.

Two independent guards, because the content is edited by many people:

1. Before anything connects, the query is tokenized (sqlparse) and refused unless it is
   exactly one SELECT (a WITH ... SELECT included) with no data-changing keyword
   anywhere (a DELETE inside a CTE, SELECT ... INTO, FOR UPDATE) and no function known to
   act on the server (pg_terminate_backend, lo_export, ...).
2. It runs in a read-only transaction with a statement timeout: PostgreSQL
   ``SET TRANSACTION READ ONLY`` plus ``default_transaction_read_only`` and
   ``statement_timeout``; SQLite ``PRAGMA query_only`` and an interrupt at the deadline.
   Other dialects are refused: there is no guard for them here.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import sqlparse
from sqlparse import tokens as T

from .conditions import plain
from .probe import Observation, ProbeError
from .sources import Source

SUPPORTED = ("postgresql", "sqlite")
_FORBIDDEN_KEYWORDS = {
    "INTO",
    "COPY",
    "LOCK",
    "GRANT",
    "REVOKE",
    "VACUUM",
    "ANALYZE",
    "PRAGMA",
    "ATTACH",
    "DETACH",
    "CALL",
    "DO",
    "EXECUTE",
    "SET",
    "RESET",
    "LISTEN",
    "NOTIFY",
    "REINDEX",
    "CLUSTER",
    "REFRESH",
    "TRUNCATE",
    "COMMIT",
    "ROLLBACK",
    "BEGIN",
    "SAVEPOINT",
}
# Functions that act on the server even inside a read-only transaction.
_FORBIDDEN_FUNCTIONS = re.compile(
    r"^(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote"
    r"|pg_switch_wal|pg_create_restore_point|pg_advisory\w*|pg_try_advisory\w*|pg_read_\w+"
    r"|pg_ls_\w+|pg_stat_reset\w*|pg_file_\w+|set_config|lo_\w+|dblink\w*|load_extension"
    r"|readfile|writefile|edit|fts3_tokenizer)$",
    re.IGNORECASE,
)


class RefusedQuery(ProbeError):
    """The query is not one read-only SELECT; it never reached the database."""


def validate(query: str) -> None:
    """Refuse anything but one read-only SELECT (RefusedQuery says why)."""
    statements = [s for s in sqlparse.parse(query) if s.token_first(skip_cm=True, skip_ws=True) is not None]
    if len(statements) != 1:
        raise RefusedQuery(f"refused: expected one statement, found {len(statements)}")
    statement = statements[0]
    first = statement.token_first(skip_cm=True, skip_ws=True)
    # Not get_type(): it answers UNKNOWN for a CTE whose name is a keyword (WITH last AS ...).
    # The first word decides the statement kind; the scan below catches DML hidden later.
    if not (first.ttype in T.Keyword.DML and first.value.upper() == "SELECT") and not (
        first.ttype in T.Keyword.CTE and first.value.upper() == "WITH"
    ):
        raise RefusedQuery(f"refused: only SELECT is allowed, this starts with {first.value.split()[0].upper()}")
    for token in statement.flatten():
        word = token.value.upper()
        if token.ttype in (T.Keyword.DML,) and word != "SELECT":
            raise RefusedQuery(f"refused: {word} inside the query changes data")
        if token.ttype in (T.Keyword.DDL,) or (token.ttype in T.Keyword and word in _FORBIDDEN_KEYWORDS):
            raise RefusedQuery(f"refused: {word} is not allowed in a read-only check")
        if token.ttype in T.Name and _FORBIDDEN_FUNCTIONS.match(token.value):
            raise RefusedQuery(f"refused: function {token.value} acts on the server")


def probe(check: dict[str, Any], source: Source, timeout: float) -> Observation:
    query = check["query"].strip().rstrip(";")
    validate(query)  # before any connection: a refused query never reaches the database
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
    from sqlalchemy.pool import NullPool

    try:
        url = make_url(source.url)
    except (ArgumentError, ValueError):
        raise ProbeError(f"source {source.name}: not a database URL") from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED:
        raise ProbeError(
            f"source {source.name}: {backend} is not supported for read-only checks (supported: {', '.join(SUPPORTED)})"
        )
    if backend == "sqlite":
        _require_sqlite_file(url.database, source)
    connect_args: dict[str, Any] = {}
    if backend == "postgresql":
        ms = int(timeout * 1000)
        connect_args = {
            "connect_timeout": max(2, round(timeout)),
            # Belt and braces with SET TRANSACTION READ ONLY below: the session default too.
            "options": f"-c default_transaction_read_only=on -c statement_timeout={ms}",
        }
    try:
        engine = create_engine(url, poolclass=NullPool, connect_args=connect_args)
        try:
            with engine.connect() as connection:
                raw = connection.connection.dbapi_connection
                row, columns = _run(raw, backend, query, timeout)
        finally:
            engine.dispose()
    except NoSuchModuleError:
        raise ProbeError(f"source {source.name}: no driver installed for {url.drivername}") from None
    except SQLAlchemyError as err:
        raise ProbeError(_db_message(getattr(err, "orig", None) or err, timeout)) from None
    except ProbeError:
        raise
    except Exception as err:  # DB-API errors raised on the raw connection
        raise ProbeError(_db_message(err, timeout)) from None
    if row is None:
        raise ProbeError("the query returned no rows")
    return Observation([("", {name: plain(value) for name, value in zip(columns, row, strict=True)})])


def _run(raw: Any, backend: str, query: str, timeout: float) -> tuple[Any, list[str]]:
    """The first row and column names of ``query`` in a read-only transaction, rolled back."""
    raw.rollback()  # start clean: our SET TRANSACTION must be the transaction's first statement
    cursor = raw.cursor()
    try:
        if backend == "postgresql":
            cursor.execute("SET TRANSACTION READ ONLY")
            cursor.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
        else:
            cursor.execute("PRAGMA query_only = ON")
            deadline = time.monotonic() + timeout
            # Called every N VM instructions; a non-zero return interrupts the query.
            raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        cursor.execute(query)
        columns = [column[0] for column in cursor.description or []]
        return cursor.fetchone(), columns
    finally:
        cursor.close()
        raw.rollback()


def _require_sqlite_file(database: str | None, source: Source) -> None:
    # Connecting to a missing SQLite file would create an empty one: refuse instead.
    in_memory = not database or database == ":memory:" or database.startswith("file:")
    if not in_memory and not Path(database).is_file():
        raise ProbeError(f"source {source.name}: no SQLite database file at that path")


def _db_message(err: BaseException, timeout: float) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    lowered = text.lower()
    if "statement timeout" in lowered or "interrupted" in lowered or "canceling statement" in lowered:
        return f"the query ran past its {timeout:g} s timeout and was cancelled"
    if "read-only" in lowered or "readonly" in lowered:
        return f"refused by the database (read-only transaction): {text}"
    return f"database error: {text}"
