"""The search index: one format for the site and `opskb find`, built from the KnowledgeBase.

What is indexed, as documents numbered in this order (the number breaks score ties):
runbooks (by id), marketplace statuses (by marketplace, then file order), and reference
pages (handwritten docs/ pages and the generated escalation, team, status-model and rule
pages, one document per section). Each document's terms come from its fields with a
weight per field (``RUNBOOK_FIELDS`` ...): what the incident *is* (alert name, title,
symptoms) weighs more than what to do about it (steps).

The index is a set of chunks, each holding every term and surface form that starts with
its prefix: ``{"t": {term: [idf, packed postings]}, "f": {form: stem}}``, the postings
being doc, weight, doc gap, weight, ... (``pack``). Prefixes are chosen by splitting any prefix whose entries exceed
``CHUNK_BYTES`` by its next character, so a query loads only the chunks of its words.
Titles, links and one line per document sit in ``meta`` blocks of ``META_BLOCK``
documents, loaded for the results shown. The manifest carries the prefixes, the synonym
phrases, the stop words and every constant of the scoring, so the browser has none of its
own.
"""

from __future__ import annotations

import functools
import json
import math
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from typing import Any

from ..model.addresses import BY_SYSTEM, ESCALATION_MAP, TEAMS, marketplace_uri, runbook_uri
from ..model.inline import plain
from .textanalysis import STOP_WORDS, Analyzer, Synonyms, code_words, stem

INDEX_FORMAT = 2
CHUNK_BYTES = 24_000
META_BLOCK = 40
RUNBOOK, STATUS, PAGE = 0, 1, 2
# A runbook says what to do about an incident; a status row or a reference page only
# explains. Same words, so the runbook goes first; a status code or label still puts its
# status first through the weight of those fields.
PRIORS = (1.0, 0.7, 0.4)
# How much a query word that did not match a term exactly counts (see opskb.search.search).
FACTORS = {"exact": 1.0, "stem": 0.9, "prefix": 0.7, "fuzzy1": 0.6, "fuzzy2": 0.4}
# Typos: at most this edit distance (optimal string alignment) for a word of this length.
FUZZY = {"min_length": 4, "two_from": 8}

RUNBOOK_FIELDS = {
    "alert": 100,  # the exact alert name: L1 pastes what fired
    "title": 30,
    "symptom": 20,
    "id": 20,
    "alert_word": 15,
    "tag": 12,
    "system": 8,
    "marketplace": 8,
    "body": 3,
}
STATUS_FIELDS = {"code": 100, "label": 40, "code_word": 20, "marketplace": 10, "description": 6}
# A named status also points at the runbooks about order statuses of its marketplace.
STATUS_RUNBOOK_FIELDS = {"code": 12, "label": 6}
PAGE_FIELDS = {"title": 10, "text": 2}
# Teams, SLA policies, systems and the pair rules of two-field statuses: what people ask
# for by name ("pricing module owner", "high priority react"). Reference documents (kind
# PAGE, its prior), each opening its own anchor: a team's entry in the team directory, a
# policy's on the escalation map, a marketplace's pair table.
ENTRY_FIELDS = {"name": 150, "first": 80, "fact": 40, "text": 3}
ENTRY_WORDS = {
    "team": ("team", "contacts", "команда", "контакты"),
    "system": ("system", "owner", "owns", "система", "владелец"),
    "policy": ("sla", "policy", "priority", "react", "resolve", "политика", "приоритет", "реакция", "решение"),
    "pair": ("pair", "status", "decides", "пара", "статус", "решает"),
}
STATUS_WORDS = ("status", "статус")


@dataclass
class Doc:
    key: str
    kind: int
    title: str
    url: str
    line: str
    terms: dict[str, int] = field(default_factory=dict)
    cli: dict[str, Any] = field(default_factory=dict)
    # a runbook's: a status word among the terms of its title or tags, which makes it a
    # runbook about order statuses (_point_statuses_at_runbooks)
    about_statuses: bool = False

    def copy(self) -> Doc:
        return replace(self, terms=dict(self.terms))

    def add(self, terms: Iterable[str], weight: int) -> None:
        for term in terms:
            self.terms[term] = self.terms.get(term, 0) + weight


