"""`opskb check --alert-rules` against real `promtool check rules`, the definition of a
valid rule file.

Every fixture promtool rejects, opskb rejects at the line its first comment names; every
one promtool accepts, opskb accepts and reads as many rules as promtool counts. promtool
reads plain rule files only, so a manifest's spec is extracted to a plain file first, as
its users do (one file per PrometheusRule, as the operator writes them).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml_rs

from conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "alert_rules"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool missing (Debian's prometheus package; tests/system_deps.py installs it)"
)
_EXPECT = re.compile(r"^# opskb: (KB\d{3}) (\d+)")
_FOUND = re.compile(r"SUCCESS: (\d+) rules found")


def _fixtures(folder: str) -> list[Path]:
    return sorted((FIXTURES / folder).iterdir())


def _expected(path: Path) -> tuple[str, int]:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = _EXPECT.match(first)
    return (match.group(1), int(match.group(2))) if match else ("KB501", 1)


def _plain_files(path: Path, tmp: Path) -> list[Path]:
    """The file as promtool can read it: itself, or each PrometheusRule's spec."""
    text = path.read_text(encoding="utf-8")
    if "kind: PrometheusRule" not in text:
        return [path]
    loaded = yaml_rs.loads(text, parse_datetime=False)
    documents = loaded if "\n---" in text else [loaded]
    plain = []
    for number, document in enumerate(documents):
        if isinstance(document, dict) and document.get("kind") == "PrometheusRule":
            out = tmp / f"{path.stem}.{number}.json"
            out.write_text(json.dumps(document["spec"]), encoding="utf-8")
            plain.append(out)
    return plain


def promtool(path: Path, tmp: Path) -> int | None:
    """Rules promtool finds in the file, or None when it rejects it."""
    total = 0
    for plain in _plain_files(path, tmp):
        proc = subprocess.run([PROMTOOL, "check", "rules", str(plain)], capture_output=True, timeout=60)
        found = _FOUND.search(proc.stdout.decode("utf-8", "replace"))
        if proc.returncode != 0 or found is None:
            return None
        total += int(found.group(1))
    return total


def opskb(cli, tree: Path, *paths: Path, site: tuple[str, ...] = ()) -> tuple[int, list[dict], str]:
    args = [a for p in paths for a in ("--alert-rules", str(p))]
    result = cli("check", tree, "--format", "json", *args, *site)
    return result.code, result.json(), result.err


def test_every_fixture_set_is_there() -> None:
    assert len(_fixtures("accepted")) >= 7 and len(_fixtures("rejected")) >= 30 and len(_fixtures("stricter")) >= 4


@needs_promtool
@pytest.mark.parametrize("path", _fixtures("accepted"), ids=lambda p: p.name)
def test_what_promtool_accepts_opskb_accepts_and_reads_whole(path, tree, cli, tmp_path) -> None:
    rules = promtool(path, tmp_path)
    assert rules, f"promtool rejects {path.name}: the fixture belongs in rejected/"
    code, problems, err = opskb(cli, tree, path)
    assert code == 0, problems
    assert {p["code"] for p in problems} <= {"KB403"}, problems
    assert f"read {rules} rule(s)" in err
    # one KB403 per alert, but for the one alert the example tree's runbook handles
    alerts = int(re.search(r"\((\d+) alert", err).group(1))
    handled = int("- alert: MarketplacePricesAcceptedBelowSent" in path.read_text(encoding="utf-8"))
    assert len(problems) + handled == alerts > 0


@needs_promtool
@pytest.mark.parametrize("path", _fixtures("rejected"), ids=lambda p: p.name)
def test_what_promtool_rejects_opskb_rejects_at_its_line(path, tree, cli, tmp_path) -> None:
    assert promtool(path, tmp_path) is None, f"promtool accepts {path.name}: the fixture belongs in accepted/"
    code, problems, _ = opskb(cli, tree, path)
    assert code == 1
    errors = {(p["code"], p["line"]) for p in problems if p["level"] == "error"}
    assert _expected(path) in errors, problems
    assert all(p["hint"] and p["path"].endswith(path.name) for p in problems)


@needs_promtool
@pytest.mark.parametrize("path", _fixtures("stricter"), ids=lambda p: p.name)
def test_files_promtool_accepts_but_cannot_be_meant_are_reported(path, tree, cli, tmp_path) -> None:
    assert promtool(path, tmp_path) is not None
    _, problems, _ = opskb(cli, tree, path)
    assert _expected(path) in {(p["code"], p["line"]) for p in problems}, problems
    strict = cli("check", tree, "--strict", "--alert-rules", path)
    assert strict.code == 1


