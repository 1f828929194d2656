"""Fast paths (of rules, of page names) hold to the definitions they stand in for."""

from __future__ import annotations

import random
from pathlib import Path

from opskb.gate.registry import FileMemo
from opskb.model.addresses import alert_page_name, escaped_page_name
from opskb.model.yamldoc import load_document
from opskb.rules.kb332_word_too_long import _RUN, LONGEST_WORD, _has_run
from opskb.rules.kb405_placeholder_text import may_hold, placeholders

# letters, digits, the underscore (which splits a run), and every kind of space str.split
# knows, Unicode's among them
PIECES = ["a", "я", "7", "_", "-", ".", " ", "\t", "\n", "\u00a0", "\u2003", "\u3000", "\x1c"]


def test_a_text_has_a_long_run_exactly_when_the_scan_finds_one() -> None:
    rng = random.Random(332)
    for _ in range(3000):
        # runs around the bound, broken by one piece of any kind
        parts = []
        for _ in range(rng.randint(1, 4)):
            parts.append(rng.choice("aя7") * rng.randint(LONGEST_WORD - 3, LONGEST_WORD + 3))
            parts.append("".join(rng.choice(PIECES) for _ in range(rng.randint(0, 3))))
        text = "".join(parts)
        assert _has_run(text) == (_RUN.search(text) is not None), repr(text)


# ways a YAML scalar can come to hold TODO, or something near it
_SCALARS = [
    "TODO: fill in",
    "'TODO'",
    '"TODO"',
    '"\\x54ODO"',
    '"\\u0054ODO later"',
    '"\\U00000054ODO"',
    '"TO\\\n  DO"',
    "|\n    first\n    TODO\n",
    ">\n    TO\n    DO\n",
    "TO\n  DO",
    "todo",
    "TODOS",
    "[TODO, done]",
    "{note: TODO}",
    "&a TODO",
    '"T\\x4fDO"',
    "'TO''DO'",
]


def test_a_file_without_the_word_or_a_backslash_holds_no_placeholder(tmp_path: Path) -> None:
    rng = random.Random(405)
    path = tmp_path / "file.yaml"
    for _ in range(400):
        fields = [f"f{index}: {rng.choice(_SCALARS)}" for index in range(rng.randint(1, 3))]
        text = "\n".join(fields) + "\n"
        path.write_text(text, encoding="utf-8")
        document, _ = load_document(path, "file.yaml")
        if document.data is None:
            continue
        if any(placeholders(document.data, ())):
            assert may_hold(document.text), text
    assert may_hold(None)  # a file whose text is not kept is walked


def test_a_plain_alert_name_is_its_own_page_name() -> None:
    rng = random.Random(94)
    pieces = ["A", "z", "0", "_", "-", ".", " ", "/", "é", "Ж", "\U0001f525", "\ud800", "x" * 40]
    for _ in range(3000):
        alert = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert alert_page_name(alert) == escaped_page_name(alert), repr(alert)


def test_a_file_memo_answers_again_only_for_the_same_text_and_settings() -> None:
    memo: FileMemo[str] = FileMemo(limit=3)
    calls: list[str] = []

    def answer(text: str | None, also: object) -> str:
        def compute() -> str:
            calls.append(f"{text}/{also}")
            return f"found in {text}"

        return memo.get(text, also, compute)

    assert answer("a: 1", "schema") == "found in a: 1"
    assert answer("a: 1", "schema") == "found in a: 1"
    assert calls == ["a: 1/schema"]  # the same file: not looked at again
    answer("a: 2", "schema")  # the file edited
    answer("a: 1", "schema v2")  # the schema changed
    answer(None, "schema")
    answer(None, "schema")  # a text not kept is looked at every time
    assert calls == ["a: 1/schema", "a: 2/schema", "a: 1/schema v2", "None/schema", "None/schema"]
    answer("a: 3", "schema")  # a fourth file: the memo starts again
    answer("a: 1", "schema")
    assert calls[-2:] == ["a: 3/schema", "a: 1/schema"]