@dataclass
class BuiltIndex:
    """The chunks, meta blocks and manifest, each as the JSON text both readers parse."""

    manifest: dict[str, Any]
    chunks: list[str]
    meta: list[str]
    cli: list[str]


def synonyms_of(kb: Any) -> Synonyms:
    entity = getattr(kb, "synonyms", None)
    groups = entity.data.get("groups", []) if entity is not None else []
    return Synonyms((g["id"], g["terms"]) for g in groups)


class IndexMemo:
    """The runbook documents of an earlier index (kept by `mkdocs serve` between rebuilds),
    each with the word forms its analysis recorded, by the bytes of its file and of every
    file but the runbooks (which a runbook's document also reads: its owner, the
    marketplace names, the synonyms). A rebuild after one edit analyses one runbook, and
    gives the index a fresh build would."""

    def __init__(self) -> None:
        self._context: Any = None
        self._docs: dict[str, tuple[Any, Doc, dict[str, str]]] = {}
        # each document's line for `opskb find`, with what it was made from (cli_line)
        self._cli_lines: dict[str, tuple[tuple[Any, ...], str]] = {}
        # the documents' terms, the entries made of them and the lexicon, of the last index
        self._entries: tuple[list[dict[str, int]], dict[str, str], set[str]] | None = None
        # each reference page's documents (and the handwritten pages'), with what they
        # were made from and the word forms they record (page_docs)
        self._parts: dict[str, tuple[Any, list[Doc], dict[str, str], list[Any]]] = {}
        # the files but the runbooks, and what the last build analysed with them (_Recalling)
        self._analysed: tuple[Any, dict[tuple[str, str], tuple[frozenset[str], dict[str, str]]]] = (None, {})

    def runbook_docs(self, kb: Any, analyzer: Analyzer, url_of: Callable[[str], str]) -> list[Doc]:
        context = kb.shared_sources()
        if context != self._context:
            self._context, self._docs = context, {}
        docs = []
        for runbook in sorted(kb.runbooks.values(), key=lambda e: e.id):
            key = (runbook.document.rel, runbook.document.source, url_of(runbook_uri(runbook.id)))
            found = self._docs.get(runbook.id)
            if found is None or found[0] != key:
                every_form, analyzer.forms = analyzer.forms, {}
                doc = _runbook_doc(runbook, kb, analyzer, url_of)
                found = self._docs[runbook.id] = (key, doc, analyzer.forms)
                analyzer.forms = every_form
            analyzer.forms.update(found[2])
            docs.append(found[1])  # kept as it is: a document that gets status terms is copied first
        for gone in set(self._docs) - set(kb.runbooks):
            del self._docs[gone]
        return docs

    def cli_line(self, doc: Doc) -> str:
        """``_cli_line`` of ``doc``, kept while the document is the same: a runbook's is
        (``runbook_docs`` gives it again, or a copy that shares its ``cli``)."""
        made_from = (doc.cli, doc.kind, doc.title, doc.url)
        found = self._cli_lines.get(doc.key)
        if found is not None and found[0][0] is doc.cli and found[0][1:] == made_from[1:]:
            return found[1]
        line = _cli_line(doc)
        self._cli_lines[doc.key] = (made_from, line)
        return line

    def analyzer(self, kb: Any) -> Analyzer:
        """An analyzer that recalls what the last build's analysed (``_Recalling``), unless
        a file but the runbooks (the synonyms among them) changed."""
        context = kb.shared_sources()
        if context != self._analysed[0]:
            self._analysed = (context, {})
        return _Recalling(synonyms_of(kb), self._analysed[1])

    def remember(self, analyzer: Analyzer) -> None:
        """Keep what this build analysed (only that: the memo does not grow edit by edit)."""
        if isinstance(analyzer, _Recalling):
            self._analysed = (self._analysed[0], analyzer.now)

    def entries(self, every: list[Doc], lexicon: set[str]) -> dict[str, str]:
        """``_entries`` of these documents, with only the terms whose postings changed since
        the last index made anew: after one edit, those of the edited runbook. Made anew
        when the number of documents (which every term's weight depends on) or the
        lexicon changed."""
        terms = [doc.terms for doc in every]
        if self._entries is None or len(self._entries[0]) != len(terms) or self._entries[2] != lexicon:
            found = _entries(every, lexicon)
        else:
            before, found = self._entries[0], dict(self._entries[1])
            changed: set[str] = set()
            for old, new in zip(before, terms, strict=True):
                if old != new:
                    changed.update(term for term in old.keys() | new.keys() if old.get(term) != new.get(term))
            for term in changed:
                rows = _postings()
                for number, doc in enumerate(terms):
                    if term in doc:
                        rows.extend((number, doc[term]))
                if rows or term in lexicon:
                    found[term] = _term_json(term, rows, len(terms))
                else:
                    del found[term]
        self._entries = (terms, found, lexicon)
        return found

    def page_docs(
        self, reference: list[Any], handwritten: Handwritten, analyzer: Analyzer, url_of: Callable[[str], str]
    ) -> list[Doc]:
        """The documents of the ``reference`` pages and the handwritten ones (``_pages``),
        with the word forms their analysis recorded, made again only when a page is
        another object (the site's page cache gives an unchanged page again): a runbook
        edit changes them only through what the escalation map shows of it."""
        urls = url_of("a/b.md")
        docs = []
        for page in reference:
            # a page the cache gave again (the same object) has the same sections
            docs += self._part(page.src_uri, (id(page), urls), [page], (), analyzer, url_of)
        docs += self._part("", (handwritten, urls), [], handwritten, analyzer, url_of)
        return [doc.copy() for doc in docs]

    def _part(
        self,
        name: str,
        key: Any,
        reference: list[Any],
        handwritten: Handwritten,
        analyzer: Analyzer,
        url_of: Callable[[str], str],
    ) -> list[Doc]:
        """The documents of one reference page (or of the handwritten pages: ``name``
        empty), made again only when ``key`` changed, and the word forms they record."""
        found = self._parts.get(name)
        if found is None or found[0] != key:
            every_form, analyzer.forms = analyzer.forms, {}
            docs = list(_pages(reference, handwritten, analyzer, url_of))
            # the page itself is kept too, so that its id is not another page's later
            found = self._parts[name] = (key, docs, analyzer.forms, reference)
            analyzer.forms = every_form
        analyzer.forms.update(found[2])
        return found[1]


