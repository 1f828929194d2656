"""Synonym phrases found in a text's stems (opskb.search.textanalysis.Synonyms.groups_in):
looked up only where a phrase may start, it finds what trying every start and every
length finds, on this repository's synonyms."""

from __future__ import annotations

import random

import yaml

from conftest import REPO
from opskb.search.textanalysis import Synonyms


def _every_start_and_length(synonyms: Synonyms, stems: list[str]) -> set[str]:
    found = set()
    for start in range(len(stems)):
        for length in range(1, min(synonyms.longest, len(stems) - start) + 1):
            group = synonyms.phrases.get(tuple(stems[start : start + length]))
            if group:
                found.add(group)
    return found


def test_groups_in_finds_what_every_start_and_length_finds() -> None:
    groups = yaml.safe_load((REPO / "docs" / "synonyms.yaml").read_text(encoding="utf-8"))["groups"]
    synonyms = Synonyms((group["id"], group["terms"]) for group in groups)
    assert synonyms.longest > 1  # phrases of several words, which the shortcut must still find
    words = [*sorted({stem for phrase in synonyms.phrases for stem in phrase}), "order", "x", "заказ"]
    generator = random.Random(25)
    texts = [[generator.choice(words) for _ in range(n)] for n in range(30) for _ in range(40)]
    texts += [list(phrase) for phrase in synonyms.phrases]
    assert sum(bool(_every_start_and_length(synonyms, stems)) for stems in texts) > len(texts) / 2
    for stems in texts:
        assert synonyms.groups_in(stems) == _every_start_and_length(synonyms, stems), stems