def test_content_rules_do_not_apply_to_rule_files(tree, cli) -> None:
    """yes/no/on label values (KB003), a stream (KB011), anchors (KB004), a byte-order mark (KB008)."""
    paths = [FIXTURES / "accepted" / name for name in ("pricing.rules.yaml", "stream.yaml", "anchors.rules.yaml")]
    bom = tree / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "accepted" / "crlf.rules.yaml").read_bytes())
    code, problems, _ = opskb(cli, tree, *paths, bom)
    assert code == 0 and {p["code"] for p in problems} == {"KB403"}


def test_folders_are_read_recursively_and_repeatable(tree, cli) -> None:
    code, _, err = opskb(cli, tree, FIXTURES / "accepted", FIXTURES / "stricter" / "empty-group.yaml")
    assert code == 0 and "from 8 rule file(s)" in err


def test_a_missing_path_or_an_empty_folder_is_a_usage_error(tree, cli, tmp_path) -> None:
    assert cli("check", tree, "--alert-rules", tmp_path / "nope.yaml").code == 2
    (tmp_path / "empty").mkdir()
    result = cli("check", tree, "--alert-rules", tmp_path / "empty")
    assert result.code == 2 and "no .yaml or .yml file" in result.err


def test_positions_count_characters_after_unicode_and_crlf(tree, cli) -> None:
    line = '        labels: {😀😀: x, "on call": y}'
    rules = tree / "r.yaml"
    rules.write_bytes(
        f"groups:\r\n  - name: ☃ 😀\r\n    rules:\r\n      - alert: 😀😀\r\n        expr: up\r\n{line}\r\n".encode()
    )
    _, problems, _ = opskb(cli, tree, rules)
    assert ("KB510", 6, line.index('"on call"') + 1) in {(p["code"], p["line"], p["column"]) for p in problems}


def test_hostile_rule_files_get_located_errors(tree, cli) -> None:
    bomb = tree / "bomb.yaml"
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    bomb.write_text("\n".join(lines) + "\ngroups: *a8\n", encoding="utf-8")
    deep = tree / "deep.yaml"
    deep.write_text("groups: " + "[" * 100_000, encoding="utf-8")
    binary = tree / "binary.yaml"
    binary.write_bytes(b"groups:\n  - name: \xff\xfe\n")
    code, problems, _ = opskb(cli, tree, bomb, deep, binary)
    assert code == 1
    assert {p["path"].rsplit("/", 1)[-1] for p in problems if p["level"] == "error"} == {
        "bomb.yaml",
        "deep.yaml",
        "binary.yaml",
    }


# Templates as people write them in labels and annotations, and as they get them wrong.
TEMPLATES = [
    "{{ $labels.instance }} is down",
    "{{ $value | humanizePercentage }} of prices accepted",
    '{{ printf "%.2f" $value }} s behind',
    '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
    "{{ if gt $value 0.5 }}high{{ else if gt $value 0.1 }}raised{{ else }}low{{ end }}",
    '{{ range $i, $e := query "up" }}{{ $i }}: {{ $e.Labels.job }}{{ end }}',
    "{{- $labels.job -}} / {{ $externalURL }} {{ $externalLabels.cluster }}",
    "{{/* a comment */}}plain text",
    '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}',
    "{{ $x := 1 }}{{ $x }}",
    '{{ define "x" }}inside{{ end }}{{ template "x" . }}',
    '{{ ($value) }} {{ len $labels }} {{ index $labels "job" }}',
    "{{ 'a' }} {{ `raw\nstring` }} {{ -1.5e3 }} {{ 0x1F }} {{ true }} {{ nil | print }}",
    "{{ $value | }}",
    '{{ range query "up" }}{{ break }}{{ end }}',
    "100%} {not a template}",
    "{{ $value ",
    "{{ $labels.job }",
    "{{ nosuchfunc 1 }}",
    "{{ toDuration 5 }}",
    "{{ if }}x{{ end }}",
    "{{ if .x }}x",
    "x{{ end }}",
    "{{ else }}",
    "{{ $undefined }}",
    "{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}",
    '{{ define "x" }}{{ $labels }}{{ end }}',
    '{{ "a\\q" }}',
    "{{ 'ab' }}",
    '{{ "unterminated }}',
    "{{ 1 | 2 }}",
    "{{ ( }}",
    "{{ ) }}",
    "{{ break }}",
    "{{ x-}}",
    "{{ 1abc }}",
    "{{ $labels.job | }}{{ }}",
    "{{ template x }}",
    "{{ with $value }}a{{ else if true }}b{{ end }}",
    "{{ /* spaced comment */ }}",
    "{{- /* trimmed comment */ -}}",
    "{{ .Labels.job }} {{ .Value }}",
    "{{ $value | humanize }}{{",
    "{{{{ $value }}",
    "}} closing braces alone",
    '{{ "a" "b" }}',
    "{{ .x.y.z }} {{ $labels.job.x }}",
    '{{ "a".x }}',
    '{{ index $labels "a" | printf "%s" }}',
    "{{ $value := 2 }}{{ $value }}",
    "{{ $a, $b := 1 }}",
    "{{ range $a, $b, $c := . }}{{ end }}",
    '{{ block "b" . }}x{{ end }}',
    '{{ block "b" }}x{{ end }}',
    "{{ continue }}",
    "{{ range . }}{{ continue }}{{ end }}",
    "{{ if 1 }}{{ else }}{{ else }}{{ end }}",
    "{{- 3 }} {{-3}}",
    "{{ 'x }}",
    '{{ "\\u00e9" }}',
    '{{ "\\x4" }}',
    "{{ 1_000 }}",
    "{{ 1__0 }}",
    "{{ 0x }}",
    "{{ 08 }}",
    "{{ ☃ }}",
    "{{ é }}",
    "{{ $é := 1 }}{{ $é }}",
    "{{\t$value\n}}",
    "{{ $value -}} {{ $value- }}",
    "{{ if $value }}{{ end }}{{ end }}",
    "{{ with $value }}{{ $z := 1 }}{{ $z }}{{ end }}",
    "{{ 1.x }}",
    "{{ (1) }}{{ (1).x }}",
    "{{ true.x }}",
    '{{ $labels.job | len | printf "%d" }}',
]