class _Recalling(Analyzer):
    """An analyzer that gives again what an earlier build's gave for the same text or code,
    and records again the word forms that analysis recorded: a rebuild under `mkdocs
    serve` analyses the statuses and the reference pages anew, unchanged but for one edit."""

    def __init__(self, synonyms: Any, earlier: dict[tuple[str, str], tuple[frozenset[str], dict[str, str]]]) -> None:
        super().__init__(synonyms)
        self.earlier = earlier
        self.now: dict[tuple[str, str], tuple[frozenset[str], dict[str, str]]] = {}

    def text(self, text: str) -> set[str]:
        return self._recall("text", text, super().text)

    def code(self, code: str) -> set[str]:
        return self._recall("code", code, super().code)

    def _recall(self, kind: str, value: str, analyse: Callable[[str], set[str]]) -> set[str]:
        key = (kind, value)
        found = self.now.get(key) or self.earlier.get(key)
        if found is None:
            every_form, self.forms = self.forms, {}
            terms = analyse(value)
            found = (frozenset(terms), self.forms)
            every_form.update(self.forms)
            self.forms = every_form
        else:
            self.forms.update(found[1])
        self.now[key] = found
        return set(found[0])


def build_index(
    kb: Any,
    docs_dir: Path | None,
    url_of: Callable[[str], str],
    memo: IndexMemo | None = None,
    rules_reference: bool = True,
    language: str = "en",
    reference: list[Any] | None = None,
) -> BuiltIndex:
    """Index a loaded knowledge base; ``url_of(src_uri)`` gives a page's site URL;
    ``rules_reference`` false leaves the check rules' reference out. The reference and
    handwritten pages are those of the site in ``language`` (a page without a version in
    it as that site serves it: site/i18n.py), so no result leads to a page the language's
    site does not have; ``memo`` must be of the same language. ``reference``: the
    reference pages as the site made them (site.pages.reference_of, with a team's
    templates), so that search finds what the site shows; None: made here with opskb's
    own templates. With ``memo``, a page given again as the same object is not analysed
    again."""
    analyzer = memo.analyzer(kb) if memo is not None else Analyzer(synonyms_of(kb))
    if memo is None:
        docs = [_runbook_doc(r, kb, analyzer, url_of) for r in sorted(kb.runbooks.values(), key=lambda e: e.id)]
    else:
        docs = memo.runbook_docs(kb, analyzer, url_of)
    statuses = list(_statuses(kb, analyzer, url_of))
    _point_statuses_at_runbooks(docs, statuses, kb, analyzer)
    if reference is None:
        reference = _reference_pages(kb, rules_reference, language)
    if memo is None:
        pages = list(_pages(reference, _handwritten(docs_dir, language), analyzer, url_of))
    else:
        pages = memo.page_docs(reference, _handwritten(docs_dir, language), analyzer, url_of)
    entries = _entry_docs(kb, analyzer, url_of, language)
    # An entry takes the place of the page section it opens (a team's, a policy's): one
    # result per place.
    opened = {doc.url for doc in entries}
    pages = [doc for doc in pages if doc.url not in opened] + entries
    every = docs + statuses + pages
    lexicon = {stem for stems in analyzer.synonyms.phrases for stem in stems}
    entries = memo.entries(every, lexicon) if memo is not None else _entries(every, lexicon)
    forms = {form: stem for form, stem in analyzer.forms.items() if form != stem}
    prefixes, chunks = _chunk(entries, forms)
    meta = [
        json.dumps([[d.title, d.url, d.line] for d in every[i : i + META_BLOCK]], ensure_ascii=False)
        for i in range(0, len(every), META_BLOCK)
    ]
    manifest = {
        "format": INDEX_FORMAT,
        "alphabet": PACK_ALPHABET,
        "counts": [len(docs), len(statuses), len(pages)],
        "block": META_BLOCK,
        "prefixes": prefixes,
        "synonyms": analyzer.synonyms.as_data(),
        "stop": sorted(STOP_WORDS),
        "priors": list(PRIORS),
        "factors": FACTORS,
        "fuzzy": FUZZY,
    }
    cli = [memo.cli_line(d) if memo is not None else _cli_line(d) for d in every]
    if memo is not None:
        memo.remember(analyzer)
    return BuiltIndex(manifest, chunks, meta, cli)


