"""A sql check's query must not return two columns of one name.

The names are figured from the query text as PostgreSQL figures them
(``opskb/diagnostics/sql_names.py``); `opskb run` refuses such a result too.
"""

from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._sql import sql_queries
from ._tree import RUNBOOK

_QUERY = "    query: SELECT queued, processed FROM job_queue_last_run"

RULE = Rule(
    code="KB321",
    name="duplicate-result-column",
    level=ERROR,
    summary=(
        "A sql check whose query returns two columns of the same name (`SELECT queued, processed AS queued`, "
        "or two unnamed expressions, both called ?column?)."
    ),
    message="sql check '{check}' returns more than one column named '{column}'",
    hint="give each column its own name with AS, the one the check's condition uses",
    why=(
        "The check's condition names the values it compares by column name: with two columns of one name it "
        "would silently compare one of them, and L1 would read a verdict about the wrong number."
    ),
    fix="Name every column the query returns with `AS`, each name once.",
    bad=Example(
        replace={RUNBOOK: [(_QUERY, "    query: SELECT queued, processed AS queued FROM job_queue_last_run")]},
        expect=f"{RUNBOOK}:30:12",
    ),
    good=Example(
        replace={RUNBOOK: [(_QUERY, "    query: SELECT queued, processed, queued AS again FROM job_queue_last_run")]}
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..diagnostics.sql_guard import duplicate_columns

    for runbook, path, check_id, query in sql_queries(kb):
        for column in duplicate_columns(query):
            yield Finding(runbook, path, {"check": check_id, "column": column})
