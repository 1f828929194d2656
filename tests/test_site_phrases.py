"""Words in another language than the page's, marked with it (opskb.site.phrases)."""

from __future__ import annotations

import random

import pytest

from opskb.model.textlanguage import letter_language, runs
from opskb.site.phrases import marked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("orders drop to zero", [("orders drop to zero", "en")]),
        ("нет заказов 30 минут", [("нет заказов 30 минут", "ru")]),
        # quotes and spaces between two languages belong to neither
        (
            'shows "нет в наличии" and',
            [("shows", "en"), (' "', None), ("нет в наличии", "ru"), ('" ', None), ("and", "en")],
        ),
        ("Ozon: статус", [("Ozon", "en"), (": ", None), ("статус", "ru")]),
        ("42 -", [("42 -", None)]),
    ],
)
def test_runs_follow_the_letters_script(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert runs(text) == expected
    assert "".join(piece for piece, _ in runs(text)) == text


def test_marked_escapes_each_run_and_names_only_the_other_language() -> None:
    found = marked('  <b>{x}</b> "Условно доставлен"\n  ', "en")
    assert [(str(piece), language) for piece, language in found] == [
        ("&lt;", None),
        ("b&gt;&#123;x&#125;&lt;/b", None),
        ("&gt; &quot;", None),
        ("Условно доставлен", "ru"),
        ("&quot;", None),
    ]
    assert [language for _, language in marked("нет заказов, Ozon", "ru")] == [None, None, "en"]
    block = marked("line one\nстрока два\n", "en", block=True)
    assert [(str(p), lang) for p, lang in block] == [("line one", None), ("\n", None), ("строка два", "ru")]


def _runs_letter_by_letter(text: str) -> list[tuple[str, str | None]]:
    """The definition, one letter at a time: what ``runs`` computes faster (it reads ASCII
    text as one Latin run and classifies each other letter once)."""
    out: list[tuple[str, str | None]] = []
    current, language, pending = "", None, ""
    for char in text:
        found = letter_language(char)
        if found is None:
            pending += char
        elif found == language:
            current, pending = current + pending + char, ""
        else:
            out += [(current, language)] if current else []
            out += [(pending, None)] if pending else []
            current, language, pending = char, found, ""
    out += [(current, language)] if current else []
    out += [(pending, None)] if pending else []
    return out


def test_runs_match_the_letter_by_letter_definition() -> None:
    alphabet = "ab Z9 ,.:\n\"'-éжЖё Ωλ中\u0301\u00a0"
    generator = random.Random(25)
    texts = [
        "",
        " ",
        "a",
        "ж",
        "9",
        "a ж",
        *("".join(generator.choices(alphabet, k=n)) for n in range(40) for _ in range(50)),
    ]
    texts += ["".join(generator.choices("ab -.", k=n)) for n in range(30)]  # ASCII only
    for text in texts:
        assert runs(text) == _runs_letter_by_letter(text), text