def _entries(every: list[Doc], lexicon: set[str]) -> dict[str, str]:
    """Term -> its postings as JSON text (``_term_json``), for every term of every document
    and every stem of a synonym phrase (known to the lexicon, for phrase matching).

    The postings are the largest thing the index holds while it is made (one per term of
    each document: 2 million at 10,000 runbooks), so they are packed machine integers, not
    a tuple each (a quarter of the memory), and each term's go as soon as its JSON is made."""
    postings: dict[str, array[int]] = {stem: _postings() for stem in lexicon}
    for number, doc in enumerate(every):
        for term, weight in doc.terms.items():
            rows = postings.get(term)
            if rows is None:
                rows = postings[term] = _postings()
            rows.extend((number, weight))
    entries = {}
    for term in list(postings):
        entries[term] = _term_json(term, postings.pop(term), len(every))
    return entries


def _postings() -> array[int]:
    """A term's postings: document number, weight, document number, weight, ..."""
    return array("q")


# Postings are packed as text: each number in base 32, low digits first, a digit from the
# upper half of the alphabet meaning "more digits follow". A gap of 1 or a weight under 32
# is one character: a third of the JSON number list's size.
PACK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def pack(numbers: Iterable[int]) -> str:
    out = []
    for number in numbers:
        while number >= 32:
            out.append(PACK_ALPHABET[32 + (number & 31)])
            number >>= 5
        out.append(PACK_ALPHABET[number])
    return "".join(out)


