from collections.abc import Iterator
from typing import Any

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ..model.yamldoc import JsonPath, strings
from ._tree import RUNBOOK

# The word `opskb new` scaffolds and `opskb import md` leave where the author must write.
PLACEHOLDER = "TODO"

RULE = Rule(
    code="KB405",
    name="placeholder-text",
    level=WARNING,
    summary="A field still holds placeholder text (TODO) from a scaffold or an import.",
    message="{field} still holds placeholder text: {text}",
    hint="write what the field asks for (see the comment above it), or remove an optional field",
    why=(
        "`opskb new` and `opskb import md` write TODO where they cannot know the answer. Published as it is, "
        "the engineer on call reads 'TODO: the first thing to look at' in the middle of an incident, and the "
        "gate would pass a runbook nobody finished."
    ),
    fix="Replace each TODO with the real text (what L1 sees, what to do, whom to tell), then run `opskb check`.",
    bad=Example(
        replace={RUNBOOK: [("impact: Users wait", 'impact: "TODO: what an hour of this costs" # Users wait')]},
        expect=f"{RUNBOOK}:11:9",
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    # Runbooks and marketplaces as entities (one that fails its schema is run alone by the
    # registry); every other file as a whole document.
    entities = [*kb.runbooks.values(), *kb.marketplaces.values()]
    owned = {entity.file for entity in [*entities, *kb.invalid]}
    for entity in entities:
        if may_hold(entity.document.text):
            for path, text in placeholders(entity.data, ()):
                yield Finding(entity, path, params=_params(path, text))
    for document in kb.documents:
        if document.rel not in owned and document.data is not None and may_hold(document.text):
            for path, text in placeholders(document.data, ()):
                yield Finding(document, path, params=_params(path, text))


def may_hold(source: str | None) -> bool:
    """Whether a file whose text is ``source`` (None: not kept) can hold the placeholder.
    A YAML scalar holds TODO only if the file spells it, or builds it with an escape
    (\\x54ODO, a line continuation): a text with neither word nor backslash holds none, and
    walking its strings is skipped (the check runs at every `mkdocs serve` rebuild)."""
    return source is None or PLACEHOLDER in source or "\\" in source


def _params(path: JsonPath, text: str) -> dict[str, str]:
    names = [str(part) for part in path if isinstance(part, str)]
    shown = " ".join(text.split())
    return {"field": names[-1] if names else "value", "text": shown if len(shown) <= 60 else shown[:57] + "..."}


def placeholders(node: Any, path: JsonPath) -> Iterator[tuple[JsonPath, str]]:
    return ((where, text) for where, text in strings(node, path) if _has_placeholder(text))


def _has_placeholder(text: str) -> bool:
    """TODO as a word of its own (not inside TODOS or a longer identifier)."""
    start = text.find(PLACEHOLDER)
    while start >= 0:
        end = start + len(PLACEHOLDER)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        start = text.find(PLACEHOLDER, end)
    return False
