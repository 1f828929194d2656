"""`opskb new`: commented files that pass `opskb check` the moment they are written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from opskb.checker import check_tree


def _problems_in(root: Path, rel: str) -> list:
    _, problems = check_tree(root)
    return [p for p in problems if p.path == rel]


def test_new_runbook_is_valid_and_commented(cli, tree: Path) -> None:
    result = cli("new", "runbook", "loyalty-points-missing", "--title", "Loyalty points not credited", "--root", tree)
    assert result.code == 0, result.err
    path = tree / "runbooks" / "loyalty-points-missing.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Runbook:")
    assert 'title: "Loyalty points not credited"' in text
    assert "route: pricing" in text and "owner: pricing-owner" in text
    assert _problems_in(tree, "runbooks/loyalty-points-missing.yaml") == []
    assert cli("check", "--strict", tree).code == 0
    # ...and the other commands can use it at once.
    assert cli("escalate", "loyalty-points-missing", "--root", tree).code == 0
    assert cli("run", "loyalty-points-missing", "--root", tree).code == 0


def test_new_marketplace_is_valid(cli, tree: Path) -> None:
    assert cli("new", "marketplace", "aliexpress", "--title", "AliExpress", "--root", tree).code == 0
    assert _problems_in(tree, "status_mappings/aliexpress.yaml") == []
    result = cli("status", "aliexpress", "CANCELLED", "--root", tree)
    assert "-> cancelled" in result.out


def test_a_knowledge_base_from_nothing(cli, tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    for kind in ("teams", "sla", "routes", "internal"):
        assert cli("new", kind, "--root", root).code == 0
    assert cli("new", "runbook", "first-incident", "--root", root).code == 0
    assert cli("new", "marketplace", "first-market", "--root", root).code == 0
    assert cli("check", "--strict", root).code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["runbook"], "needs an id"),
        (["runbook", "Bad_Id"], "lower-case letters"),
        (["runbook", "prices-not-applied"], "already exists"),
        (["runbook", "x", "--route", "nope"], "no route 'nope'"),
    ],
)
def test_usage_errors(cli, tree: Path, args: list[str], message: str) -> None:
    result = cli("new", *args, "--root", tree)
    assert result.code == 2
    assert message in result.err


def test_existing_file_is_never_overwritten(cli, tree: Path) -> None:
    before = (tree / "escalation" / "teams.yaml").read_text()
    assert cli("new", "teams", "--root", tree).code == 2
    assert (tree / "escalation" / "teams.yaml").read_text() == before


def test_stdout_writes_nothing(cli, tree: Path) -> None:
    result = cli("new", "runbook", "dry-run", "--root", tree, "--stdout")
    assert result.code == 0 and "id: dry-run" in result.out
    assert not (tree / "runbooks" / "dry-run.yaml").exists()


def test_new_runbook_in_the_repository_content(cli, tmp_path: Path) -> None:
    _, problems = check_tree(REPO)
    if any(p.level == "error" for p in problems) or not (REPO / "escalation" / "routes.yaml").exists():
        pytest.skip("the repository content is not clean yet")
    root = tmp_path / "repo"
    for folder in ("runbooks", "escalation", "status_mappings"):
        shutil.copytree(REPO / folder, root / folder)
    assert cli("new", "runbook", "zz-new-incident", "--root", root).code == 0
    assert cli("new", "marketplace", "zz-new-market", "--root", root).code == 0
    assert _problems_in(root, "runbooks/zz-new-incident.yaml") == []
    assert _problems_in(root, "status_mappings/zz-new-market.yaml") == []
