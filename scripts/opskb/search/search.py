"""Ranking a query against the search index: the Python twin of the site's search.js.

Both read the same chunks (opskb.search.searchindex) and follow the same steps, so the site's
search box and `opskb find` put the same documents first:

1. The query is split into units: each identifier-like token (``awaiting_packaging``,
   ``MarketplaceNoOrders30m``; or a query of one token) is a code unit, matched whole;
   each word (stop words dropped, lower case, ё as е) is a word unit.
2. A word is read through the lexicon of its chunk, in this order, first hit wins:
   a surface form the build stemmed -> its stem; a stem itself; the longest stem the word
   starts with (at most 4 letters more: an inflection the content never used, "озона");
   stems and forms that start with the word (typing in progress); and last, forms and
   stems within edit distance 1 (2 from 8 letters; optimal string alignment) of it. Each
   way counts less (``FACTORS``), and a typo is only tried when nothing matched exactly,
   so a fuzzy match never outranks an exact one.
3. Phrases of the synonym list are found over the units' stems (longest first): a
   multi-word phrase becomes one unit (its group term), a one-word synonym adds the
   group term to its word.
4. A document scores, per unit, the best of factor x idf x field weight over the unit's
   terms; the sum is multiplied by (units matched / units)^2 and by its kind's prior
   (runbook, status, reference page). Ties go to the lower document number.

Only +, * and / on integers and doubles are used (idf is precomputed as an integer), so
Python and JavaScript compute the same scores bit for bit.

The CLI keeps the index in ``ROOT/.cache/opskb/`` (marshal: plain data only), keyed by a
fingerprint of the content files; a query on an unchanged tree never parses YAML.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..model.atomic import write_atomically
from ..model.layout import CONTENT_FOLDERS, DOCS, SCHEMAS, walk_yaml
from .textanalysis import CODE, WORD, code_words, composed, looks_like_code, normalize

CACHE_VERSION = 9
CACHE_DIR = Path(".cache") / "opskb"
CACHE_FILE = "find-index.marshal"
RUNBOOK, STATUS, PAGE = 0, 1, 2


@dataclass(eq=False)  # compared by identity, as search.js does (indexOf)
class Unit:
    """One part of a query: its terms, each with how much a match on it counts."""

    terms: dict[str, float]
    primary: str = ""  # the stem a word was read as (for synonym phrases); "" for codes

    def best(self) -> str:
        return min(self.terms, key=lambda t: (-self.terms[t], t)) if self.terms else ""


@dataclass
class Index:
    """The shared index, as the site ships it, plus each document's record for the CLI."""

    manifest: dict[str, Any]
    chunks: list[str]
    cli: list[str]
    fingerprint: str = ""
    errors: int = 0
    _parsed: dict[int, dict[str, Any]] = field(default_factory=dict)
    _records: dict[int, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.prefixes = {p: n for n, p in enumerate(self.manifest["prefixes"])}
        self.phrases = {tuple(stems): group for group, stems in self.manifest["synonyms"]}
        self.longest = max((len(p) for p in self.phrases), default=1)
        self.digits = {c: n for n, c in enumerate(self.manifest["alphabet"])}
        counts = self.manifest["counts"]
        self.bounds = (counts[0], counts[0] + counts[1])

    def chunk_of(self, key: str) -> dict[str, Any]:
        """The chunk holding ``key``: the one with the longest prefix of it."""
        for length in range(len(key), -1, -1):
            number = self.prefixes.get(key[:length])
            if number is not None:
                if number not in self._parsed:
                    self._parsed[number] = json.loads(self.chunks[number])
                return self._parsed[number]
        return {"t": {}, "f": {}}

    def unpack(self, text: str) -> list[int]:
        """The numbers of packed postings (opskb.search.searchindex.pack)."""
        digit = self.digits
        numbers = []
        number = shift = 0
        for char in text:
            value = digit[char]
            if value >= 32:
                number += (value - 32) << shift
                shift += 5
            else:
                numbers.append(number + (value << shift))
                number = shift = 0
        return numbers

    def kind(self, doc: int) -> int:
        return RUNBOOK if doc < self.bounds[0] else STATUS if doc < self.bounds[1] else PAGE

    def record(self, doc: int) -> dict[str, Any]:
        if doc not in self._records:
            self._records[doc] = json.loads(self.cli[doc])
        return self._records[doc]


@dataclass
class Hit:
    doc: dict[str, Any]
    score: float
    matched: list[str]
    covered: bool  # every unit of the query matched


@dataclass
class Result:
    hits: list[Hit]
    runbooks: list[Hit]
    statuses: list[dict[str, Any]]


def analyze(index: Index, text: str) -> list[Unit]:
    """The units of a query (steps 1 to 3 of the module docstring)."""
    stop = set(index.manifest["stop"])
    tokens = CODE.findall(composed(text))
    units: list[Unit] = []
    words: list[Unit] = []
    for token in tokens:
        is_code = looks_like_code(token)
        if is_code or len(tokens) == 1:
            unit = _code_unit(index, "=" + normalize(token))
            if unit.terms:
                units.append(unit)
        parts = code_words(token) if is_code else [normalize(w) for w in WORD.findall(token)]
        for word in parts:
            if word in stop:
                continue
            unit = _word_unit(index, word)
            if unit.terms:
                units.append(unit)
                words.append(unit)
    _apply_synonyms(index, units, words)
    return units


def _code_unit(index: Index, key: str) -> Unit:
    factors = index.manifest["factors"]
    terms = index.chunk_of(key)["t"]
    if key in terms:
        return Unit({key: factors["exact"]})
    return Unit({t: factors["prefix"] for t in sorted(terms) if t.startswith(key)} if len(key) > 4 else {})


def _word_unit(index: Index, word: str) -> Unit:
    factors = index.manifest["factors"]
    chunk = index.chunk_of(word)
    terms, forms = chunk["t"], chunk["f"]
    # Code and synonym keys share a chunk with words only in a tiny index; never a word's match.
    keys = sorted(k for k in [*terms, *forms] if k[0] not in "=~")
    if word in forms:
        return Unit({forms[word]: factors["exact"]}, forms[word])
    if word in terms:
        return Unit({word: factors["exact"]}, word)
    stems = [t for t in keys if t in terms and word.startswith(t) and len(t) >= 3 and len(word) - len(t) <= 4]
    if stems:
        found = max(stems, key=lambda t: (len(t), t))
        return Unit({found: factors["stem"]}, found)
    found_terms: dict[str, float] = {}
    if len(word) >= 3:
        for key in keys:
            if key.startswith(word):
                found_terms[forms.get(key, key)] = factors["prefix"]
    if not found_terms and len(word) >= index.manifest["fuzzy"]["min_length"]:
        limit = 2 if len(word) >= index.manifest["fuzzy"]["two_from"] else 1
        for key in keys:
            distance = osa_distance(word, key, limit)
            if distance <= limit:
                target = forms.get(key, key)
                factor = factors["fuzzy1"] if distance == 1 else factors["fuzzy2"]
                if factor > found_terms.get(target, 0.0):
                    found_terms[target] = factor
    unit = Unit(found_terms)
    unit.primary = unit.best()
    return unit


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance, or ``limit + 1`` when it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    from rapidfuzz.distance import OSA

    return int(OSA.distance(a, b, score_cutoff=limit))


def _apply_synonyms(index: Index, units: list[Unit], words: list[Unit]) -> None:
    at = 0
    while at < len(words):
        step = 1
        for length in range(min(index.longest, len(words) - at), 0, -1):
            group = index.phrases.get(tuple(w.primary for w in words[at : at + length]))
            if group is None:
                continue
            posted = bool(index.chunk_of(group)["t"].get(group, [0, ""])[1])
            if length == 1:
                if posted:
                    words[at].terms.setdefault(group, index.manifest["factors"]["exact"])
                break
            if posted:
                first = units.index(words[at])
                for unit in words[at : at + length]:
                    units.remove(unit)
                units.insert(first, Unit({group: index.manifest["factors"]["exact"]}, group))
                step = length
                break
        at += step


def rank(index: Index, units: list[Unit]) -> list[tuple[int, float, int, list[str]]]:
    """(doc, score, units matched, terms matched) for every matching document, best first."""
    scores: dict[int, float] = {}
    hits: dict[int, int] = {}
    matched: dict[int, list[str]] = {}
    for unit in units:
        best: dict[int, float] = {}
        why: dict[int, str] = {}
        for term, factor in unit.terms.items():
            entry = index.chunk_of(term)["t"].get(term)
            if not entry:
                continue
            idf = entry[0]
            numbers = index.unpack(entry[1])
            doc = 0
            for at in range(0, len(numbers), 2):
                doc += numbers[at]
                value = factor * idf * numbers[at + 1]
                if value > best.get(doc, 0.0):
                    best[doc] = value
                    why[doc] = term
        for doc, value in best.items():
            scores[doc] = scores.get(doc, 0.0) + value
            hits[doc] = hits.get(doc, 0) + 1
            matched.setdefault(doc, []).append(why[doc])
    count = len(units)
    priors = index.manifest["priors"]
    final = {
        doc: score * hits[doc] * hits[doc] / (count * count) * priors[index.kind(doc)] for doc, score in scores.items()
    }
    order = sorted(final, key=lambda doc: (-final[doc], doc))
    return [(doc, final[doc], hits[doc], matched[doc]) for doc in order]


def search(index: Index, text: str, limit: int = 10) -> Result:
    """Documents ranked best first; the runbooks among them; the statuses the text names.

    Only the records shown are decoded: a common word matches thousands of documents."""
    units = analyze(index, text)
    ranked = rank(index, units)

    def hit(doc: int, score: float, covered: int, terms: list[str]) -> Hit:
        return Hit(index.record(doc), round(score, 3), sorted(set(terms)), covered == len(units))

    runbooks = [row for row in ranked if index.kind(row[0]) == RUNBOOK][:limit]
    statuses = [row for row in ranked if index.kind(row[0]) == STATUS and row[2] == len(units)][:5]
    return Result(
        [hit(*row) for row in ranked[:limit]],
        [hit(*row) for row in runbooks],
        [index.record(row[0]) for row in statuses],
    )


# ---------------------------------------------------------------- the CLI's cache


def fingerprint(root: Path) -> str:
    """A key that changes when any content, docs or schema file is added, removed, resized
    or touched: a schema edit can turn a runbook invalid, and invalid runbooks are not
    indexed. The schemas shipped with opskb change only with its version, in the key too."""
    lines = [f"{CACHE_VERSION}:{sys.version_info[:2]}:{__version__}"]
    for folder in CONTENT_FOLDERS:
        for entry, rel, _ in walk_yaml(root, folder):
            try:
                stat = entry.stat()
            except OSError:  # a link loop: the checker reports it; the key still changes with it
                stat = entry.stat(follow_symlinks=False)
            lines.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for folder, pattern in ((SCHEMAS, "*.json"), (DOCS, "*.md"), (DOCS, "*.yaml")):
        for path in sorted(Path(root, folder).glob(pattern)):
            stat = path.stat()
            lines.append(f"{folder}/{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def build(kb: Any, docs_dir: Path | None, errors: int = 0, key: str = "", language: str = "en") -> Index:
    """The index of a loaded knowledge base, with the site's URLs (no directory URLs), as
    the site in ``language`` has it (its pages, relative to that language's site)."""
    from ..model.addresses import page_url
    from .searchindex import build_index

    built = build_index(kb, docs_dir, lambda src: page_url(src, False), language=language)
    return Index(built.manifest, built.chunks, built.cli, key, errors)


def load_or_build(root: Path, loader: Callable[[Path], tuple[Any, int]], language: str = "en") -> tuple[Index, bool]:
    """The cached index when the content is unchanged, else a fresh one (and cache it).

    ``loader(root)`` returns ``(kb, error_count)``; it is only called on a cache miss.
    Returns the index and whether it was rebuilt.
    """
    key = fingerprint(root)
    path = root / CACHE_DIR / (CACHE_FILE if language == "en" else f"{language}-{CACHE_FILE}")
    cached = _read_cache(path)
    if cached is not None and cached.get("fingerprint") == key:
        return Index(json.loads(cached["manifest"]), cached["chunks"], cached["cli"], key, cached["errors"]), False
    kb, errors = loader(root)
    index = build(kb, root / DOCS, errors, key, language)
    _write_cache(path, index)
    return index, True


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        data = marshal.loads(path.read_bytes())  # one read: load(file) reads in small chunks
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    return data


def _write_cache(path: Path, index: Index) -> None:
    data = {
        "version": CACHE_VERSION,
        "fingerprint": index.fingerprint,
        "errors": index.errors,
        "manifest": json.dumps(index.manifest, ensure_ascii=False),
        "chunks": index.chunks,
        "cli": index.cli,
    }
    # A read-only checkout still answers; it just rebuilds every time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, marshal.dumps(data))  # a concurrent `find` never reads half a file
    except OSError:
        pass
