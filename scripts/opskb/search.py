"""The `opskb find` index: runbooks by alert name, symptom words and marketplace status.

Words are stemmed (English or Russian, by script) so that "цены не применились" finds
"цена не применена" and "prices not applied" finds "price is not applying". Alert names
match exactly (the strongest signal: an alert fired and L1 pastes its name) and by their
CamelCase words. Marketplace status codes and the labels buyers see are indexed too, so a
status pasted from a marketplace cabinet finds the status-discrepancy runbooks.

The index is built from a loaded knowledge base once and cached on disk under
``ROOT/.cache/opskb/``, keyed by a fingerprint of the content files (path, size, mtime):
a query on an unchanged tree never parses YAML, which is what keeps `find` fast on a
large knowledge base. The cache uses ``marshal`` (plain data only, no code on load).
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import json
import marshal
import math
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import write_atomically
from .layout import CONTENT_FOLDERS, SCHEMAS, walk_yaml

INDEX_VERSION = 6
CACHE_DIR = Path(".cache") / "opskb"
CACHE_FILE = "find-index.marshal"

# Field weights: an alert name or the title says more about a runbook than its steps do.
W_ALERT_EXACT = 20.0
W_TITLE = 3.0
W_ID = 3.0
W_ALERT_WORD = 3.0
W_SYMPTOM = 2.5
W_TAG = 2.0
W_MARKETPLACE = 1.5
W_SYSTEM = 1.5
W_BODY = 0.5
W_STATUS_CODE = 6.0
W_STATUS_LABEL = 4.0
W_STATUS_TEXT = 1.0

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
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
        "что",
        "это",
    ]
)
_WORD = re.compile(r"[^\W_]+")
_CODE = re.compile(r"\w+(?:[/.:-]\w+)*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_CYRILLIC = re.compile(r"[а-яё]")
_STATUS_WORDS = ("status", "статус")
# From this many runbooks on, very common words only re-rank what rarer words found.
_LARGE = 1000

_stemmers: dict[str, Any] = {}
# word -> stem. Saved with the index, so a query in the words of the content never imports
# snowballstemmer (its package import loads all 30 languages: tens of milliseconds).
_stem_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """The stem of one lower-case word, in its own script's language."""
    cached = _stem_cache.get(word)
    if cached is None:
        language = "russian" if _CYRILLIC.search(word) else "english"
        if language not in _stemmers:
            import snowballstemmer

            _stemmers[language] = snowballstemmer.stemmer(language)
        cached = _stemmers[language].stemWord(word)
        _stem_cache[word] = cached
    return cached


def words(text: str) -> list[str]:
    """Stemmed words of free text, stop words dropped."""
    text = text.lower().replace("ё", "е")
    return [stem(w) for w in _WORD.findall(text) if w not in _STOP]


def code_terms(code: str) -> list[str]:
    """Terms for an identifier-like string: the whole code, then its CamelCase/snake words."""
    parts = [p for p in re.split(r"[\W_]+", code) if p]
    pieces = [m.lower() for p in parts for m in _CAMEL.findall(p)]
    return [f"={code.lower()}", *(stem(p) for p in pieces if p not in _STOP)]


def query_terms(text: str) -> list[str]:
    """Terms of a query: stemmed words plus whole codes (status codes, alert names)."""
    terms: list[str] = []
    tokens = _CODE.findall(text)
    for token in tokens:
        # Only code-like tokens (snake_case, CamelCase, UPPER, a/b) or a query of one token
        # are read as exact codes: "new" in "new orders missing" is not the status `new`.
        # A code is split into its words (CamelCase too), not stemmed whole.
        if _looks_like_code(token):
            terms.extend(code_terms(token))
            continue
        terms.extend(words(token))
        if len(tokens) == 1:
            terms.append(f"={token.lower()}")
    return list(dict.fromkeys(terms))


def _looks_like_code(token: str) -> bool:
    return any(c in token for c in "_/.:-") or token.isupper() or len(_CAMEL.findall(token)) > 1


