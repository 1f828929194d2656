"""Every rule's bad example is reported at its place; its good example is clean.

The examples live in the rule modules: they are the rule reference and these tests.
"""

from __future__ import annotations

import pytest

from conftest import apply_example
from opskb.gate.registry import all_rules

RULES = list(all_rules().values())


def _check(cli, root, example):
    result = cli("check", root, "--format", "json", *[str(root / a) if "/" in a else a for a in example.args])
    return result, result.json()


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_bad_example_is_reported_where_expected(rule, example_tree, cli) -> None:
    apply_example(example_tree, rule.bad)
    result, problems = _check(cli, example_tree, rule.bad)
    located = {f"{p['path']}:{p['line']}:{p['column']}" for p in problems if p["code"] == rule.code}
    assert rule.bad.expect in located, problems
    unexpected = {p["code"] for p in problems} - {rule.code, *rule.bad.also}
    assert not unexpected, f"the bad example also triggers {unexpected}: {problems}"
    mine = [p for p in problems if p["code"] == rule.code]
    assert all(p["level"] == rule.level for p in mine)
    assert all(p["message"] and "{" not in p["message"] for p in mine)
    assert result.code == (1 if rule.level == "error" else 0)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_good_example_is_clean(rule, example_tree, cli) -> None:
    apply_example(example_tree, rule.good)
    result, problems = _check(cli, example_tree, rule.good)
    assert problems == []
    assert result.code == 0


def test_example_tree_is_clean_under_strict(example_tree, cli) -> None:
    result = cli("check", example_tree, "--strict")
    assert result.code == 0, result.out


def test_codes_are_unique_and_documented() -> None:
    for rule in RULES:
        assert rule.code.startswith(("KB0", "KB1", "KB2", "KB3", "KB4", "KB5"))
        assert rule.name and rule.summary and rule.hint and rule.message and rule.why and rule.fix
        assert rule.bad.expect, f"{rule.code} has no located bad example"


def test_rules_command_lists_every_rule_with_examples(cli) -> None:
    listing = cli("rules")
    assert listing.code == 0
    assert [line.split()[0] for line in listing.out.splitlines()] == [r.code for r in RULES]
    detail = cli("rules", "KB201", "--format", "json")
    (entry,) = detail.json()
    assert entry["code"] == "KB201" and entry["level"] == "error" and entry["family"] == "References"
    assert "route: jobs-v2" in entry["bad"] and entry["hint"]
    assert cli("rules", "KB999").code == 2


def test_every_validation_keyword_of_the_schemas_has_a_schema_rule() -> None:
    """A keyword added to schemas/ must be reported under a specific KB1xx code (or be a combinator)."""
    import json

    from conftest import REPO
    from opskb.gate.registry import schema_code

    annotations = {
        "$schema",
        "$id",
        "$ref",
        "$defs",
        "title",
        "description",
        "default",
        "examples",
        "contentMediaType",
        "properties",
        "items",
    }
    combinators = {"anyOf", "oneOf", "allOf", "if", "then", "else", "not"}

    def keywords(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key not in ("properties", "$defs"):
                    yield key
                children = value.values() if key in ("properties", "$defs") else [value]
                for child in children:
                    yield from keywords(child)
        elif isinstance(node, list):
            for child in node:
                yield from keywords(child)

    used = set()
    for path in (REPO / "schemas").glob("*.schema.json"):
        used |= set(keywords(json.loads(path.read_text())))
    for keyword in sorted(used - annotations - combinators):
        assert schema_code(keyword) != "KB100", f"no KB1xx rule reports the {keyword!r} keyword"
