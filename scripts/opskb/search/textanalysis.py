"""How text becomes search terms, on the build side: words, stems, codes and synonyms.

Only the index build stems (snowball, English or Russian by script). A query is never
stemmed: it is looked up in the lexicon the build writes into the index (every surface
form seen -> its stem), so the browser and `opskb find` read a query the same way
without a stemmer of their own (see opskb.search.search for the lookup rules).

Terms are plain stems (``price``, ``цен``), whole codes (``=awaitingpackaging`` style
keys start with ``=``: an alert name, a status code, a tag) and synonym groups (``~ozon``:
every phrase of the content's synonym list that a field contains).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

# Dropped from both documents and queries. Negations are stop words on purpose: a symptom
# is written "prices not applied" and typed "prices did not apply"; "not" tells no runbook
# apart from another.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "no",
        "not",
        "of",
        "on",
        "or",
        "the",
        "to",
        "i",
        "our",
        "that",
        "this",
        "we",
        "was",
        "were",
        "with",
        "а",
        "в",
        "во",
        "и",
        "из",
        "к",
        "как",
        "на",
        "не",
        "но",
        "о",
        "об",
        "от",
        "по",
        "с",
        "со",
        "у",
        "бы",
        "до",
        "для",
        "же",
        "за",
        "ли",
        "мы",
        "при",
        "уже",
        "что",
        "это",
    ]
)
WORD = re.compile(r"[^\W_]+")
CODE = re.compile(r"\w+(?:[/.:-]\w+)*")
CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_CYRILLIC = re.compile(r"[а-яё]")

_stemmers: dict[str, Any] = {}
_stems: dict[str, str] = {}


def normalize(word: str) -> str:
    return word.lower().replace("ё", "е")


def stem(word: str) -> str:
    """The snowball stem of one normalized word, in its own script's language."""
    found = _stems.get(word)
    if found is None:
        language = "russian" if _CYRILLIC.search(word) else "english"
        if language not in _stemmers:
            import snowballstemmer

            _stemmers[language] = snowballstemmer.stemmer(language)
        found = _stems[word] = _stemmers[language].stemWord(word)
    return found


def looks_like_code(token: str) -> bool:
    """snake_case, a/b, dotted, UPPER or CamelCase: read as an identifier, not a word."""
    return any(c in token for c in "_/.:-") or token.isupper() or len(CAMEL.findall(token)) > 1


def code_key(code: str) -> str:
    return "=" + normalize(code)


def code_words(code: str) -> list[str]:
    """The normalized words inside an identifier (CamelCase and snake_case split)."""
    out = []
    for part in (p for p in re.split(r"[\W_]+", code) if p):
        pieces = CAMEL.findall(part)
        # CamelCase is split in Latin letters only: "ПВЗ" or "Озон" stays one word.
        out.extend(pieces if "".join(pieces) == part else [part])
    return [normalize(w) for w in out]


class Synonyms:
    """The content's synonym groups: phrases (as stem sequences) -> group term ``~id``."""

    def __init__(self, groups: Iterable[tuple[str, Sequence[str]]] = ()) -> None:
        self.phrases: dict[tuple[str, ...], str] = {}
        self.forms: dict[str, str] = {}  # a query may use a word only the synonym list has
        self.longest = 1
        for group_id, phrases in groups:
            for phrase in phrases:
                words = words_of(phrase)
                self.forms.update((w, stem(w)) for w in words)
                stems = tuple(stem(w) for w in words)
                if stems:
                    self.phrases.setdefault(stems, "~" + group_id)
                    self.longest = max(self.longest, len(stems))
        # The lengths of the phrases each first stem starts: a text is looked up only
        # where one may start, and only at those lengths (a few words of most texts).
        self.lengths: dict[str, tuple[int, ...]] = {}
        for stems in self.phrases:
            self.lengths[stems[0]] = tuple(sorted({*self.lengths.get(stems[0], ()), len(stems)}))

    def as_data(self) -> list[list[Any]]:
        return [[group, list(stems)] for stems, group in sorted(self.phrases.items())]

    def groups_in(self, stems: Sequence[str]) -> set[str]:
        """Every group whose phrase occurs (contiguously) in a sequence of stems."""
        found = set()
        lengths, count = self.lengths, len(stems)
        for start, first in enumerate(stems):
            for length in lengths.get(first, ()):
                if start + length <= count:
                    group = self.phrases.get(tuple(stems[start : start + length]))
                    if group:
                        found.add(group)
        return found


def composed(text: str) -> str:
    """NFC: "й" typed as и + combining breve is the same letter as "й" (both sides tokenize
    composed text, so a combining mark never splits a word)."""
    return unicodedata.normalize("NFC", text)


def words_of(text: str) -> list[str]:
    """Normalized words of free text, stop words dropped."""
    return [w for w in (normalize(m) for m in WORD.findall(composed(text))) if w not in STOP_WORDS]


class Analyzer:
    """Turns document fields into terms, and records every surface form it stemmed."""

    def __init__(self, synonyms: Synonyms) -> None:
        self.synonyms = synonyms
        self.forms: dict[str, str] = dict(synonyms.forms)

    def stems(self, words: Iterable[str]) -> list[str]:
        out = []
        for word in words:
            stemmed = stem(word)
            self.forms[word] = stemmed
            out.append(stemmed)
        return out

    def text(self, text: str) -> set[str]:
        """Terms of free text: stems and the synonym groups its phrases name."""
        stems = self.stems(words_of(text))
        return set(stems) | self.synonyms.groups_in(stems)

    def code(self, code: str) -> set[str]:
        """Terms of an identifier: the whole code, and its words as text."""
        code = composed(code)
        stems = self.stems(w for w in code_words(code) if w not in STOP_WORDS)
        return {code_key(code), *stems} | self.synonyms.groups_in(stems)
