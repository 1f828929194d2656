"""Every pattern of the content model shows its accepted form: each `pattern` in schemas/
has `examples` that fit it, and a value of the wrong form prints the first one as its hint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import schema_objects

PATTERNS = [(where, schema) for where, schema in schema_objects() if isinstance(schema.get("pattern"), str)]


def test_the_schemas_have_patterns() -> None:
    assert len(PATTERNS) >= 15


@pytest.mark.parametrize(("where", "schema"), PATTERNS, ids=[where for where, _ in PATTERNS])
def test_each_pattern_has_an_example_that_fits_it(where: str, schema: dict) -> None:
    examples = schema.get("examples")
    assert examples, f"{where}: add examples (the first is the accepted form a wrong value's hint shows)"
    for example in examples:
        # JSON Schema patterns are unanchored ECMA-262 expressions; these use the common subset
        assert re.search(schema["pattern"], example), f"{where}: example {example!r} does not fit its pattern"


def test_a_wrong_phone_is_told_the_accepted_form(cli, tree: Path) -> None:
    teams = tree / "escalation" / "teams.yaml"
    text = teams.read_text(encoding="utf-8")
    phone = re.search(r'phone: "([^"]+)"', text)
    assert phone is not None, "the example tree has a phone to break"
    teams.write_text(text.replace(phone.group(1), "call the duty manager", 1), encoding="utf-8")
    result = cli("check", tree)
    assert result.code == 1
    assert "KB105 phone has the wrong form" in result.out
    assert 'accepted form, e.g. "+49 30 1234567"' in result.out
