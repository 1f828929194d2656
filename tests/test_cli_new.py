"""`opskb new`: commented files that pass `opskb check` the moment they are written."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from opskb.gate.checker import check_tree


def _problems_in(root: Path, rel: str) -> list:
    """The problems in one file, but for its placeholders (KB405): a scaffold is written
    with TODOs, and those are the author's to fill in."""
    _, problems = check_tree(root)
    return [p for p in problems if p.path == rel and p.code != "KB405"]


def _only_placeholders(cli, root: Path) -> None:
    """`check --strict` fails on the scaffolds' TODOs (KB405) and on nothing else."""
    result = cli("check", "--strict", "--format", "json", root)
    assert result.code == 1, result.out
    codes = {problem["code"] for problem in json.loads(result.out)}
    assert codes == {"KB405"}, result.out


def test_new_runbook_is_valid_and_commented(cli, tree: Path) -> None:
    result = cli("new", "runbook", "loyalty-points-missing", "--title", "Loyalty points not credited", "--root", tree)
    assert result.code == 0, result.err
    path = tree / "runbooks" / "loyalty-points-missing.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Runbook:")
    assert 'title: "Loyalty points not credited"' in text
    assert "route: pricing" in text and "owner: pricing-owner" in text
    assert _problems_in(tree, "runbooks/loyalty-points-missing.yaml") == []
    assert "KB405" not in result.err  # the TODOs are the template's, not news to its author
    _only_placeholders(cli, tree)
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
    _only_placeholders(cli, root)


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
    assert cli("new", "team", "zz-new-team", "--root", root).code == 0
    assert cli("new", "route", "zz-new-route", "--owner", "zz-new-team", "--root", root).code == 0
    assert [p.code for p in _problems_in(root, "escalation/teams.yaml")] == []
    assert [p.code for p in _problems_in(root, "escalation/routes.yaml")] == ["KB213"]


# ------------------------------------------------------------------ one team or route


def test_a_team_and_a_route_join_the_existing_files_as_written(cli, tree: Path) -> None:
    teams, routes = tree / "escalation" / "teams.yaml", tree / "escalation" / "routes.yaml"
    teams_before, routes_before = teams.read_text(encoding="utf-8"), routes.read_text(encoding="utf-8")
    added = cli("new", "team", "payments-owner", "--line", "L2", "--title", "Payments owner", "--root", tree)
    assert added.code == 0, added.err
    assert "KB214" in added.err  # nobody routes to it yet: said at once, as a warning
    assert "opskb new route ID --owner payments-owner" in added.out
    route = cli("new", "route", "payments", "--sla", "critical-24x7", "--owner", "payments-owner", "--root", tree)
    assert route.code == 0, route.err
    # Everything that was there stays byte for byte; the entry comes after, indented alike.
    assert teams.read_text(encoding="utf-8").startswith(teams_before.rstrip("\n") + "\n\n  # Team payments-owner")
    assert routes.read_text(encoding="utf-8").startswith(routes_before.rstrip("\n") + "\n\n  # Route payments")
    kb, problems = check_tree(tree)
    # no runbook uses the route yet; the TODOs of the new entries are left to write
    assert sorted({p.code for p in problems}) == ["KB213", "KB405"]
    assert kb.teams["payments-owner"].data["name"] == "Payments owner"
    assert [hop["team"] for hop in kb.routes["payments"].data["hops"]] == ["l1-desk", "payments-owner"]
    assert kb.routes["payments"].data["hops"][1]["after"] == kb.sla_policies["critical-24x7"].data["resolve_within"]
    # ...and a runbook can take the route straight away.
    runbook = tree / "runbooks" / "prices-not-applied.yaml"
    runbook.write_text(runbook.read_text(encoding="utf-8").replace("route: pricing", "route: payments"))
    escalate = cli("escalate", "prices-not-applied", "--root", tree)
    assert escalate.code == 0 and "Payments owner" in escalate.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["team", "pricing-owner"], "already has a team 'pricing-owner'"),
        (["team", "x", "--line", "L4"], "line 'L4'"),
        (["route", "pricing"], "already has a route 'pricing'"),
        (["route", "x", "--sla", "gold"], "no SLA policy 'gold'"),
        (["route", "x", "--owner", "nobody"], "no team 'nobody'"),
        (["route", "x", "--owner", "l1-desk"], "is L1"),
    ],
)
def test_entry_usage_errors_change_nothing(cli, tree: Path, args: list[str], message: str) -> None:
    before = {p: p.read_bytes() for p in (tree / "escalation").iterdir()}
    result = cli("new", *args, "--root", tree)
    assert result.code == 2 and message in result.err, result.err
    assert {p: p.read_bytes() for p in (tree / "escalation").iterdir()} == before


def test_a_file_in_flow_style_is_refused_untouched(cli, tree: Path) -> None:
    teams = tree / "escalation" / "teams.yaml"
    kb, _ = check_tree(tree)
    flow = "teams: [" + ", ".join(_flow(t.data) for t in kb.teams.values()) + "]\n"
    teams.write_text(flow, encoding="utf-8")
    assert cli("check", tree).code == 0
    result = cli("new", "team", "payments-owner", "--root", tree)
    assert result.code == 2 and "not a block list" in result.err
    assert teams.read_text(encoding="utf-8") == flow


