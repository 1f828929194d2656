"""Each rule holds its check or names exactly where it lives, and says why and how to fix.

A rule found while a file is parsed or validated (KB0xx, KB1xx, KB5xx) is detected in
the loader, which never imports the registry; the rule names those functions in
``detected_by``. These tests hold the names to the code: each one exists, mentions the
code, no function outside them reports it, and the rule's bad example, checked through
the CLI, is reported from inside one of them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import opskb
from conftest import apply_example
from opskb.gate.registry import Rule, all_rules, schema_code
from opskb.model.schemas import SchemaError
from opskb.model.yamldoc import RawFinding

RULES = list(all_rules().values())
DETECTED = [rule for rule in RULES if rule.detected_by]
PACKAGE = Path(opskb.__file__).parent
CODE = re.compile(r"KB\d{3}")


def _resolve(dotted: str) -> Any:
    """The object a dotted path names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise LookupError(dotted)


# ------------------------------------------------------------------ documentation


def test_every_rule_says_why_it_is_bad_and_how_to_fix_it() -> None:
    for rule in RULES:
        assert len(rule.why) > 40 and len(rule.fix) > 20, rule.code
        assert rule.why != rule.summary and rule.fix not in (rule.summary, rule.why, rule.hint), rule.code
        assert rule.summary not in rule.why, f"{rule.code}: why restates the summary"
        assert rule.why.endswith((".", ")")) and rule.fix.endswith((".", ")")), rule.code
    assert len({r.why for r in RULES}) == len(RULES), "two rules share one why"
    assert len({r.fix for r in RULES}) == len(RULES), "two rules share one fix"


def _words(text: str) -> str:
    return " ".join(text.split())


def test_rules_command_prints_a_rule_page_like_ruff(cli) -> None:
    """`opskb rules KB002`: what it does, why is this bad, how to fix, the example and
    what to use instead, what a problem says, and where the rule is checked."""
    result = cli("rules", "KB002")
    assert result.code == 0
    rule = all_rules()["KB002"]
    out = result.out
    headings = ["What it does", "Why is this bad?", "How to fix", "Example", "Use instead", "Reported as", "Checked by"]
    positions = [out.index(f"\n{heading}\n") for heading in headings]
    assert positions == sorted(positions), out
    assert out.startswith("KB002 duplicate-key\nFamily: YAML (KB0xx)")
    for said in (rule.summary, rule.why, rule.fix):
        assert _words(said) in _words(out)
    example, use_instead = out.split("\nExample\n")[1].split("\nUse instead\n")
    assert "+ severity: high" in example and "- severity: critical" in example
    assert "+ severity: high" in use_instead.split("\nReported as\n")[0]
    assert "duplicate key '<key>' (first at line <first_line>)" in out  # placeholders, not {key}
    assert "opskb.model.yamldoc.scan_events" in out.split("\nChecked by\n")[1]
    assert all(len(line) <= 120 for line in out.splitlines())


def test_rules_command_json_has_why_fix_and_where_checked(cli) -> None:
    (loader, cross) = cli("rules", "KB008", "KB201", "--format", "json").json()
    assert loader["why"] == all_rules()["KB008"].why and loader["fix"] == all_rules()["KB008"].fix
    assert loader["checked_by"] == ["opskb.model.yamldoc._decode"]
    assert cross["checked_by"] == ["opskb.rules.kb201_unknown_route.check"]
    assert cli("rules", "KB999", "--format", "json").code == 2


# ------------------------------------------------------------------ where each rule lives


def test_a_rule_has_its_own_check_or_names_the_loader_functions() -> None:
    for rule in RULES:
        assert (rule.check is None) != (not rule.detected_by), rule.code
        if rule.check is not None:
            assert rule.check.__module__.startswith("opskb.rules."), rule.code
        assert rule.code[:3] in ("KB0", "KB1", "KB5") or rule.check is not None, f"{rule.code} belongs in a check"


