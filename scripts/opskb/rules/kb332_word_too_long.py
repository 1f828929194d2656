import re
from collections.abc import Iterator
from typing import Any

from ..gate.registry import Example, FileMemo, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ..model.yamldoc import Document, JsonPath, strings
from ._tree import RUNBOOK

# Longer than any word a person writes or searches for: the longest dictionary words of
# English (45 letters) and Russian (about 35), a SHA-256 digest in hex (64), a PostgreSQL
# identifier (63) and an id of the content (80, common.schema.json) all fit. A run of
# letters past it is pasted data (base64, a dump), which no query will ever type, and every
# character of it is one more step for the search index's prefix split and one more column
# for the browser's typo distance.
LONGEST_WORD = 100

RULE = Rule(
    code="KB332",
    name="word-too-long",
    level=ERROR,
    summary=f"A word of more than {LONGEST_WORD} letters in a content file or a docs/ page: no one searches for it.",
    message="a word of {length} letters ('{start}...'): longer than any real word (at most {limit})",
    hint="break the text into words, or leave the pasted data (a hash, base64, a dump) out of the content",
    why=(
        "Every text of the content is split into words for the search index (the site's and `opskb find`'s). "
        "A run of thousands of letters is no word anyone types: it is pasted data that makes the index "
        "large and slow to build, and no query finds it."
    ),
    fix="Break the text into words, or link to the data instead of pasting it.",
    bad=Example(
        replace={RUNBOOK: [("  - fewer jobs processed than queued", "  - fewer jobs " + "a" * 120)]},
        expect=f"{RUNBOOK}:10:5",
    ),
    good=Example(replace={RUNBOOK: [("  - fewer jobs processed than queued", "  - fewer jobs, sha256 " + "a" * 64)]}),
)


# the start of a run of letters and digits past the bound (the lookbehind keeps the scan
# from starting again inside every run)
_RUN = re.compile(rf"(?<![^\W_])[^\W_]{{{LONGEST_WORD + 1}}}")


def _has_run(text: str) -> bool:
    """Whether ``text`` has a run of letters and digits past the bound. Such a run has no
    space in it, so a text whose space-separated pieces are all short has none: splitting
    is five times faster than the scan, and a file's text is checked at every `mkdocs
    serve` rebuild."""
    return (
        len(text) > LONGEST_WORD
        and max(map(len, text.split()), default=0) > LONGEST_WORD
        and _RUN.search(text) is not None
    )


def long_words(text: str) -> Iterator[str]:
    """Words of ``text`` past the bound, read as the search index reads them: runs of
    letters and digits, CamelCase and snake_case split (an alert name is many words).
    Whether there is a run past the bound is asked first: the content's texts have none."""
    from ..search.textanalysis import WORD, code_words

    if not _has_run(text):
        return
    for run in WORD.findall(text):
        if len(run) > LONGEST_WORD:
            yield from (word for word in code_words(run) if len(word) > LONGEST_WORD)


def _finding(at: Any, sub: tuple, word: str) -> Finding:
    return Finding(at, sub, {"length": len(word), "start": word[:20], "limit": LONGEST_WORD})


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..site.docrefs import Place, docs_pages

    for document in kb.documents:
        found = _FOUND.get(document.source, None, lambda document=document: tuple(_long_words_in(document)))
        for sub, word in found:
            yield _finding(document, sub, word)
    for path, rel in docs_pages(kb.root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # KB223 reports a page that cannot be read
        for word in long_words(text):
            offset = text.find(word)
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            yield _finding(Place(rel, line, column), (), word)
            break


# a file's long words, kept while its text is the same
_FOUND: FileMemo[tuple[tuple[JsonPath, str], ...]] = FileMemo()


def _may_have_run(source: bytes) -> bool:
    """Whether the file's bytes may hold a run past the bound: a run lies in one line, and
    has at least as many bytes as letters. Most lines of a runbook are shorter than the
    bound, so only the few long ones are split into words."""
    long_lines = [line for line in source.split(b"\n") if len(line) > LONGEST_WORD]
    return bool(long_lines) and max(map(len, b"\n".join(long_lines).split())) > LONGEST_WORD


def _long_words_in(document: Document) -> Iterator[tuple[JsonPath, str]]:
    """The first long word of each string of ``document``'s data, where it is."""
    source = document.source
    if source is not None and b"\\" not in source and not (_may_have_run(source) and _has_run(source.decode("utf-8"))):
        return  # no run in the file's text, and no escape or line continuation to make one
    for sub, text in strings(document.data):
        for word in long_words(text):
            yield sub, word
            break
