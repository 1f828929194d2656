"""Bad input gets a clear, located error, never a traceback or a hang, and nothing else is lost.

Driven through `opskb check` in a subprocess (a crash in a C parser would show as a signal),
over the public YAML test suite and hand-made hostile files.
"""

from __future__ import annotations

import json
import random
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_opskb
from opskb.model import yamldoc
from opskb.model.yamldoc import DEFAULT_LIMITS, load_document

SUITE = REPO.parent / "shared" / "yaml-test-suite"
needs_suite = pytest.mark.skipif(not SUITE.is_dir(), reason=f"YAML test suite not found at {SUITE}")

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def _suite_cases() -> list[Path]:
    return sorted(SUITE.glob("*.yaml")) if SUITE.is_dir() else []


def _invalid_cases() -> set[str]:
    return set((SUITE / "ERRORS.txt").read_text().split()) if SUITE.is_dir() else set()


def _problems_by_path(result) -> dict[str, list[dict]]:
    by_path: dict[str, list[dict]] = {}
    for problem in json.loads(result.out):
        by_path.setdefault(problem["path"], []).append(problem)
    return by_path


@needs_suite
def test_every_suite_file_as_a_runbook_gets_located_errors_and_no_traceback(tree: Path) -> None:
    cases = _suite_cases()
    for case in cases:
        (tree / "runbooks" / f"suite-{case.stem.lower()}.yaml").write_bytes(case.read_bytes())
    result = run_opskb("check", tree, "--format", "json", timeout=120)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    by_path = _problems_by_path(result)
    for case in cases:
        path = f"runbooks/suite-{case.stem.lower()}.yaml"
        # none of the suite's documents is a valid runbook: each file must be reported
        assert by_path.get(path), f"{case.name}: no problem reported"
        for problem in by_path[path]:
            assert problem["line"] >= 1 and problem["column"] >= 1
    # the example runbook beside them is still checked: it stays clean
    assert "runbooks/prices-not-applied.yaml" not in by_path


@needs_suite
def test_every_invalid_suite_case_is_rejected_as_yaml(tree: Path) -> None:
    invalid = _invalid_cases()
    assert len(invalid) == 94
    for name in invalid:
        (tree / "runbooks" / f"bad-{name.lower()}.yaml").write_bytes((SUITE / f"{name}.yaml").read_bytes())
    result = run_opskb("check", tree, "--format", "json", timeout=120)
    by_path = _problems_by_path(result)
    not_rejected = [
        name
        for name in sorted(invalid)
        if not any(p["code"].startswith("KB0") for p in by_path.get(f"runbooks/bad-{name.lower()}.yaml", []))
    ]
    assert not_rejected == []


@needs_suite
@pytest.mark.parametrize("parser", ["CSafeLoader", "SafeLoader"])
def test_suite_never_crashes_or_hangs_either_event_parser(parser: str, monkeypatch, tmp_path: Path) -> None:
    """The libyaml event parser, and the pure-Python one used where libyaml is missing."""
    monkeypatch.setattr(yamldoc, "EventParser", getattr(yaml, parser))
    for case in _suite_cases():
        text = case.read_text(encoding="utf-8", errors="replace")
        started = time.perf_counter()
        yamldoc.scan_events(text, DEFAULT_LIMITS)
        document, findings = load_document(case, case.name)
        # a hang detector, not a benchmark: the slowest case takes milliseconds
        assert time.perf_counter() - started < 2, case.name
        if case.stem in _invalid_cases():
            assert findings and document.data is None, case.name


HOSTILE = {
    "runbooks/bomb.yaml": (BOMB.encode(), "KB004"),
    "runbooks/brackets.yaml": (b"[" * 100_000, "KB006"),
    "runbooks/braces.yaml": (b"a: " + b"{" * 100_000, "KB006"),
    "runbooks/dashes.yaml": (b"- " * 100_000, "KB006"),
    "runbooks/indent.yaml": ("".join(" " * i + "a:\n" for i in range(1_000)).encode(), "KB006"),
    "runbooks/garbage.yaml": (bytes(range(256)) * 64, "KB007"),
    "runbooks/nul.yaml": (b"id: x\ntitle: a\x00b\n", "KB001"),
    "runbooks/empty.yaml": (b"", "KB010"),
    "runbooks/bom.yaml": (b"\xef\xbb\xbfid: bom\n", "KB008"),
    "runbooks/dup.yaml": (b"id: dup\nid: dup\n", "KB002"),
    "runbooks/tag.yaml": (b"id: !!python/object:os.system x\n", "KB009"),
    "runbooks/norway.yaml": (b"id: norway\nkind: no\n", "KB003"),
    "runbooks/two-docs.yaml": (b"id: a\n---\nid: b\n", "KB011"),
}