def _term_json(term: str, rows: array[int], total: int) -> str:
    """``rows``: document number, weight, ... (``_postings``), the numbers ascending."""
    idf = round(1000 * math.log(1 + total / (len(rows) // 2))) if rows else 0
    flat = []
    last = 0
    for at in range(0, len(rows), 2):  # doc numbers ascend: store the gaps
        doc = rows[at]
        flat += (doc - last, rows[at + 1])
        last = doc
    return json.dumps(term, ensure_ascii=False) + ":" + json.dumps([idf, pack(flat)])


def _chunk(entries: dict[str, str], forms: dict[str, str]) -> tuple[list[str], list[str]]:
    """Split terms and forms into chunks by prefix, none (but a single key) over CHUNK_BYTES."""
    sizes: dict[str, int] = {}
    for key, text in entries.items():
        sizes[key] = sizes.get(key, 0) + len(text.encode())
    form_json = {
        f: json.dumps(f, ensure_ascii=False) + ":" + json.dumps(s, ensure_ascii=False) for f, s in forms.items()
    }
    for key, text in form_json.items():
        sizes[key] = sizes.get(key, 0) + len(text.encode())
    groups: list[tuple[str, list[str]]] = []
    _split("", sorted(sizes), sizes, groups)
    groups.sort()
    prefixes, chunks = [], []
    for prefix, keys in groups:
        terms = ",".join(entries[k] for k in keys if k in entries)
        chunk_forms = ",".join(form_json[k] for k in keys if k in form_json)
        prefixes.append(prefix)
        chunks.append(f'{{"t":{{{terms}}},"f":{{{chunk_forms}}}}}')
    return prefixes, chunks


def _split(prefix: str, keys: list[str], sizes: dict[str, int], out: list[tuple[str, list[str]]]) -> None:
    """Group ``keys`` (sorted) under ``prefix``, splitting a group over CHUNK_BYTES by the
    next character. A loop over a stack, not recursion, and a run of shared characters is
    one step: two long words that share a prefix must cost neither a RecursionError nor a
    step per character. A group of one key is never split: its prefix leads to it alone."""
    stack = [(prefix, keys)]
    while stack:
        prefix, keys = stack.pop()
        if len(keys) == 1 or sum(sizes[k] for k in keys) <= CHUNK_BYTES or all(k == prefix for k in keys):
            out.append((prefix, keys))
            continue
        here = [k for k in keys if k == prefix]
        if here:
            out.append((prefix, here))
        elif len(common := _shared_start(keys[0], keys[-1])) > len(prefix) + 1:
            # every key shares the next characters too: the levels between would each hold
            # the same keys and nothing else, so go straight to where they part
            stack.append((common, keys))
            continue
        by_next: dict[str, list[str]] = {}
        for key in keys:
            if key != prefix:
                by_next.setdefault(key[: len(prefix) + 1], []).append(key)
        stack.extend(reversed(by_next.items()))


def _shared_start(first: str, last: str) -> str:
    """The characters two keys start with alike (of sorted keys, the first and the last
    share what every key between them shares)."""
    length = 0
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        length += 1
    return first[:length]


# ---------------------------------------------------------------- documents


def _runbook_doc(runbook: Any, kb: Any, analyzer: Analyzer, url_of: Callable[[str], str]) -> Doc:
    weights = RUNBOOK_FIELDS
    data = runbook.data
    markets = data.get("marketplaces", [])
    symptoms = data.get("symptoms", [])
    doc = Doc(
        f"runbooks/{runbook.id}",
        RUNBOOK,
        data["title"],
        url_of(runbook_uri(runbook.id)),
        f"{data['severity']} · {symptoms[0]}" if symptoms else data["severity"],
    )
    owner = kb.owner_of(runbook.id)
    doc.cli = {
        "id": runbook.id,
        "title": data["title"],
        "severity": data["severity"],
        "route": data["route"],
        "file": runbook.file,
        "alerts": list(data.get("alerts", [])),
        "marketplaces": markets,
        "owner": _team_summary(owner) if owner else None,
    }
    fields: dict[str, set[str]] = {name: set() for name in weights}
    fields["id"] |= analyzer.code(runbook.id)
    fields["title"] |= analyzer.text(data["title"])
    for alert in data.get("alerts", []):
        terms = analyzer.code(alert)
        exact = _code_term(terms)
        fields["alert"].add(exact)
        fields["alert_word"] |= terms - {exact}
    for symptom in symptoms:
        fields["symptom"] |= analyzer.text(symptom)
    for tag in data.get("tags", []):
        fields["tag"] |= analyzer.code(tag)
    for system in data.get("systems", []):
        fields["system"] |= analyzer.code(system)
    for market in list(kb.marketplaces) if markets == "all" else markets:
        fields["marketplace"] |= analyzer.code(market)
        entity = kb.marketplaces.get(market)
        if entity is not None:
            fields["marketplace"] |= analyzer.text(entity.data["name"])
    # what the text says, not its markup: a link's address is not a word of the runbook
    body = [data.get("impact", ""), *map(plain, data.get("first_response", []))]
    body += [f"{s['title']} {s.get('tool', '')} {plain(s.get('do', ''))}" for s in data.get("steps", [])]
    body += [plain(item["action"]) for item in data.get("do_not", [])]
    for text in body:
        fields["body"] |= analyzer.text(text)
    for name, terms in fields.items():
        doc.add(terms, weights[name])
    doc.about_statuses = not _status_stems().isdisjoint(fields["title"] | fields["tag"])
    return doc


@functools.cache
def _status_stems() -> frozenset[str]:
    return frozenset(stem(word) for word in STATUS_WORDS)


def _code_term(terms: set[str]) -> str:
    return next(t for t in terms if t.startswith("="))


def _statuses(kb: Any, analyzer: Analyzer, url_of: Callable[[str], str]) -> Iterator[Doc]:
    from ..model.kb import markets_in_order

    weights = STATUS_FIELDS
    for market in sorted(markets_in_order(kb), key=lambda e: e.id):
        name = market.data["name"]
        for status in market.data["statuses"]:
            code, label = status["code"], status.get("label", "")
            title = f"{name}: {code}" + (f" — {label}" if label else "")
            doc = Doc(
                f"marketplaces/{market.id}#{code}",
                STATUS,
                title,
                url_of(marketplace_uri(market.id)) + "#mapping",
                f"status → {status['maps_to']} ({status['match']})",
            )
            doc.cli = {
                "marketplace": market.id,
                "marketplace_name": name,
                "code": code,
                "label": label,
                "maps_to": status["maps_to"],
                "match": status["match"],
                "note": status.get("note", ""),
            }
            codes = {_code_term(analyzer.code(part)) for part in code.split("/")} | {_code_term(analyzer.code(code))}
            doc.add(codes, weights["code"])
            doc.add(set().union(*(analyzer.code(p) for p in code.split("/"))) - codes, weights["code_word"])
            doc.add(analyzer.text(label), weights["label"])
            doc.add(analyzer.code(market.id) | analyzer.text(name), weights["marketplace"])
            doc.add(analyzer.text(status.get("description", "")), weights["description"])
            doc.cli["_market"] = market.id
            yield doc


def _point_statuses_at_runbooks(runbooks: list[Doc], statuses: list[Doc], kb: Any, analyzer: Analyzer) -> None:
    """A status code or label also finds the runbooks about order statuses of its
    marketplace (``Doc.about_statuses``): each such runbook's document in ``runbooks`` is
    replaced by a copy with the status terms, so that an earlier index's documents stay as
    they were."""
    analyzer.stems(STATUS_WORDS)  # their forms, as any analysed word's
    about = []
    for number, doc in enumerate(runbooks):
        if doc.about_statuses:
            # a copy: the document itself may be an earlier index's (IndexMemo.runbook_docs)
            runbooks[number] = doc = doc.copy()
            about.append((doc, kb.runbooks[doc.cli["id"]].data.get("marketplaces", [])))
    for status in statuses:
        market = status.cli.pop("_market")
        code = status.cli["code"]
        code_terms = analyzer.code(code).union(*(analyzer.code(part) for part in code.split("/")))
        label_terms = analyzer.text(status.cli["label"])
        for doc, markets in about:
            if markets == "all" or market in markets:
                # difference with the dict itself: a lookup per new term, not a set of
                # every term the runbook has per status (a tenth of a serve rebuild)
                doc.add(code_terms.difference(doc.terms), STATUS_RUNBOOK_FIELDS["code"])
                doc.add(label_terms.difference(doc.terms), STATUS_RUNBOOK_FIELDS["label"])


def _pages(
    reference: list[Any], handwritten: Handwritten, analyzer: Analyzer, url_of: Callable[[str], str]
) -> Iterator[Doc]:
    """The documents of the sections of the ``reference`` pages and the handwritten ones."""
    for src, page_title, anchor, title, text in _reference_sections(reference, handwritten):
        url = url_of(src) + (f"#{anchor}" if anchor else "")
        label = page_title if title == page_title else f"{page_title}: {title}"
        doc = Doc(f"{src[: -len('.md')]}#{anchor}", PAGE, label, url, _first_words(text))
        doc.add(analyzer.text(title) | analyzer.text(page_title), PAGE_FIELDS["title"])
        doc.add(analyzer.text(text), PAGE_FIELDS["text"])
        yield doc


def _entry_docs(kb: Any, analyzer: Analyzer, url_of: Callable[[str], str], language: str) -> list[Doc]:
    """A document per team, system, SLA policy and decisive pair value (``ENTRY_FIELDS``)."""
    from ..model.status_keys import StatusKey
    from ..site.labels import Labels

    labels = Labels(language)
    found = []

    def entry(key: str, kind: str, title: str, url: str, line: str, name: set[str], facts: set[str], text: str) -> Doc:
        doc = Doc(key, PAGE, title, url, line)
        doc.add(name, ENTRY_FIELDS["name"])
        doc.add((facts | analyzer.text(" ".join(ENTRY_WORDS[kind]))) - name, ENTRY_FIELDS["fact"])
        doc.add(analyzer.text(text), ENTRY_FIELDS["text"])
        found.append(doc)
        return doc

    owners: dict[str, list[Any]] = {}
    for team in sorted(kb.teams.values(), key=lambda e: e.id):
        data, url = team.data, url_of(TEAMS) + f"#team-{team.id}"
        owns = list(data.get("owns") or [])
        facts = analyzer.code(data["line"]).union(*(analyzer.code(system) for system in owns))
        facts |= set().union(*(analyzer.code(str(v)) for v in data.get("contacts", {}).values()))
        line = " · ".join([data["line"], *owns])
        name = analyzer.text(data["name"]) | analyzer.code(team.id)
        doc = entry(f"teams/{team.id}", "team", data["name"], url, line, name, facts, data.get("role", ""))
        doc.cli = {"contacts": dict(data.get("contacts", {}))}
        for system in owns:
            owners.setdefault(system, []).append(team)
    for system, teams in sorted(owners.items()):
        names = ", ".join(team.data["name"] for team in teams)
        facts = set().union(*(analyzer.text(team.data["name"]) | analyzer.code(team.id) for team in teams))
        url = url_of(BY_SYSTEM) + f"#system-{system}"
        entry(f"systems/{system}", "system", f"{system}: {names}", url, names, analyzer.code(system), facts, "")
    for policy in sorted(kb.sla_policies.values(), key=lambda e: e.id):
        data = policy.data
        react, resolve = labels.duration(data["react_within"]), labels.duration(data["resolve_within"])
        priority = data.get("priority")  # optional: a policy may be for no one priority
        facts = analyzer.code(priority) | analyzer.text(labels.get(f"severity.{priority}")) if priority else set()
        facts |= analyzer.text(f"{react} {resolve}") | analyzer.code(data["clock"])
        line = " · ".join(part for part in (priority, f"{react} / {resolve}", data["clock"]) if part)
        url = url_of(ESCALATION_MAP) + f"#sla-{policy.id}"
        name = analyzer.text(data["name"]) | analyzer.code(policy.id)
        entry(f"sla/{policy.id}", "policy", data["name"], url, line, name, facts, data.get("description", ""))
    for market in sorted(kb.marketplaces.values(), key=lambda e: e.id):
        key = StatusKey(market.data)
        if not key.two_fields:
            continue
        fields = " ".join(key.fields)
        title = f"{market.data['name']}: {fields}"
        name = analyzer.code(market.id) | analyzer.text(market.data["name"]) | analyzer.text(fields)
        rule = "first_alone" if key.first_alone else "unknown"
        facts = analyzer.text("unlisted pair" if key.first_alone else "unlisted pair reported")
        url = url_of(marketplace_uri(market.id)) + "#pairs"
        entry(f"pairs/{market.id}", "pair", title, url, f"{fields}: {rule}", name, facts, "")
        for second, status in key.deciding.items():
            url = url_of(marketplace_uri(market.id)) + f"#pair-{second}"
            title = f"{market.data['name']}: */{second} → {status['maps_to']}"
            # The second value decides whatever the first says: a pair of any first value
            # with it names this rule as much as the value alone.
            # A pair of any first value with the decisive one is this rule: the first values
            # are facts of it. The words of a longer value ("canceled_by_client") weigh
            # less than a value that is one word ("canceled"), so each finds its own row.
            value = analyzer.code(second)
            words = value - {_code_term(value)}
            name = {_code_term(value)} | analyzer.code(market.id) | analyzer.text(market.data["name"])
            one_word = len(code_words(second)) == 1
            name |= words if one_word else set()
            facts = analyzer.code(status["maps_to"]) | set().union(*(analyzer.code(f) for f in key.fields))
            facts |= set() if one_word else words
            line = f"{key.fields[1]} {second} decides alone"
            doc = entry(f"pairs/{market.id}/{second}", "pair", title, url, line, name, facts, "")
            firsts = set().union(*(analyzer.code(first) for first in key.first_values()))
            doc.add(firsts - set(doc.terms), ENTRY_FIELDS["first"])
    return found


def _reference_pages(kb: Any, rules_reference: bool = True, language: str = "en") -> list[Any]:
    """The generated pages the index has sections of, in the site's language, as opskb's
    own templates make them (for `opskb find`, which has no site)."""
    from ..site.pages import Site

    return Site(kb, rules_reference=rules_reference, language=language).reference_pages()


def _first_words(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# (file name, text) of each handwritten page at the top of docs/
Handwritten = tuple[tuple[str, str], ...]


def _handwritten(docs_dir: Path | None, language: str = "en") -> Handwritten:
    """(page, text) of each handwritten page as the site in ``language`` serves it:
    ``onboarding.md`` with the text of ``onboarding.ru.md`` in Russian (site/i18n.py)."""
    from ..site.i18n import serve

    if docs_dir is None or not docs_dir.is_dir():
        return ()
    served = serve((path.name for path in docs_dir.glob("*.md")), language)
    return tuple(
        (page, (docs_dir / found.source).read_text(encoding="utf-8")) for page, found in sorted(served.items())
    )


def _reference_sections(reference: list[Any], handwritten: Handwritten) -> Iterator[tuple[str, str, str, str, str]]:
    """(src, page title, anchor, section title, text) of every section of the pages."""
    for page in reference:
        sections = page.sections
        page_title = unescape(sections[0][1]) if sections else page.src_uri
        for anchor, title, text in sections:
            yield page.src_uri, page_title, anchor, unescape(title), unescape(text)
    for name, text in handwritten:
        yield from _markdown_sections(name, text)


# attr_list's id: `{#id}` or `{ #id .class }`, spaces allowed inside the braces
_MD_HEADING = re.compile(r"^(#{1,3}) +(.+?)(?: *\{ *#([\w-]+)[^}]*\})? *$", re.M)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"[*_`>|#]+|^\s*[-+] ", re.M)


def _markdown_sections(src: str, text: str) -> Iterator[tuple[str, str, str, str, str]]:
    from markdown.extensions.toc import slugify

    text = _JINJA.sub(" ", text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text)
    headings = list(_MD_HEADING.finditer(text))
    if not headings:
        return
    page_title = _plain(headings[0].group(2))
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(text)
        title = _plain(heading.group(2))
        anchor = "" if number == 0 else heading.group(3) or slugify(title, "-")
        body = _plain(text[heading.end() : end])
        yield src, page_title, anchor, title, body


def _plain(markdown: str) -> str:
    return " ".join(_MD_MARKS.sub(" ", _MD_LINK.sub(r"\1", markdown)).split())


def _team_summary(team: Any) -> dict[str, Any]:
    return {"id": team.id, "name": team.data["name"], "contacts": dict(team.data["contacts"])}


def _cli_line(doc: Doc) -> str:
    """A document as `opskb find` reads it."""
    return _json({"key": doc.key, "kind": doc.kind, "title": doc.title, "url": doc.url, **doc.cli})


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
