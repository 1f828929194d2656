"""The search index's postings (search/searchindex.py ``_entries``, and ``IndexMemo.entries``
after an edit) are what their definition gives: for each term, every document that has
it, in order, with its weight, as ``_term_json`` packs them. The packed integers that keep
the build's memory down must not change a byte of the index."""

from __future__ import annotations

import json
import math
import random

from opskb.search import searchindex
from opskb.search.searchindex import Doc, IndexMemo


def _defined(every: list[Doc], lexicon: set[str]) -> dict[str, str]:
    """The postings by their definition: one (document number, weight) pair each."""
    postings: dict[str, list[tuple[int, int]]] = {stem: [] for stem in lexicon}
    for number, doc in enumerate(every):
        for term, weight in doc.terms.items():
            postings.setdefault(term, []).append((number, weight))
    entries = {}
    for term, rows in postings.items():
        idf = round(1000 * math.log(1 + len(every) / len(rows))) if rows else 0
        flat, last = [], 0
        for number, weight in rows:
            flat += (number - last, weight)
            last = number
        entries[term] = json.dumps(term, ensure_ascii=False) + ":" + json.dumps([idf, searchindex.pack(flat)])
    return entries


def _docs(rng: random.Random, count: int, words: list[str]) -> list[Doc]:
    docs = []
    for number in range(count):
        doc = Doc(key=f"d{number}", kind=0, title="", url="", line="")
        for word in rng.sample(words, rng.randint(0, 12)):
            doc.terms[word] = rng.choice([1, 5, 31, 32, 1000, 2**40])  # one digit, two, a large one
        docs.append(doc)
    return docs


def test_the_postings_are_their_definition_on_random_documents() -> None:
    rng = random.Random(25)
    words = ["сбой", "order", "x", "42", "ñandú", "заказ", "stock", "a" * 40] + [f"w{i}" for i in range(60)]
    for _ in range(200):
        every = _docs(rng, rng.randint(0, 80), words)
        lexicon = set(rng.sample(words, rng.randint(0, 5))) | {"only-in-a-phrase"}
        assert searchindex._entries(every, lexicon) == _defined(every, lexicon)


def test_the_postings_after_an_edit_are_those_made_anew() -> None:
    rng = random.Random(7)
    words = [f"t{i}" for i in range(40)]
    memo = IndexMemo()
    every = _docs(rng, 300, words)
    lexicon = {"t1", "phrase-only"}
    assert memo.entries(every, lexicon) == _defined(every, lexicon)
    for _ in range(20):
        edited = every[rng.randrange(len(every))]
        edited.terms = {word: rng.randint(1, 99) for word in rng.sample(words, 5)}  # a new dict, as a rebuild makes
        assert memo.entries(every, lexicon) == _defined(every, lexicon)
