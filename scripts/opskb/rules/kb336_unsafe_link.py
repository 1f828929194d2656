import json
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from ..gate.registry import Example, Finding, Rule
from ..model.inline import ALLOWED_SCHEMES, bad_links
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ..model.schemas import markdown_fields, schema_dir, values_at
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
    fields = _fields(str(schema_dir(kb.root)))
    for runbook in kb.runbooks.values():
        for field in fields:
            for path, text in values_at(runbook.data, field):
                if isinstance(text, str):
                    for href in _bad_links(text):
                        yield Finding(runbook, path, params={"href": repr(href)})


# A text's links are read again only when it changes: the check runs over every runbook
# at each `mkdocs serve` rebuild, where one file changed.
@lru_cache(maxsize=16384)
def _bad_links(text: str) -> tuple[str, ...]:
    return tuple(bad_links(text))


@cache
def _fields(folder: str) -> list[tuple[str, ...]]:
    """The runbook fields that hold the Markdown subset: the schema says which."""
    schema = json.loads((Path(folder) / "runbook.schema.json").read_text(encoding="utf-8"))
    return markdown_fields(schema)
