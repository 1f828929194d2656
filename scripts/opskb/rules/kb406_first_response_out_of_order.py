"""KB406: the first response does at once what the steps do only later.

What "appears" means (text similarity, not equality: the first response is a short form
of the steps). Both texts are reduced to their content words' snowball stems (the search's
own analysis, ``opskb.search.textanalysis``: stop words and pronouns dropped, so "Write to the
marketplace chat" and "Ask the marketplace in its chat" are ``write marketplac chat`` and
``ask marketplac chat``) and compared with rapidfuzz's ``token_set_ratio`` (0-100: the
words they share against the words either adds):

- an item *is* step N when it matches the step's title at ``IS_STEP`` or more and, when the
  step names a tool, names that tool too (a title alone, "Hand the order to the
  marketplace", is too short to tell "note the order" from "hand it over");
- an item *mentions* a step when it matches the step's title or its text at ``MENTIONS``
  or more.

A runbook is reported when an item is step N (N > 1) and one of the steps before N is
mentioned by no item: the first response says to do something at once, and the steps
put work before it that the first response never names.
"""

import functools
from collections.abc import Iterator
from typing import Any

from rapidfuzz import fuzz

from ..gate.registry import Example, FileMemo, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ..search.textanalysis import stem, words_of
from ._tree import RUNBOOK

# Scores (0-100) of rapidfuzz.fuzz.token_set_ratio over stems; chosen on the sample's 23
# runbooks, where unrelated item/title pairs stay under 70 and restatements reach 80.
IS_STEP = 80
MENTIONS = 70
# Words that tell no action apart, besides the search's stop words.
_FILLER = frozenset({"its", "their", "them", "they", "this", "these", "those", "into", "if", "then", "so", "soon"})

RULE = Rule(
    code="KB406",
    name="first-response-out-of-order",
    level=WARNING,
    summary="A first-response item is a later step, after steps the first response does not mention.",
    message="first response item {item} is step {step} '{title}', but steps put '{skipped}' (step {before}) first",
    hint="move step '{title}' up to where the first response puts it, or mention '{skipped}' before it",
    why=(
        "The first response is what L1 does in the first minutes; the steps are the order to follow. When "
        "the first response says to do something at once and the steps put other work first, two engineers "
        "on the same incident do it in two orders, and the one who follows the steps does it late."
    ),
    fix=(
        "Make the two agree: order the steps as the first response does (what it does at once comes first), "
        "or let the first response name the earlier steps too."
    ),
    bad=Example(
        replace={
            RUNBOOK: [
                (
                    "  - Compare queued and processed jobs on the queue dashboard.\n",
                    "  - Requeue failed jobs at once.\n",
                )
            ]
        },
        expect=f"{RUNBOOK}:14:5",
    ),
    good=Example(),
)


# Every first-response item is compared with every step (its title and what to do), so
# each text is stemmed once, not once per pair (bounded: 16,384 texts of a few hundred
# bytes). A runbook unchanged since the last check is not compared again (_FOUND).
@functools.lru_cache(maxsize=16384)
def _stems(text: str) -> str:
    return " ".join(stem(word) for word in words_of(text) if word not in _FILLER)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0-100, by their content words (see the module's docstring)."""
    left, right = _stems(a), _stems(b)
    return fuzz.token_set_ratio(left, right) if left and right else 0.0


def _is_step(item: str, step: dict) -> bool:
    if similarity(item, step["title"]) < IS_STEP:
        return False
    tool = _stems(step.get("tool", ""))
    return not tool or f" {tool} " in f" {_stems(item)} "


def _mentions(item: str, step: dict) -> bool:
    return max(similarity(item, step["title"]), similarity(item, step.get("do", ""))) >= MENTIONS


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for runbook in kb.runbooks.values():
        found = _FOUND.get(runbook.document.source, None, lambda data=runbook.data: tuple(_out_of_order(data)))
        for number, params in found:
            yield Finding(runbook, ("first_response", number), params)


# a runbook's findings, kept while its file is the same
_FOUND: FileMemo[tuple[tuple[int, dict[str, Any]], ...]] = FileMemo()


def _out_of_order(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each first-response item (its index) that names a step after one it skips."""
    items = [i for i in data.get("first_response", []) if isinstance(i, str)]
    steps = [s for s in data.get("steps", []) if isinstance(s, dict) and isinstance(s.get("title"), str)]
    for number, item in enumerate(items):
        found = next((n for n, step in enumerate(steps) if _is_step(item, step)), None)
        if not found:  # no step, or the first: nothing comes before it
            continue
        skipped = next((n for n in range(found) if not any(_mentions(i, steps[n]) for i in items)), None)
        if skipped is None:
            continue
        yield (
            number,
            {
                "item": number + 1,
                "step": found + 1,
                "title": steps[found]["title"],
                "skipped": steps[skipped]["title"],
                "before": skipped + 1,
            },
        )
