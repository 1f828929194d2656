import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from ..gate.registry import Example, FileMemo, Finding, Rule
from ..model.inline import ALLOWED_SCHEMES, bad_links
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ..model.schemas import markdown_fields, schema_dir, values_at
from ..model.yamldoc import JsonPath
from ._tree import RUNBOOK

_GRAFANA = "    do: Open the queue dashboard in Grafana.\n"

RULE = Rule(
    code="KB336",
    name="unsafe-link",
    level=ERROR,
    summary="A link in step text, first response or 'do not' leads elsewhere than an http(s) address.",
    message="link to {href} is refused: the site links only " + " and ".join(ALLOWED_SCHEMES) + " addresses",
    hint="write the full address, e.g. [dashboard](https://grafana.example.org/d/feed), or drop the link",
    why=(
        "Step text is Markdown that the site turns into links. A javascript: or data: address (also hidden "
        "behind an entity or a leading space) would run code in the engineer's browser when clicked, and a "
        "relative path leads nowhere on the built site; the site shows such a link as plain text instead."
    ),
    fix="Link to an absolute http:// or https:// address, or write the text without a link.",
    bad=Example(
        replace={RUNBOOK: [(_GRAFANA, "    do: Open the [queue dashboard](javascript:alert(1)) in Grafana.\n")]},
        expect=f"{RUNBOOK}:18:9",
    ),
    good=Example(
        replace={RUNBOOK: [(_GRAFANA, "    do: Open the [queue dashboard](https://grafana.example.org/d/queue).\n")]}
    ),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    fields = _fields((schema_dir(kb.root) / "runbook.schema.json").read_text(encoding="utf-8"))
    for runbook in kb.runbooks.values():
        found = _FOUND.get(runbook.document.source, fields, lambda data=runbook.data: _links(data, fields))
        for path, href in found:
            yield Finding(runbook, path, params={"href": repr(href)})


# a runbook's refused links, kept while its file and the schema are the same
_FOUND: FileMemo[tuple[tuple[JsonPath, str], ...]] = FileMemo()


def _links(data: Any, fields: tuple[tuple[str, ...], ...]) -> tuple[tuple[JsonPath, str], ...]:
    """The refused links in the Markdown ``fields`` of a runbook's ``data``, where each is."""
    return tuple(
        (path, href)
        for field in fields
        for path, text in values_at(data, field)
        if isinstance(text, str)
        for href in bad_links(text)
    )


# Keyed by the schema's text, not its folder: under `make serve` the schema may change
# between two rebuilds of one process.
@lru_cache(maxsize=8)
def _fields(schema: str) -> tuple[tuple[str, ...], ...]:
    """The runbook fields that hold the Markdown subset: the schema says which."""
    return tuple(markdown_fields(json.loads(schema)))
