"""One mistake, one finding: a single wrong line in any content file of the sample gives at
most three problems, and the first one printed is the mistake itself.

The property is checked over every content file of the repository's own sample, with the
mistakes of tests/mistakes.py applied line by line (a deterministic sample of the lines:
every STRIDE-th line each mistake applies to; OPSKB_ALL_MISTAKES=1 takes every line), in
process through `opskb.cli.main`; the cases the issue names run through the real console
script too.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_opskb
from mistakes import Mutation, mutations

CONTENT = ("runbooks", "escalation", "status_mappings")
FILES = sorted(p.relative_to(REPO).as_posix() for folder in CONTENT for p in (REPO / folder).glob("*.yaml"))
STRIDE = 1 if os.environ.get("OPSKB_ALL_MISTAKES") else 17
BOUND = 3
# Mistakes that are always a YAML problem, wherever they are made.
ALWAYS_FOUND = {"duplicate-key", "yes-value", "unquoted-time"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    for folder in (*CONTENT, "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def _points_at_mistake(problem: dict, mutation: Mutation) -> bool:
    """The problem is at the changed line (a duplicate key: at the copy below it), or names
    it: the definition a dangling reference most likely meant, or where a value began."""
    if problem["path"] == mutation.rel and problem["line"] in (mutation.line, mutation.line + 1):
        return True
    named = f"({mutation.rel}:{mutation.line})"
    return named in problem["hint"] or (
        problem["path"] == mutation.rel and f"line {mutation.line})" in problem["message"]
    )


def _check_mutated(cli, root: Path, mutation: Mutation) -> list[dict]:
    target = root / mutation.rel
    original = target.read_text(encoding="utf-8")
    target.write_text(mutation.text, encoding="utf-8")
    try:
        result = cli("check", root, "--format", "json", "--ignore", "KB401")
    finally:
        target.write_text(original, encoding="utf-8")
    assert result.code in (0, 1), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    return result.json()


@pytest.mark.parametrize("rel", FILES)
def test_any_single_line_mistake_gives_at_most_three_problems_root_cause_first(sample: Path, cli, rel: str) -> None:
    assert cli("check", sample, "--ignore", "KB401", "--strict").code == 0
    tried = 0
    for mutation in mutations(sample, rel, STRIDE):
        problems = _check_mutated(cli, sample, mutation)
        tried += 1
        shown = [f"{p['path']}:{p['line']}:{p['column']} {p['code']} {p['message']}" for p in problems]
        assert len(problems) <= BOUND, f"{mutation}: {len(problems)} problems\n" + "\n".join(shown)
        if mutation.mistake in ALWAYS_FOUND and not mutation.in_text:
            assert problems, f"{mutation}: not found"
        if problems:
            assert _points_at_mistake(problems[0], mutation), f"{mutation}: first is not the mistake\n" + "\n".join(
                shown
            )
    assert tried > 0


def _replace_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


NAMED = {
    "an unquoted time in teams.yaml": ("escalation/teams.yaml", '      start: "08:00"', "      start: 08:00"),
    "a tab in teams.yaml": ("escalation/teams.yaml", '      start: "08:00"', '\t     start: "08:00"'),
    "a duplicate key in teams.yaml": (
        "escalation/teams.yaml",
        "    vendor: true\n",
        "    vendor: true\n    vendor: true\n",
    ),
    "vendor: yes in teams.yaml": ("escalation/teams.yaml", "    vendor: true\n", "    vendor: yes\n"),
    "an unquoted time in sla.yaml": ("escalation/sla.yaml", '"09:00"', "09:00"),
    "a misspelt field in a runbook": ("runbooks/prices-not-applied.yaml", "\nroute: ", "\nroute_id: "),
    "a wrong tag in a runbook": ("runbooks/prices-not-applied.yaml", "\ntags:", "\ntags: !custom"),
}


@pytest.mark.parametrize("case", list(NAMED), ids=list(NAMED))
def test_the_mistakes_the_issue_names_each_give_one_problem_through_the_console_script(
    tmp_path: Path, case: str
) -> None:
    rel, old, new = NAMED[case]
    for folder in (*CONTENT, "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    _replace_line(tmp_path / rel, old, new)
    result = run_opskb("check", tmp_path, "--format", "json", "--ignore", "KB401")
    assert result.code == 1 and "Traceback" not in result.err
    problems = json.loads(result.out)
    assert [p["path"] for p in problems] == [rel], problems
    text = run_opskb("check", tmp_path, "--ignore", "KB401")
    assert text.out.startswith(f"{rel}:")


def test_a_broken_runbook_does_not_make_its_related_runbooks_dangling(tmp_path: Path, cli) -> None:
    for folder in (*CONTENT, "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    runbook = tmp_path / "runbooks" / "prices-not-applied.yaml"
    assert "related:" in runbook.read_text()
    _replace_line(runbook, "\nkind: incident", "\nkind: incidnet")
    problems = cli("check", tmp_path, "--format", "json", "--ignore", "KB401").json()
    assert [(p["path"], p["code"]) for p in problems] == [("runbooks/prices-not-applied.yaml", "KB101")]


def test_a_team_file_that_cannot_be_read_still_lets_a_wrong_team_name_be_found(tmp_path: Path, cli) -> None:
    """The ids of a file YAML refuses are read again as far as it can be (model/recovery.py):
    its teams stay known, so a reference to a team that is in no file is still reported
    beside the YAML error, instead of every team reference being let pass until the file
    is fixed."""
    for folder in (*CONTENT, "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    teams = tmp_path / "escalation" / "teams.yaml"
    _replace_line(teams, "    name: Stock synchronisation\n", "    name: Stock synchronisation\n   bad: [\n")
    runbook = tmp_path / "runbooks" / "prices-not-applied.yaml"
    _replace_line(runbook, "  owner: pricing-team\n", "  owner: pricng-team\n")
    problems = cli("check", tmp_path, "--format", "json", "--ignore", "KB401").json()
    found = [(p["path"], p["code"]) for p in problems]
    assert found[0][0] == "escalation/teams.yaml" and found[0][1].startswith("KB0"), found
    wrong = [p for p in problems if p["path"] == "runbooks/prices-not-applied.yaml"]
    assert [p["code"] for p in wrong] == ["KB202"] and "'pricng-team'" in wrong[0]["message"], problems
    assert "did you mean 'pricing-team'" in wrong[0]["hint"]


def test_a_renamed_team_is_one_problem_that_names_both_ends(tmp_path: Path, cli) -> None:
    for folder in (*CONTENT, "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    teams = tmp_path / "escalation" / "teams.yaml"
    _replace_line(teams, "  - id: l1-support\n", "  - id: l1-supprot\n")
    line = teams.read_text().split("\n").index("  - id: l1-supprot") + 1
    (problem,) = cli("check", tmp_path, "--format", "json", "--ignore", "KB401").json()
    assert problem["code"] == "KB202" and "'l1-support'" in problem["message"]
    assert f"did you mean 'l1-supprot' (escalation/teams.yaml:{line})?" in problem["hint"]
    # every other hop that names it is listed under it, and the team's own warning too
    assert len(problem["also"]) >= 19
    assert any(item.endswith("KB214") for item in problem["also"])
