"""`opskb run` and the incident-time commands as a user meets them: help, bad input, no traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import REPO, run_opskb
from opskb.gate.checker import check_tree

COMMANDS = ("find", "escalate", "status", "run", "new")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_explains_each_command(cli, command: str) -> None:
    with pytest.raises(SystemExit) as stop:
        cli(command, "--help")
    assert stop.value.code == 0


def test_help_text_through_the_console_script() -> None:
    result = run_opskb("run", "--help")
    assert result.code == 0
    assert "OPSKB_SOURCE_<NAME>" in result.out and "never performed" in result.out


def test_runbook_without_checks(cli, tree: Path) -> None:
    path = tree / "runbooks" / "prices-not-applied.yaml"
    text = path.read_text()
    start, end = text.index("checks:"), text.index("do_not:")
    path.write_text(text[:start] + text[end:])
    path.write_text(path.read_text().replace("    check: accepted-vs-sent\n", ""))
    result = cli("run", "prices-not-applied", "--root", tree)
    assert result.code == 0
    assert "no checks to run" in result.out


def test_broken_runbook_is_refused_with_its_errors(cli, tree: Path) -> None:
    path = tree / "runbooks" / "prices-not-applied.yaml"
    path.write_text(path.read_text().replace('op: ">="', 'op: "=~"'))
    result = cli("run", "prices-not-applied", "--root", tree)
    assert result.code == 1
    assert "runbooks/prices-not-applied.yaml:" in result.err
    assert "Traceback" not in result.err


def test_unknown_runbook(cli, tree: Path) -> None:
    result = cli("run", "prices", "--root", tree)
    assert result.code == 2
    assert "no runbook 'prices'" in result.err


def test_not_a_content_root(cli, tmp_path: Path) -> None:
    for args in (["run", "x"], ["escalate", "x"], ["status", "ozon", "x"]):
        result = cli(*args, "--root", tmp_path)
        assert result.code == 2, args
        assert "use --root" in result.err


def test_unconfigured_sources_in_the_repository_content(cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    kb, _ = check_tree(REPO)
    with_checks = sorted(rid for rid, rb in kb.runbooks.items() if rb.data.get("checks"))
    if not with_checks:
        pytest.skip("no runbook with checks in the repository yet")
    for name in list(os.environ):
        if name.startswith("OPSKB_SOURCE_"):
            monkeypatch.delenv(name)
    empty = tmp_path / "opskb.local.yaml"  # a developer's own config must not change the test
    empty.write_text("sources: {}\n")
    monkeypatch.setenv("OPSKB_CONFIG", str(empty))
    for ident in with_checks:
        result = cli("run", ident, "--root", REPO, "--format", "json")
        assert result.code == 1, ident
        results = json.loads(result.out)["results"]
        assert len(results) == len(kb.runbooks[ident].data["checks"])
        assert all(r["outcome"] == "error" and "not configured" in r["message"] for r in results)


def test_local_config_file_in_the_root_is_used(cli, tree: Path, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "p.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE price_feed_last_run (sent INTEGER, accepted INTEGER)")
        conn.execute("INSERT INTO price_feed_last_run VALUES (5, 5)")
    (tree / "opskb.local.yaml").write_text(f"sources:\n  pricing-db: sqlite:///{db}\n")
    result = cli("run", "prices-not-applied", "--root", tree)
    assert result.code == 0, result.out + result.err
    assert "PASS   accepted-vs-sent" in result.out