@needs_promtool
def test_templates_are_judged_as_promtool_judges_them(tree, cli, tmp_path) -> None:
    """One alert per template (line 4 * number + 3 holds it); promtool names the failing rules."""
    rules = ["groups:", "  - name: templates", "    rules:"]
    for number, template in enumerate(TEMPLATES, start=1):
        rules += [f"      - alert: T{number}", "        expr: up", "        annotations:"]
        rules += [f"          summary: {json.dumps(template)}"]
    path = tmp_path / "templates.yaml"
    path.write_text("\n".join(rules) + "\n", encoding="utf-8")
    proc = subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, timeout=60)
    output = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    refused_by_promtool = {int(n) for n in re.findall(r"rule (\d+), \"T\d+\": annotation", output)}
    _, problems, _ = opskb(cli, tree, path)
    refused_by_opskb = {(p["line"] - 3) // 4 for p in problems if p["code"] == "KB517"}
    assert 5 < len(refused_by_promtool) < len(TEMPLATES)
    verdicts = {
        TEMPLATES[n - 1]: (n in refused_by_promtool, n in refused_by_opskb) for n in range(1, len(TEMPLATES) + 1)
    }
    assert {t: v for t, v in verdicts.items() if v[0] != v[1]} == {}


@needs_promtool
def test_the_sample_rules_pass_promtool_and_the_gate(cli, tmp_path) -> None:
    """tests/fixtures/monitoring/ as `make check` checks it: every alert has a runbook and a link to it."""
    folder = REPO / "tests" / "fixtures" / "monitoring"
    rules = promtool(folder / "prometheus-rules.yaml", tmp_path)
    result = cli("check", REPO, "--strict", "--ignore", "KB401", "--alert-rules", folder,
                 "--site-url", "https://opskb.example.org/")  # fmt: skip
    assert result.code == 0, result.out
    assert f"read {rules} rule(s) ({rules} alert(s))" in result.err


def test_expressions_too_deep_for_the_parser_are_refused_not_crashing(tree, cli) -> None:
    """The PromQL parser overflows its stack on ~5,000 chained operators: bounded first.
    Run as a process, so a crash would show as a signal, not pass unseen."""
    from conftest import run_opskb

    chains = {"binary": "x" + " + x" * 20_000, "and": "x" + " and x" * 20_000, "unary": "-" * 20_000 + "x"}
    rules = ["groups:", "  - name: deep", "    rules:"]
    for name, expr in chains.items():
        rules += [f"      - record: deep:{name}", f"        expr: '{expr}'"]
    rules += ["      - record: fine:sum", "        expr: sum(x)"]
    path = tree / "deep.yaml"
    path.write_text("\n".join(rules) + "\n", encoding="utf-8")
    result = run_opskb("check", tree, "--alert-rules", path, "--format", "json")
    assert result.code == 1, result.err
    found = [(p["code"], p["line"]) for p in json.loads(result.out)]
    assert found == [("KB506", 5), ("KB506", 7), ("KB506", 9)]