class Postings:
    """term -> (doc numbers, weights), packed into four byte strings (terms, offsets, docs,
    weights): the cache loads as a few large objects instead of a million small ones, and
    only the query's terms are unpacked."""

    def __init__(self, packed: dict[str, Any] | None = None) -> None:
        self._open: dict[str, tuple[array[int], array[float]]] = {}
        self._load(packed or {"terms": "", "offsets": b"", "docs": b"", "weights": b""})

    def _load(self, packed: dict[str, Any]) -> None:
        self.packed = packed
        terms = packed["terms"].split("\0") if packed["terms"] else []
        self.position: dict[str, int] = dict(zip(terms, range(len(terms)), strict=True))
        self.offsets = array("i")
        self.offsets.frombytes(packed["offsets"])

    def add(self, term: str, doc: int, weight: float) -> None:
        docs, weights = self._open.setdefault(term, (array("i"), array("f")))
        docs.append(doc)
        weights.append(weight)

    def freeze(self) -> None:
        terms = sorted(self._open)
        offsets, docs, weights = array("i", [0]), array("i"), array("f")
        for term in terms:
            docs.extend(self._open[term][0])
            weights.extend(self._open[term][1])
            offsets.append(len(docs))
        self._open = {}
        self._load(
            {
                "terms": "\0".join(terms),
                "offsets": offsets.tobytes(),
                "docs": docs.tobytes(),
                "weights": weights.tobytes(),
            }
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self.position)

    def get(self, term: str) -> list[tuple[int, float]] | None:
        number = self.position.get(term)
        if number is None:
            return None
        start, end = self.offsets[number] * 4, self.offsets[number + 1] * 4  # 4-byte items
        docs, weights = array("i"), array("f")
        docs.frombytes(self.packed["docs"][start:end])
        weights.frombytes(self.packed["weights"][start:end])
        return list(zip(docs, weights, strict=True))

    def matching(self, term: str) -> list[tuple[int, float]]:
        """Exact postings, else the fallback for word forms and half-typed codes."""
        found = self.get(term)
        if found is not None:
            return found
        # An unknown word may be the start of a known one (half an alert name typed), or a
        # word form the stemmer does not join (Russian "остаток"/"остатки" -> "остаток"/
        # "остатк"): match on the stem less its last two letters.
        if len(term.lstrip("=")) < 4:
            return []
        prefix = term if term.startswith("=") else term[: max(4, len(term) - 2)]
        merged: dict[int, float] = {}
        for key in self.position:
            if key.startswith(prefix):
                for doc, weight in self.get(key) or []:
                    merged[doc] = max(merged.get(doc, 0.0), weight * 0.6)
        return sorted(merged.items())  # in doc order, like exact postings