@pytest.mark.parametrize("rule", DETECTED, ids=[r.code for r in DETECTED])
def test_each_named_function_exists_and_mentions_the_code(rule: Rule) -> None:
    literals = [f'"{k}"' for k in rule.keywords] if rule.code.startswith("KB1") else [f'"{rule.code}"']
    for dotted in rule.detected_by:
        function = _resolve(dotted)
        assert callable(function), dotted
        assert dotted.startswith("opskb.") and not dotted.startswith(("opskb.rules", "opskb.gate.registry")), dotted
        source = inspect.getsource(function)
        # KB100 is what no keyword of another rule covers: the fallback of the same function
        assert rule.code == "KB100" or any(literal in source for literal in literals), (dotted, literals)


def _emitters() -> Iterator[tuple[str, str]]:
    """(function, code) for every code literal passed to a call in opskb outside the rules:
    every place a finding is made with a code."""
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("opskb", *path.relative_to(PACKAGE).with_suffix("").parts))
        if module.startswith("opskb.rules.") or module == "opskb.gate.registry":
            continue

        def walk(node: ast.AST, prefix: str, module: str = module) -> Iterator[tuple[str, str]]:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    name = f"{prefix}.{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        for call in (n for n in ast.walk(child) if isinstance(n, ast.Call)):
                            for arg in [*call.args, *(k.value for k in call.keywords)]:
                                if isinstance(arg, ast.Constant) and CODE.fullmatch(str(arg.value)):
                                    yield name, arg.value
                    yield from walk(child, name)

        yield from walk(ast.parse(path.read_text(encoding="utf-8")), module)


def test_no_function_but_the_named_ones_reports_a_code() -> None:
    """The names are complete: a function outside the rules that makes a finding of a
    code is in that rule's detected_by, and each named function of KB0xx/KB5xx does."""
    found = set(_emitters())
    assert found, "the scan finds the loader's findings"
    for function, code in sorted(found):
        assert code in all_rules(), f"{function} reports {code}, which no rule registers"
        assert function in all_rules()[code].detected_by, f"{function} reports {code}; name it in detected_by"
    for rule in DETECTED:
        if not rule.code.startswith("KB1"):
            for function in rule.detected_by:
                assert (function, rule.code) in found, f"{rule.code} names {function}, which does not report it"


class _Provenance:
    """While active, records each finding the loader makes (a RawFinding with its code, a
    SchemaError with the code its keyword reports) with the functions on the stack."""

    def __init__(self) -> None:
        self.made: list[tuple[str, list[str]]] = []
        self._inits = {RawFinding.__init__.__code__: "code", SchemaError.__init__.__code__: "keyword"}

    def __enter__(self) -> _Provenance:
        sys.setprofile(self._profile)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)

    def _profile(self, frame: FrameType, event: str, arg: object) -> None:
        field = self._inits.get(frame.f_code) if event == "call" else None
        if field is None:
            return
        value = frame.f_locals[field]
        code = value if field == "code" else schema_code(value)
        stack: list[str] = []
        caller = frame.f_back
        while caller is not None:
            stack.append(f"{caller.f_globals.get('__name__')}.{caller.f_code.co_qualname}")
            caller = caller.f_back
        self.made.append((code, stack))


@pytest.mark.parametrize("rule", DETECTED, ids=[r.code for r in DETECTED])
def test_bad_example_is_reported_from_a_named_function(rule: Rule, example_tree: Path, cli) -> None:
    """The innermost loader function named by any rule that was running when the bad
    example's finding was made is one this rule names."""
    named = {function for r in DETECTED for function in r.detected_by}
    apply_example(example_tree, rule.bad)
    args = [str(example_tree / a) if "/" in a else a for a in rule.bad.args]
    with _Provenance() as provenance:
        result = cli("check", example_tree, "--format", "json", *args)
    assert rule.code in {p["code"] for p in result.json()}
    origins = {next((f for f in stack if f in named), None) for code, stack in provenance.made if code == rule.code}
    assert origins and origins <= set(rule.detected_by), (rule.code, origins)
