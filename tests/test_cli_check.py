"""`opskb check --select/--ignore`, and the merge gate that leaves review dates aside."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, apply_example
from opskb.gate.registry import all_rules

# Far enough ahead that every review in the example tree and in the repository is overdue.
LATER = "2031-01-01"


@pytest.fixture
def overdue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSKB_TODAY", LATER)


def _codes(output: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: (KB\d{3})", output, re.M)


def test_overdue_reviews_fail_strict_until_ignored(overdue, tree: Path, cli) -> None:
    strict = cli("check", tree, "--strict")
    assert strict.code == 1 and set(_codes(strict.out)) == {"KB401"}, strict.out
    gate = cli("check", tree, "--strict", "--ignore", "KB401")
    assert gate.code == 0, gate.out
    assert gate.out == ""
    reported = len(_codes(strict.out))
    assert gate.err.strip() == f"0 error(s), 0 warning(s), {reported} not reported (--select/--ignore)"


def test_ignoring_reviews_still_reports_every_other_problem(overdue, example_tree: Path, cli) -> None:
    apply_example(example_tree, all_rules()["KB201"].bad)
    result = cli("check", example_tree, "--strict", "--ignore", "KB401")
    assert result.code == 1
    # the route left unused is the same mistake seen from the other end: listed under it
    assert set(_codes(result.out)) == {"KB201"}, result.out
    assert "also (follow-on or the same mistake): escalation/routes.yaml:2:9 KB213" in result.out


def test_select_reports_only_the_chosen_codes(overdue, example_tree: Path, cli) -> None:
    apply_example(example_tree, all_rules()["KB201"].bad)
    reviews = cli("check", example_tree, "--select", "kb4")  # prefixes, any case
    assert set(_codes(reviews.out)) == {"KB401"} and reviews.code == 0
    assert cli("check", example_tree, "--select", "KB4", "--strict").code == 1
    both = cli("check", example_tree, "--format", "json", "--select", "KB201,KB401", "--ignore", "KB40")
    assert {p["code"] for p in both.json()} == {"KB201"} and both.code == 1


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_a_code_that_matches_no_rule_is_a_usage_error(tree: Path, cli, flag: str) -> None:
    result = cli("check", tree, flag, "KB401,KB9")
    assert result.code == 2
    assert result.out == ""
    assert "no rule code starts with KB9" in result.err


def _make_recipe(target: str) -> list[str]:
    """The commands `make TARGET` runs, read from the Makefile (so the test follows it)."""
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    body = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", text, re.M)
    assert body, f"no {target} target in the Makefile"
    bindir = str(Path(sys.executable).parent)
    return [line.strip().replace("$(BIN)", bindir) for line in body.group(1).splitlines()]


def test_the_merge_gate_on_this_repository_does_not_rot_with_the_calendar() -> None:
    """`make check` (part of `make test`) must pass on a clean clone years later; `make
    review` is where the overdue reviews show up."""
    env = {"PATH": "/usr/bin:/bin", "OPSKB_TODAY": LATER}
    (gate,) = _make_recipe("check")
    passed = subprocess.run(gate, shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    (review,) = _make_recipe("review")
    listed = subprocess.run(review, shell=True, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0
    runbooks = sorted(p.name for p in (REPO / "runbooks").glob("*.yaml"))
    overdue = sorted(
        {line.split(":")[0].removeprefix("runbooks/") for line in listed.stdout.splitlines() if "KB401" in line}
    )
    assert overdue == runbooks