@dataclass
class Index:
    """Runbooks and marketplace statuses (each a JSON string, decoded only when shown)."""

    fingerprint: str = ""
    errors: int = 0
    docs: list[str] = field(default_factory=list)
    postings: Postings = field(default_factory=Postings)
    statuses: list[str] = field(default_factory=list)
    status_postings: Postings = field(default_factory=Postings)
    _decoded: dict[int, dict[str, Any]] = field(default_factory=dict)

    def doc(self, number: int) -> dict[str, Any]:
        if number not in self._decoded:
            self._decoded[number] = json.loads(self.docs[number])
        return self._decoded[number]

    def to_data(self) -> dict[str, Any]:
        return {
            "version": INDEX_VERSION,
            "fingerprint": self.fingerprint,
            "errors": self.errors,
            "docs": self.docs,
            "postings": self.postings.packed,
            "statuses": self.statuses,
            "status_postings": self.status_postings.packed,
            "stems": ["\0".join(_stem_cache), "\0".join(_stem_cache.values())],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Index:
        words, stems = data["stems"]
        if words:
            _stem_cache.update(zip(words.split("\0"), stems.split("\0"), strict=True))
        return cls(
            data["fingerprint"],
            data["errors"],
            data["docs"],
            Postings(data["postings"]),
            data["statuses"],
            Postings(data["status_postings"]),
        )


@dataclass
class Hit:
    """One ranked runbook."""

    doc: dict[str, Any]
    score: float
    matched: list[str]


@dataclass
class Result:
    runbooks: list[Hit]
    statuses: list[dict[str, Any]]


def fingerprint(root: Path) -> str:
    """A key that changes when any content or schema file is added, removed, resized or
    touched: a schema edit can turn a runbook invalid, and invalid runbooks are not indexed.
    The schemas shipped with opskb change only with its version, which is in the key too."""
    lines = [f"{INDEX_VERSION}:{sys.version_info[:2]}:{__version__}"]
    for folder in CONTENT_FOLDERS:
        for entry, rel, _ in walk_yaml(root, folder):
            stat = entry.stat()
            lines.append(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for schema in sorted(Path(root, SCHEMAS).glob("*.json")):
        stat = schema.stat()
        lines.append(f"{SCHEMAS}/{schema.name}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def build(kb: Any, errors: int = 0, key: str = "") -> Index:
    """Index every valid runbook and marketplace status of a loaded knowledge base."""
    index = Index(fingerprint=key, errors=errors)
    for runbook in sorted(kb.runbooks.values(), key=lambda e: e.id):
        _add_runbook(index, kb, runbook)
    for market in sorted(kb.marketplaces.values(), key=lambda e: e.id):
        for status in market.data["statuses"]:
            _add_status(index, market.data, status)
    index.postings.freeze()
    index.status_postings.freeze()
    return index


def load_or_build(root: Path, loader: Any) -> tuple[Index, bool]:
    """The cached index when the content is unchanged, else a fresh one (and cache it).

    ``loader(root)`` returns ``(kb, error_count)``; it is only called on a cache miss.
    Returns the index and whether it was rebuilt.
    """
    key = fingerprint(root)
    path = root / CACHE_DIR / CACHE_FILE
    cached = _read_cache(path)
    if cached is not None and cached.get("fingerprint") == key:
        return Index.from_data(cached), False
    kb, errors = loader(root)
    index = build(kb, errors, key)
    _write_cache(path, index)
    return index, True


def search(index: Index, text: str, limit: int = 10) -> Result:
    """Runbooks ranked best first, and the marketplace statuses the text names."""
    terms = query_terms(text)
    statuses = _search_statuses(index, terms)
    scores: dict[int, float] = {}
    matched: dict[int, list[str]] = {}
    real_terms = [t for t in terms if not t.startswith("=")] or terms
    total = len(index.docs)
    # Rarest terms first: on a large tree a word in most runbooks then only re-ranks the
    # runbooks the rarer words found, instead of walking every runbook (a CamelCase alert
    # name's "Alert" is in all of them). Postings are in doc order, so bisect finds them.
    found_terms = sorted(((t, index.postings.matching(t)) for t in terms), key=lambda pair: len(pair[1]))
    for term, postings in found_terms:
        if not postings:
            continue
        idf = math.log(1 + total / len(postings))
        if scores and total >= _LARGE and len(postings) > total // 2:
            docs = [doc for doc, _ in postings]
            for doc in list(scores):
                at = bisect.bisect_left(docs, doc)
                if at < len(docs) and docs[at] == doc:
                    scores[doc] += idf * postings[at][1]
                    matched[doc].append(term)
            continue
        for doc, weight in postings:
            scores[doc] = scores.get(doc, 0.0) + idf * weight
            matched.setdefault(doc, []).append(term)
    _boost_status_runbooks(index, statuses, scores, matched)
    final: dict[int, float] = {}
    for doc, score in scores.items():
        # Prefer runbooks that match more of the query's words, not one word many times.
        seen = matched[doc]
        if any(m.startswith("status:") for m in seen):
            coverage = 1.0
        else:
            coverage = (sum(t in seen for t in real_terms) or 1) / len(real_terms)
        final[doc] = round(score * coverage * coverage, 3)
    # Docs are numbered in id order, so the number breaks ties alphabetically.
    best = heapq.nsmallest(limit, final, key=lambda doc: (-final[doc], doc))
    hits = [Hit(index.doc(doc), final[doc], sorted(set(matched[doc]))) for doc in best]
    return Result(hits, [s for s, _ in statuses[:5]])


def _search_statuses(index: Index, terms: list[str]) -> list[tuple[dict[str, Any], float]]:
    scores: dict[int, float] = {}
    hits: dict[int, int] = {}
    for term in terms:
        for doc, weight in index.status_postings.matching(term):
            scores[doc] = scores.get(doc, 0.0) + weight
            hits[doc] = hits.get(doc, 0) + 1
    words_only = [t for t in terms if not t.startswith("=")] or terms
    ranked = [
        (json.loads(index.statuses[doc]), score)
        for doc, score in scores.items()
        # A status is named when the query hits its code or most of its label's words.
        if score >= W_STATUS_CODE or hits[doc] >= max(1, math.ceil(len(words_only) * 0.6))
    ]
    ranked.sort(key=lambda pair: (-pair[1], pair[0]["marketplace"], pair[0]["code"]))
    return ranked


def _boost_status_runbooks(
    index: Index,
    statuses: list[tuple[dict[str, Any], float]],
    scores: dict[int, float],
    matched: dict[int, list[str]],
) -> None:
    """A named marketplace status points at the status runbooks of that marketplace."""
    if not statuses:
        return
    # How much each runbook is about statuses: "status" in its title counts more than in a step.
    about_status: dict[int, float] = {}
    for word in _STATUS_WORDS:
        for doc, weight in index.postings.get(stem(word)) or []:
            about_status[doc] = about_status.get(doc, 0.0) + weight
    for status, score in statuses[:5]:
        for doc, weight in about_status.items():
            markets = index.doc(doc)["marketplaces"]
            if markets == "all" or status["marketplace"] in markets:
                scores[doc] = scores.get(doc, 0.0) + score * weight / W_TITLE
                matched.setdefault(doc, []).append(f"status:{status['marketplace']}/{status['code']}")


def _add_runbook(index: Index, kb: Any, runbook: Any) -> None:
    data = runbook.data
    doc_id = len(index.docs)
    owner = kb.owner_of(runbook.id)
    markets = data.get("marketplaces", [])
    index.docs.append(
        _json(
            {
                "id": runbook.id,
                "title": data["title"],
                "severity": data["severity"],
                "route": data["route"],
                "file": runbook.file,
                "alerts": list(data.get("alerts", [])),
                "marketplaces": markets,
                "owner": _team_summary(owner) if owner else None,
            }
        )
    )
    weights: dict[str, float] = {}

    def add(terms: Iterable[str], weight: float) -> None:
        for term in set(terms):
            weights[term] = weights.get(term, 0.0) + weight

    add(code_terms(runbook.id), W_ID)
    add(words(data["title"]), W_TITLE)
    for alert in data.get("alerts", []):
        add([f"={alert.lower()}"], W_ALERT_EXACT)
        add(code_terms(alert)[1:], W_ALERT_WORD)
    for symptom in data.get("symptoms", []):
        add(words(symptom), W_SYMPTOM)
    for tag in data.get("tags", []):
        add(code_terms(tag), W_TAG)
    for system in data.get("systems", []):
        add(code_terms(system), W_SYSTEM)
    market_ids = list(kb.marketplaces) if markets == "all" else markets
    for market in market_ids:
        add(code_terms(market), W_MARKETPLACE)
        entity = kb.marketplaces.get(market)
        if entity is not None:
            add(words(entity.data["name"]), W_MARKETPLACE)
    body = [data.get("impact", ""), *data.get("first_response", [])]
    body += [f"{step['title']} {step.get('tool', '')}" for step in data.get("steps", [])]
    add((w for text in body for w in words(text)), W_BODY)
    for term, weight in weights.items():
        index.postings.add(term, doc_id, weight)


def _add_status(index: Index, market: dict[str, Any], status: dict[str, Any]) -> None:
    doc_id = len(index.statuses)
    index.statuses.append(
        _json(
            {
                "marketplace": market["id"],
                "marketplace_name": market["name"],
                "code": status["code"],
                "label": status.get("label", ""),
                "maps_to": status["maps_to"],
                "match": status["match"],
                "note": status.get("note", ""),
            }
        )
    )
    weights: dict[str, float] = {}
    for part in status["code"].split("/"):
        for term in code_terms(part)[:1]:
            weights[term] = weights.get(term, 0.0) + W_STATUS_CODE
    weights[f"={status['code'].lower()}"] = W_STATUS_CODE
    for term in code_terms(status["code"])[1:]:
        weights.setdefault(term, W_STATUS_TEXT)
    for term in set(words(status.get("label", ""))):
        weights[term] = weights.get(term, 0.0) + W_STATUS_LABEL
    for term in set(words(status.get("description", ""))):
        weights.setdefault(term, W_STATUS_TEXT)
    for term, weight in weights.items():
        index.status_postings.add(term, doc_id, weight)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _team_summary(team: Any) -> dict[str, Any]:
    return {"id": team.id, "name": team.data["name"], "contacts": dict(team.data["contacts"])}


def _read_cache(path: Path) -> dict[str, Any] | None:
    try:
        data = marshal.loads(path.read_bytes())  # one read: load(file) reads in small chunks
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
        return None
    return data


def _write_cache(path: Path, index: Index) -> None:
    # A read-only checkout still answers; it just rebuilds every time.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, marshal.dumps(index.to_data()))  # a concurrent `find` never reads half a file
    except OSError:
        pass
