"""A sql check's query must be one read-only SELECT, judged by PostgreSQL's grammar.

The allow-lists (statement syntax, functions, operators) are in
``opskb/diagnostics/sql_guard.py``; `opskb run` applies the same guard before it connects,
then holds the server's own plan of the query against the same lists before it runs it
(``opskb/diagnostics/sql_plan.py``).
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._sql import sql_queries
from ._tree import RUNBOOK

_QUERY = "    query: SELECT queued, processed FROM job_queue_last_run"

RULE = Rule(
    code="KB320",
    name="unsafe-sql-query",
    level=ERROR,
    summary=(
        "A sql check whose query is not one plain SELECT calling only allow-listed functions: "
        "several statements, a data-changing CTE, SELECT INTO, FOR UPDATE, a function that "
        "acts on the server (pg_terminate_backend, pg_read_file, query_to_xml, dblink, lo_*), "
        "or one reached by attribute notation (p.pg_terminate_backend over unnest(...) p is the call "
        "pg_terminate_backend(p)), or lpad/rpad to a length no checked value may have."
    ),
    message="sql check '{check}' is refused: {reason}",
    hint=(
        "write one SELECT that only reads; the functions it may call are listed in "
        "opskb/diagnostics/sql_guard.py (quoting or schema-qualifying a name does not change it); "
        "name the columns of a function in FROM (unnest(...) AS p(pid)) and use only those"
    ),
    why=(
        "`opskb run` executes the runbook's SQL against production during an incident: a query that writes, "
        "locks rows or calls a server function such as pg_terminate_backend could make the incident worse, "
        "with L1 at the keyboard. PostgreSQL reads `x.name` as the call `name(x)` when `x` has no column "
        "`name`: over `unnest(...)` or `generate_series(...)` that reaches any one-argument function, and "
        "through dblink a second connection outside the read-only transaction."
    ),
    fix=(
        "Write one SELECT that only reads and calls only the functions allowed in "
        "opskb/diagnostics/sql_guard.py; give a function, subquery or VALUES in FROM column names and "
        "refer to those; also run checks as a database user that can only read."
    ),
    bad=Example(
        replace={
            RUNBOOK: [
                (
                    _QUERY,
                    "    query: SELECT p.pg_terminate_backend AS queued, 1 AS processed FROM unnest(ARRAY[12345]) p",
                ),
            ]
        },
        expect=f"{RUNBOOK}:30:12",
    ),
    good=Example(
        replace={
            RUNBOOK: [
                (
                    _QUERY,
                    "    query: SELECT coalesce(sum(queued), 0) AS queued, max(processed) AS processed"
                    " FROM job_queue_last_run WHERE now() > date_trunc('day', now())",
                )
            ]
        }
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..diagnostics.sql_guard import refusal

    for runbook, path, check_id, query in sql_queries(kb):
        reason = refusal(query)
        if reason:
            yield Finding(runbook, path, {"check": check_id, "reason": reason})