def test_hostile_files_each_get_their_error_fast_and_the_rest_is_still_checked(tree: Path) -> None:
    for rel, (data, _) in HOSTILE.items():
        (tree / rel).write_bytes(data)
    with (tree / "runbooks" / "huge.yaml").open("wb") as huge:
        line = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            huge.write(line)
    # and one ordinary mistake elsewhere that must still be found
    routes = tree / "escalation" / "routes.yaml"
    routes.write_text(routes.read_text().replace("sla: critical-24x7", "sla: platinum"))
    # A hang or an alias expansion would run into the timeout (each file takes milliseconds).
    result = run_opskb("check", tree, "--format", "json", timeout=60)
    assert "Traceback" not in result.err and result.code == 1
    by_path = _problems_by_path(result)
    for rel, (_, code) in HOSTILE.items():
        assert code in {p["code"] for p in by_path.get(rel, [])}, (rel, by_path.get(rel))
    assert [p["code"] for p in by_path["runbooks/huge.yaml"]] == ["KB005"]
    assert "KB203" in {p["code"] for p in by_path["escalation/routes.yaml"]}


def test_alias_bomb_does_not_expand(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    started = time.perf_counter()
    document, findings = load_document(path, "bomb.yaml")
    assert document.data is None and [f.code for f in findings] == ["KB004"]
    # a hang detector, not a benchmark: expanding this bomb takes a minute and 6 GB
    assert time.perf_counter() - started < 2


def test_dates_and_times_stay_text_and_yaml11_traps_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text('when: 2024-01-02\nat: "22:30"\ncount: 12\n')
    document, findings = load_document(path, "x.yaml")
    assert findings == [] and document.data == {"when": "2024-01-02", "at": "22:30", "count": 12}
    json.dumps(document.data)  # JSON output never meets a date object
    traps = ("no", "Yes", "on", "OFF", "010", "1:20", "22:30", "0b101", "1_000", "<<", "Y", "n", "-010", "+1:20")
    for value in traps:
        path.write_text(f"value: {value}\n")
        _, findings = load_document(path, "x.yaml")
        assert [f.code for f in findings] == ["KB003"], value
        assert (findings[0].line, findings[0].column) == (1, 8)
        # wherever a plain value can stand: a list entry, a flow sequence's first or later entry
        for text in (f"list:\n  - {value}\n", f"flow: [{value}]\n", f"flow: [a, {value}]\n", f"flow: [a,{value} ]\n"):
            path.write_text(text)
            assert "KB003" in [f.code for f in load_document(path, "x.yaml")[1]], text
    for quoted in ('"no"', "'010'", "true", "10", "noon", "1.5"):
        path.write_text(f"value: {quoted}\n")
        assert load_document(path, "x.yaml")[1] == [], quoted


def test_files_share_one_copy_of_their_keys_and_short_values(tmp_path: Path) -> None:
    """Ten thousand runbooks repeat the same few dozen keys, severities and team ids: each
    loaded file must use one shared copy of them, not its own (the 10,000-runbook build's
    memory, benchmarks/site_bench.py), while prose stays the file's own and all of it
    reads as written."""
    prose = "Compare the prices sent with the prices the marketplace accepted, row by row."
    loaded = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.yaml"
        # built at run time, so that the compiler's constants cannot make them shared
        path.write_text("".join(["seve", "rity: crit", "ical\nsteps:\n  - do: ", prose, "\n"]))
        document, findings = load_document(path, f"{name}.yaml")
        assert findings == [] and document.data == {"severity": "critical", "steps": [{"do": prose}]}
        loaded.append(document.data)
    first, second = loaded
    (key_a, value_a), (key_b, value_b) = next(iter(first.items())), next(iter(second.items()))
    assert key_a is key_b and value_a is value_b
    assert next(iter(first["steps"][0])) is next(iter(second["steps"][0]))
    assert first["steps"][0]["do"] is not second["steps"][0]["do"]  # prose is not interned


def test_output_formats(tree: Path) -> None:
    runbook = tree / "runbooks" / "prices-not-applied.yaml"
    runbook.write_text(runbook.read_text().replace("severity: critical", "severity: urgent"))
    as_json = run_opskb("check", tree, "--format", "json")
    problems = json.loads(as_json.out)
    assert problems == [
        {
            "path": "runbooks/prices-not-applied.yaml",
            "line": 4,
            "column": 11,
            "code": "KB101",
            "message": 'severity must be one of critical, high, medium, low (got "urgent")',
            "level": "error",
            "hint": problems[0]["hint"],
        }
    ]
    github = run_opskb("check", tree, "--format", "github")
    assert github.out.splitlines()[0].startswith(
        "::error file=runbooks/prices-not-applied.yaml,line=4,col=11,title=KB101::severity must be one of"
    )
    text = run_opskb("check", tree)
    assert text.out.splitlines()[0] == (
        "runbooks/prices-not-applied.yaml:4:11: KB101 "
        'severity must be one of critical, high, medium, low (got "urgent")'
    )
    assert text.out.splitlines()[1].startswith("    hint: ")
    assert (as_json.code, github.code, text.code) == (1, 1, 1)


def test_exit_codes(tree: Path, tmp_path: Path) -> None:
    assert run_opskb("check", tree).code == 0
    assert run_opskb("check", tmp_path / "missing").code == 2
    assert run_opskb("check", tree, "--format", "xml").code == 2
    assert run_opskb("frobnicate").code == 2
    # warnings pass unless --strict
    runbook = tree / "runbooks" / "prices-not-applied.yaml"
    runbook.write_text(runbook.read_text().replace('"2026-11-01"', '"2025-01-01"'))
    assert run_opskb("check", tree).code == 0
    assert run_opskb("check", tree, "--strict").code == 1


def test_problems_are_sorted_causes_first_then_by_file_and_line(tree: Path) -> None:
    runbook = tree / "runbooks" / "prices-not-applied.yaml"
    text = runbook.read_text().replace("severity: critical", "severity: urgent").replace("cadence: 1h", "cadence: x")
    runbook.write_text(text.replace("route: pricing", "route: nowhere"))
    (tree / "runbooks" / "zz-broken.yaml").write_text("id: zz-broken\ntitle: [\n")
    (tree / "escalation" / "teams.yaml").write_text("teams: [\n")
    problems = json.loads(run_opskb("check", tree, "--format", "json").out)
    keys = [(p["code"][:3], p["path"], p["line"], p["column"]) for p in problems]
    # the files that cannot be read, then schema errors, then references; each by file and line
    assert [k[0] for k in keys] == ["KB0", "KB0", "KB1", "KB1", "KB2"]
    assert keys == sorted(keys, key=lambda k: ({"KB0": 0, "KB1": 1}.get(k[0], 2), *k[1:]))
    # teams.yaml cannot be read: no team it may define is reported missing
    assert not any(p["code"] == "KB202" for p in problems)


def test_yaml_in_a_subfolder_is_reported_not_ignored(tree: Path) -> None:
    (tree / "runbooks" / "archive").mkdir()
    (tree / "runbooks" / "archive" / "old.yaml").write_text("id: old\n")
    problems = json.loads(run_opskb("check", tree, "--format", "json").out)
    assert [(p["path"], p["code"]) for p in problems] == [("runbooks/archive/old.yaml", "KB012")]


def test_a_file_with_schema_errors_still_gets_its_reference_errors(tree: Path) -> None:
    runbook = tree / "runbooks" / "prices-not-applied.yaml"
    text = runbook.read_text().replace("severity: critical", "severity: Critical")
    runbook.write_text(text.replace("route: pricing", "route: pricing-v2").replace("owner: pricing-owner", "owner: x"))
    problems = json.loads(run_opskb("check", tree, "--format", "json").out)
    assert [(p["line"], p["code"]) for p in problems if p["path"].startswith("runbooks/")] == [
        (4, "KB101"),
        (12, "KB201"),
        (42, "KB202"),
    ]


def test_positions_are_found_under_the_limits_the_file_was_loaded_with(tmp_path: Path) -> None:
    """A file loaded under wider limits is located under the same limits later on: a node
    40 levels deep gets its own line, not its nearest ancestor's at the default depth."""
    depth = 40
    path = tmp_path / "deep.yaml"
    path.write_text("".join(f"{' ' * level}k{level}:\n" for level in range(depth)) + f"{' ' * depth}leaf: 1\n")
    wide = replace(DEFAULT_LIMITS, max_depth=64)
    document, findings = load_document(path, "deep.yaml", wide)
    assert findings == [] and document.limits == wide
    deepest = (*(f"k{level}" for level in range(depth)), "leaf")
    assert document.locate(deepest) == (depth + 1, depth + 7)


# A tag, an anchor or an alias at each place YAML reads one: block and flow, after a key,
# an entry, a document marker, an explicit key, and a JSON-like key's colon.
NODE_PROPERTIES = [
    "a: &x 1\nb: *x\n",
    "- !!str x\n",
    "a: [&x 1, *x]\n",
    "{a: &x 1, b: *x}\n",
    '{"a":&x 1, "b":*x}\n',
    "? &k key\n: v\n",
    "&m a: b\n",
    "--- !tag\na: 1\n",
    "a:\n  - &x 1\n  - *x\n",
    "a: !custom x\n",
    "a: ! x\n",
]


@pytest.mark.parametrize("text", NODE_PROPERTIES)
def test_every_node_property_sends_the_file_to_the_event_scan(text: str) -> None:
    """The loader's cheap look at the raw text (``_text_looks_risky``) must be true wherever
    YAML reads a node property, or the scan that counts aliases and finds custom tags would
    be skipped; prose and query text with ``&``, ``*`` or ``!`` need not be scanned."""
    events = list(yaml.parse(text))
    assert any(getattr(e, "anchor", None) or getattr(e, "tag", None) for e in events), text
    assert yamldoc._text_looks_risky(text, DEFAULT_LIMITS), text


@pytest.mark.parametrize(
    "text", ["a: count(*) > 0\n", "a: x * 100\n", "a: Q&A, R & D\n", "a: done!\n", "a: >-\n  card *{last4}\n"]
)
def test_prose_with_sigils_is_not_scanned(text: str) -> None:
    assert not any(getattr(e, "anchor", None) for e in yaml.parse(text))
    assert not yamldoc._text_looks_risky(text, DEFAULT_LIMITS), text


# What the loader's quickest looks at the raw text mean, as the regular expressions they
# replace (model/yamldoc.py): the fast forms must answer as these do on every text.
NODE_PROPERTY_DEFINITION = re.compile(r"(?:^|[\s\ufeff\[{,:])(?:!|[&*][^\s,\[\]{}])")
OPEN_QUOTE_DEFINITION = re.compile(r'^[^"\n]*(?:"[^"\n]*"[^"\n]*)*"[^"\n]*$', re.M)
COMPACT_RUN_DEFINITION = re.compile(r"[-?:][ \t]+[-?:][ \t]+[-?:][ \t\n]")
DEEP_FLOW_DEFINITION = re.compile(r"[\[{][^\]}]*[\[{][^\]}]*[\[{]")
CONTROL_DEFINITION = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _looks_answer_as_defined(text: str, where: object) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    assert yamldoc._has_node_property(text) == (NODE_PROPERTY_DEFINITION.search(text) is not None), where
    assert yamldoc._has_open_quote(text) == (OPEN_QUOTE_DEFINITION.search(text) is not None), where
    assert yamldoc._has_control(raw) == (CONTROL_DEFINITION.search(text) is not None), where
    assert yamldoc._has_compact_run(raw) == (COMPACT_RUN_DEFINITION.search(text) is not None), where
    assert yamldoc._has_deep_flow(raw) == (DEEP_FLOW_DEFINITION.search(text) is not None), where
    for limit in (3, 8):
        expected = any(len(line) > limit for line in text.split("\n"))
        assert yamldoc._too_long_line(text, limit, raw) == expected, where


def test_the_fast_looks_at_the_text_answer_as_their_regular_expressions() -> None:
    rng = random.Random(2026)
    # the sigils, what may stand before one, whitespace of several kinds (the regex's \s
    # is Unicode's), quotes, line breaks, brackets, letters, and control characters and
    # their neighbours, of one byte and of two and three in UTF-8
    alphabet = [
        *"!&*\"'[]{},:-? \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\ufeffaZ1яё(#",
        *"\x00\x08\x09\x1f\x20\x7e\x7f\x80\x84\x86\x9f\xc2\ufffd\ufffe\uffff\u00ff\u0100",
        "count(*)",
        "\r\n",
    ]
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        _looks_answer_as_defined(text, repr(text))
    # and texts of indicators, blanks and brackets alone, where runs and nesting are common
    for symbols in ("-?: \t\nx[]{}", "-: \n", "[]{}x"):
        for _ in range(5_000):
            text = "".join(rng.choice(symbols) for _ in range(rng.randint(0, 10)))
            _looks_answer_as_defined(text, repr(text))
    for path in sorted((REPO / "runbooks").glob("*.yaml")):
        _looks_answer_as_defined(path.read_text(encoding="utf-8"), path)
