"""The nesting guard counts every kind of nesting the parsers recurse on, whatever the form.

Block sequences, compact nesting on one line (`- - -`, `- ? `, `? ? `, `: - `), complex
keys, flow collections and indentation: a file nested past the limit gets KB006 at its
place, never a RecursionError in a later phase (the schema, the rules, the site).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import run_opskb
from opskb.model.yamldoc import DEFAULT_LIMITS, load_document

LIMIT = DEFAULT_LIMITS.max_depth


@pytest.mark.parametrize(
    "tags",
    [
        "\n" + "- ? " * 249 + "a",
        "\n" + "? " * 249 + "a",
        "\n" + "- " * 249 + "a",
        "\n" + "? - " * 249 + "a",
        "\n" + "".join(" " * i + "-\n" for i in range(0, 600, 2)) + " " * 600 + "a",
        "\n" + "".join(" " * i + "- a:\n" for i in range(0, 600, 2)) + " " * 600 + "b",
        " " + "[{a: " * 100 + "}]" * 100,
    ],
    ids=["dash-question", "questions", "dashes", "question-dash", "indented", "mappings", "flow"],
)
def test_every_form_of_deep_nesting_is_refused_at_its_place(tmp_path: Path, tags: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(f"id: deep\ntitle: Deep\ntags:{tags}\n", encoding="utf-8")
    document, findings = load_document(path, "runbooks/deep.yaml")
    assert [f.code for f in findings] == ["KB006"], findings
    assert findings[0].line >= 3
    assert not document.loaded


def test_the_reported_case_is_refused_through_every_command(tree: Path) -> None:
    """`tags:` + `- ? ` x 249 in a file with nothing else risky: a RecursionError in every command before."""
    runbook = tree / "runbooks" / "prices-not-applied.yaml"
    text = runbook.read_text(encoding="utf-8")
    start = text.index("\ntags:") + 1
    end = text.index("\n", start)
    runbook.write_text(text[:start] + "tags:\n" + "- ? " * 249 + "a" + text[end:], encoding="utf-8")
    checked = run_opskb("check", tree)
    assert checked.code == 1 and "KB006" in checked.out, checked.out + checked.err
    for args in (("find", "prices", "--root", tree), ("escalate", "prices-not-applied", "--root", tree)):
        result = run_opskb(*args)
        assert "RecursionError" not in result.err and "Traceback" not in result.err, result.err
        assert result.code in (0, 1, 2)


BLOCK = ("dash", "dash-newline", "complex-key", "mapping", "flow-sequence", "flow-mapping")


def _render(kinds: list[str], column: int) -> str:
    """YAML for a chain of nested collections, each of the given kind, written from ``column``."""
    if not kinds:
        return "x"
    kind, rest = kinds[0], kinds[1:]
    if kind == "flow-sequence":
        return "[" + _render(rest, column + 1) + "]"
    if kind == "flow-mapping":
        return "{a: " + _render(rest, column + 4) + "}"
    if kind == "dash":
        return "- " + _render(rest, column + 2)
    if kind == "complex-key":
        return "? " + _render(rest, column + 2)
    head = "-" if kind == "dash-newline" else "a:"
    return head + "\n" + " " * (column + 2) + _render(rest, column + 2)


def test_fuzzed_nesting_is_refused_exactly_when_it_passes_the_limit(tmp_path: Path) -> None:
    """Seeded chains of every nesting form in random order: past the limit is KB006, within it loads."""
    rng = random.Random(20261202)
    path = tmp_path / "fuzz.yaml"
    loaded = 0
    for _ in range(1500):
        kinds = rng.choices(BLOCK, weights=(5, 2, 5, 2, 1, 1), k=rng.randint(LIMIT - 12, LIMIT + 12))
        # flow collections hold only flow collections
        first_flow = next((i for i, k in enumerate(kinds) if k.startswith("flow")), len(kinds))
        kinds[first_flow:] = [k if k.startswith("flow") else "flow-sequence" for k in kinds[first_flow:]]
        text = "tags:\n  " + _render(kinds, 2) + "\n"
        path.write_text(text, encoding="utf-8")
        document, findings = load_document(path, "runbooks/fuzz.yaml")
        depth = 1 + len(kinds)
        if depth > LIMIT:
            assert [f.code for f in findings] == ["KB006"], text
        else:
            # within the limit: loaded, or refused for another reason (a list as a key)
            assert all(f.code != "KB006" for f in findings), text
            loaded += document.loaded
    assert loaded > 100
