"""The sql checks of the knowledge base, for the rules that read their queries (KB320, KB321)."""

from collections.abc import Iterator
from typing import Any

from ..model.kb import Entity, KnowledgeBase


def sql_queries(kb: KnowledgeBase) -> Iterator[tuple[Entity, tuple[Any, ...], Any, str]]:
    """(runbook, path of the query, check id, query as `opskb run` sends it) per sql check."""
    for runbook in kb.runbooks.values():
        for index, entry in enumerate(runbook.data.get("checks") or []):
            if not isinstance(entry, dict) or entry.get("type") != "sql" or not isinstance(entry.get("query"), str):
                continue
            yield runbook, ("checks", index, "query"), entry.get("id", index), entry["query"].strip().rstrip(";")