def test_an_entry_with_errors_is_taken_back(cli, tree: Path) -> None:
    """A knowledge base whose own schema asks more of a team (a phone for every team): the
    entry fails it, the error is shown, and the file is put back as it was."""
    shutil.copytree(REPO / "schemas", tree / "schemas")
    schema_path = tree / "schemas" / "teams.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["$defs"]["contacts"]["required"] = ["phone"]
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    teams = tree / "escalation" / "teams.yaml"
    text = teams.read_text(encoding="utf-8")
    for contacts in re.findall(r"    contacts:\n(?:      .*\n)+", text):
        if "phone:" not in contacts:
            text = text.replace(contacts, contacts + '      phone: "+7 000 000-00-00"\n')
    teams.write_text(text, encoding="utf-8")
    before = teams.read_bytes()
    assert cli("check", tree).code == 0
    result = cli("new", "team", "payments-owner", "--root", tree)
    assert result.code == 1
    assert "KB103" in result.err and "left as it was" in result.err
    assert teams.read_bytes() == before
    assert not list(teams.parent.glob(".*.tmp"))  # no temporary file left behind


def test_entry_to_stdout_writes_nothing(cli, tree: Path) -> None:
    before = (tree / "escalation" / "routes.yaml").read_bytes()
    result = cli("new", "route", "payments", "--root", tree, "--stdout")
    assert result.code == 0 and result.out.startswith("# Route payments") and "- id: payments" in result.out
    assert (tree / "escalation" / "routes.yaml").read_bytes() == before


def _flow(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- nothing is lost: concurrent runs, a full disk, symlinks, modes, line endings ---------


def _tree_state(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` with its bytes (None for a folder): the tree as it is."""
    return {p.relative_to(root).as_posix(): None if p.is_dir() else p.read_bytes() for p in sorted(root.rglob("*"))}


def test_thirty_concurrent_new_routes_lose_none(tree: Path) -> None:
    import subprocess
    import sys

    opskb = str(Path(sys.executable).with_name("opskb"))
    ids = [f"flow-{n:02d}" for n in range(30)]
    # All started before any can finish (each loads and checks the tree first).
    runs = [
        subprocess.Popen(
            [opskb, "new", "route", ident, "--root", str(tree)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ident in ids
    ]
    outcomes = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert all(code == 0 for code, _, _ in outcomes), [err for code, _, err in outcomes if code]
    assert all("added route" in out for _, out, _ in outcomes)
    kb, problems = check_tree(tree)
    assert set(ids) <= set(kb.routes)
    # only "no runbook uses it yet" (and the TODO of each), 30 times
    assert {p.code for p in problems} == {"KB213", "KB405"}
    assert not list((tree / "escalation").glob(".*.tmp"))


def _fail_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


@pytest.mark.parametrize("args", [["runbook", "disk-full"], ["route", "disk-full"], ["team", "disk-full"]])
def test_a_full_disk_leaves_the_tree_as_it_was_and_the_retry_succeeds(
    cli, tree: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    before = _tree_state(tree)
    with monkeypatch.context() as patched:
        _fail_fsync(patched)  # the disk fills up while the file is written
        failed = cli("new", *args, "--root", tree)
    assert failed.code == 2 and "No space left on device" in failed.err, failed.err
    assert _tree_state(tree) == before  # no 0-byte file, no temporary file, nothing changed
    retried = cli("new", *args, "--root", tree)
    assert retried.code == 0, retried.err


def test_a_real_full_disk_leaves_nothing_behind(tmp_path: Path) -> None:
    import os
    import subprocess

    from conftest import MINIMAL, run_opskb

    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        root = disk / "kb"
        shutil.copytree(MINIMAL, root)
        filler = disk / "filler"
        with filler.open("wb", buffering=0) as out:  # fill the disk to the last byte
            for size in (4096, 1):
                try:
                    while out.write(b"\0" * size):
                        pass
                except OSError:
                    pass
        before = _tree_state(root)
        failed = run_opskb("new", "runbook", "disk-full", "--root", root)
        assert failed.code == 2 and "No space left on device" in failed.err, failed.err
        assert "Traceback" not in failed.err
        assert _tree_state(root) == before
        filler.unlink()
        retried = run_opskb("new", "runbook", "disk-full", "--root", root)
        assert retried.code == 0, retried.err
        assert (root / "runbooks" / "disk-full.yaml").stat().st_size > 0
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_an_entry_keeps_the_symlink_the_mode_and_the_crlf_line_endings(cli, tree: Path, tmp_path: Path) -> None:
    import os
    import stat

    routes = tree / "escalation" / "routes.yaml"
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "routes.yaml"
    real.write_bytes(routes.read_bytes().replace(b"\n", b"\r\n"))
    real.chmod(0o640)
    routes.unlink()
    routes.symlink_to(real)
    before = real.read_bytes()
    result = cli("new", "route", "payments", "--root", tree)
    assert result.code == 0, result.err
    assert routes.is_symlink() and routes.resolve() == real.resolve()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    after = real.read_bytes()
    assert after.startswith(before.rstrip(b"\r\n") + b"\r\n\r\n  # Route payments")
    assert b"\n" not in after.replace(b"\r\n", b"")  # every line ends in CRLF, the new ones too
    assert not [p for p in os.listdir(shared) if p != "routes.yaml"]
    kb, _ = check_tree(tree)
    assert "payments" in kb.routes
