"""`opskb import md`: Markdown runbooks of other projects' shapes, in English and Russian
(tests/fixtures/markdown_runbooks: kube-prometheus's `# AlertName` + Meaning / Impact /
Diagnosis / Mitigation, a GitLab-like page with front matter, an SRE-like Symptoms /
Resolution page, a Russian team's Симптомы / Что делать / Чего не делать), imported into
this repository's own content, through the gate, `opskb find` and `mkdocs build --strict`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO, TODAY
from new_team import fill_todos, is_todo_finding
from opskb.model.kb import load_knowledge_base
from site_helpers import mkdocs_build, repository_content, write_config

FIXTURES = REPO / "tests" / "fixtures" / "markdown_runbooks"
EXPECTED = {
    "alertmanager-failed-reload.yaml",
    "kube-pod-crash-looping.yaml",
    "postgres-replication-lag-high.yaml",
    "disk-almost-full-on-a-storage-node.yaml",
    "ochered-soobshchenii-perepolnena.yaml",
}
# The rule file a team monitors with: the severity of two imported alerts comes from it.
ALERT_RULES = """groups:
  - name: alertmanager
    rules:
      - alert: AlertmanagerFailedReload
        expr: max_over_time(alertmanager_config_last_reload_successful[5m]) == 0
        for: 10m
        labels:
          severity: critical
      - alert: KubePodCrashLooping
        expr: max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1
        for: 15m
        labels:
          severity: warning
"""


def _route_owner_system(root: Path) -> tuple[str, str, str]:
    """A route of the content whose L2 team owns a system: what a team passes for what
    Markdown does not say."""
    kb, _ = load_knowledge_base(root)
    for route in sorted(kb.routes.values(), key=lambda e: e.id):
        owner = next((hop["team"] for hop in route.data["hops"] if hop["line"] == "L2"), None)
        owns = kb.teams[owner].data.get("owns", []) if owner in kb.teams else []
        if owns:
            return route.id, owner, owns[0]
    raise AssertionError("no route of the content has an L2 team that owns a system")


def _import(cli, root: Path, tmp_path: Path, *more: str) -> Any:
    rules = tmp_path / "rules.yaml"
    rules.write_text(ALERT_RULES, encoding="utf-8")
    route, _, system = _route_owner_system(root)
    return cli(
        "import", "md", FIXTURES, "--root", root, "--route", route, "--system", system, "--alert-rules", rules, *more
    )


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    return repository_content(tmp_path / "kb")


def test_an_imported_folder_fails_only_on_its_todos_then_passes_finds_and_builds(cli, kb_root: Path, tmp_path: Path):
    before = {p.name for p in (kb_root / "runbooks").iterdir()}
    result = _import(cli, kb_root, tmp_path)
    assert result.code == 1, result.err  # two files of the folder are no runbooks
    made = {p.name for p in (kb_root / "runbooks").iterdir()} - before
    assert made == EXPECTED, result.out

    gate = cli("check", "--strict", "--ignore", "KB401", "--format", "json", kb_root)
    assert gate.code == 1
    problems = json.loads(gate.out)
    assert problems, "the import left TODOs, and the gate must say so"
    assert {p["path"].removeprefix("runbooks/") for p in problems} <= EXPECTED
    assert all(is_todo_finding(p) for p in problems), [p for p in problems if not is_todo_finding(p)]
    # each at the field: the line holds the TODO
    for problem in problems:
        line = (kb_root / problem["path"]).read_text(encoding="utf-8").splitlines()[problem["line"] - 1]
        assert "TODO" in line, problem

    for name in EXPECTED:
        fill_todos(kb_root / "runbooks" / name)
    gate = cli("check", "--strict", "--ignore", "KB401", kb_root)
    assert gate.code == 0, gate.out

    for query, expected in [
        ("KubePodCrashLooping", "kube-pod-crash-looping"),
        ("AlertmanagerFailedReload", "alertmanager-failed-reload"),
        ("PostgresReplicationLagHigh", "postgres-replication-lag-high"),
        ("очередь сообщений переполнена", "ochered-soobshchenii-perepolnena"),
        ("No space left on device", "disk-almost-full-on-a-storage-node"),
    ]:
        found = cli("find", query, "--root", kb_root, "--format", "json")
        assert found.code == 0, found.err
        assert json.loads(found.out)["runbooks"][0]["id"] == expected, (query, found.out[:400])

    site = tmp_path / "site"
    built = mkdocs_build(write_config(kb_root), site)
    assert built.returncode == 0, built.stderr
    page = (site / "runbooks" / "kube-pod-crash-looping.html").read_text(encoding="utf-8")
    assert "<code>kubectl -n $NAMESPACE logs $POD --previous</code>" in page  # inline code in step text
    assert '<pre class="opskb-command"><code>kubectl -n $NAMESPACE describe pod $POD</code></pre>' in page
    assert (
        '<a href="https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/" rel="noopener noreferrer">'
        in page
    )
    assert 'id="references"' in page


def test_what_each_shape_becomes(cli, kb_root: Path, tmp_path: Path) -> None:
    result = _import(cli, kb_root, tmp_path, "--dry-run", "--format", "json")
    report = json.loads(result.out)
    assert not list((kb_root / "runbooks").glob("*failed-reload*")), "a dry run writes nothing"
    runbooks = {Path(r["path"]).name: yaml.safe_load(r["text"]) for r in report["imported"]}
    assert set(runbooks) == EXPECTED

    # kube-prometheus: title from the front matter, alert from the H1, severity from the rule
    am = runbooks["alertmanager-failed-reload.yaml"]
    assert am["title"] == "Alertmanager Failed Reload" and am["alerts"] == ["AlertmanagerFailedReload"]
    assert am["severity"] == "critical"
    assert am["steps"][0]["command"].startswith("kubectl -n monitoring logs sts/alertmanager-main")
    assert am["steps"][0]["check"] == "TODO"  # a critical incident's diagnosis runs a check (KB404)
    assert "`amtool check-config`" in am["steps"][1]["do"]
    assert am["do_not"] == [
        {"action": "**Do not** delete the Alertmanager pods to force a reload", "why": "The silences are lost."}
    ]
    assert am["first_response"] == ["TODO: the first thing to look at"]
    assert {
        "title": "configuration reference",
        "url": "https://prometheus.io/docs/alerting/latest/configuration/",
    } in am["references"]

    # no front matter: nested list, a code fence in an item, a table, a warning quote, raw HTML
    kube = runbooks["kube-pod-crash-looping.yaml"]
    assert kube["severity"] == "medium"  # the rule's severity: warning
    assert kube["steps"][0]["command"] == "kubectl -n $NAMESPACE describe pod $POD"
    assert "\n– `kubectl -n $NAMESPACE logs $POD --previous`" in kube["steps"][1]["do"]
    assert "What: memory limit; Where: `resources.limits.memory`" in kube["steps"][2]["do"]
    # a paragraph ending in ':' and the list after it are one step
    assert kube["steps"][3]["do"] == (
        "Other causes to rule out:\n– a missing config map or secret\n– a read-only file system"
    )
    assert kube["do_not"][0]["action"].startswith("never raise the memory limit")
    assert kube["do_not"][0]["why"] == "The pod will not schedule."
    assert all("<a" not in step["do"] for step in kube["steps"])

    # GitLab-like: alert, severity (s2) and tags from the front matter; subsections title steps
    pg = runbooks["postgres-replication-lag-high.yaml"]
    assert pg["severity"] == "high" and pg["tags"] == ["database", "postgres"]
    assert [s["title"] for s in pg["steps"][:2]] == ["Find the lagging replica", "Look for long queries on it"]
    assert pg["steps"][0]["command"].startswith("SELECT client_addr")
    assert pg["symptoms"][0] == "Read replicas fall behind the primary; reads return old data."
    assert pg["impact"].startswith("TODO")
    notes = next(r["notes"] for r in report["imported"] if r["id"] == pg["id"])
    assert "section 'Changelog' is not one opskb knows: left out" in notes and "raw HTML left out" in notes

    # SRE-like: numbered resolution, MkDocs warning admonition
    disk = runbooks["disk-almost-full-on-a-storage-node.yaml"]
    assert "alerts" not in disk  # its H1 is a sentence, not an alert's name
    assert disk["steps"][1]["command"] == "find /var/log/app -name '*.gz' -mtime +7 -delete"
    assert disk["do_not"][0]["action"] == "Never delete files under /data/objects by hand."
    assert disk["do_not"][1] == {
        "action": "do not run the cleanup on two nodes at once",
        "why": "Replicas go under quorum.",
    }

    # Russian: "Что делать?" with its question mark, "не" lines, reasons after "потому что"
    ru = runbooks["ochered-soobshchenii-perepolnena.yaml"]
    assert ru["title"] == "Очередь сообщений переполнена" and "alerts" not in ru
    assert len(ru["symptoms"]) == 2 and ru["impact"].startswith("Склад собирает")
    assert [s["title"] for s in ru["steps"]][:2] == [
        "Откройте дашборд очереди и найдите потребителя, который отстаёт",
        "Проверьте его логи",
    ]
    assert {"action": "Не увеличивайте число потребителей больше шести", "why": "База не выдержит нагрузку."} in ru[
        "do_not"
    ]
    assert {"action": "Не очищайте очередь", "why": "Потеряются заказы."} in ru["do_not"]
    assert ru["references"] == [{"title": "Документация брокера", "url": "https://www.rabbitmq.com/docs/monitoring"}]
    assert ru["review"]["last_reviewed"] == TODAY


def test_files_that_are_not_runbooks_are_reported_and_the_rest_imported(cli, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    shutil.copytree(FIXTURES / "kubernetes", folder)
    (folder / "logo.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "latin1.md").write_bytes("# Störung\n\n## Symptoms\n\nfür\n".encode("latin-1"))
    (folder / "notes.md").write_text("Just some notes, no title.\n\n## Symptoms\n\nnothing\n", encoding="utf-8")
    (folder / "index.md").write_text("# On-call\n\n## Rotation\n\nWeekly.\n", encoding="utf-8")
    (folder / "blank.md").write_text("\n \n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("import", "md", folder, tmp_path / "missing.md", "--out", out, "--root", tmp_path)
    assert result.code == 1
    for name, reason in [
        ("logo.md", "a binary file"),
        ("latin1.md", "not UTF-8"),
        ("notes.md", "no title"),
        ("index.md", "no section opskb knows"),
        ("blank.md", "empty file"),
        ("missing.md", "no such file"),
    ]:
        assert any(name in line and reason in line for line in result.err.splitlines()), (name, result.err)
    assert [p.name for p in out.iterdir()] == ["kube-pod-crash-looping.yaml"]


def test_nothing_existing_is_overwritten(cli, tmp_path: Path) -> None:
    page = FIXTURES / "kubernetes" / "KubePodCrashLooping.md"
    out = tmp_path / "runbooks"
    assert cli("import", "md", page, "--out", out, "--root", tmp_path).code == 0
    target = out / "kube-pod-crash-looping.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("TODO: the first", "Look at the first"))
    edited = target.read_bytes()
    again = cli("import", "md", page, "--out", out, "--root", tmp_path)
    assert again.code == 1
    assert "already exists; not overwriting it" in again.err
    assert target.read_bytes() == edited
    assert sorted(p.name for p in out.iterdir()) == ["kube-pod-crash-looping.yaml"]  # no temporary file left


def test_two_pages_of_one_alert_get_distinct_ids(cli, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    page = (FIXTURES / "kubernetes" / "KubePodCrashLooping.md").read_text(encoding="utf-8")
    (folder / "a.md").write_text(page, encoding="utf-8")
    (folder / "b.md").write_text(page, encoding="utf-8")
    assert cli("import", "md", folder, "--out", tmp_path / "out", "--root", tmp_path).code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "kube-pod-crash-looping-2.yaml",
        "kube-pod-crash-looping.yaml",
    ]


def test_a_team_adds_its_own_headings(cli, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Очередь встала\n\n## Как чинить\n\n1. Перезапустите потребителя.\n", encoding="utf-8")
    refused = cli("import", "md", page, "--out", tmp_path / "a", "--root", tmp_path)
    assert refused.code == 1 and "no section opskb knows" in refused.err
    extra = tmp_path / "sections.yaml"
    extra.write_text("sections:\n  steps: [как чинить]\n", encoding="utf-8")
    taken = cli("import", "md", page, "--out", tmp_path / "b", "--root", tmp_path, "--sections", extra)
    assert taken.code == 0, taken.err
    data = yaml.safe_load((tmp_path / "b" / "ochered-vstala.yaml").read_text(encoding="utf-8"))
    assert data["steps"][0]["do"] == "Перезапустите потребителя."
    bad = tmp_path / "bad.yaml"
    bad.write_text("sections:\n  nonsense: [x]\n", encoding="utf-8")
    assert cli("import", "md", page, "--root", tmp_path, "--sections", bad).code == 2


def test_unknown_route_or_team_is_a_usage_error(cli, kb_root: Path) -> None:
    page = FIXTURES / "kubernetes" / "KubePodCrashLooping.md"
    result = cli("import", "md", page, "--root", kb_root, "--route", "no-such-route")
    assert result.code == 2 and "no route 'no-such-route'" in result.err
    result = cli("import", "md", page, "--root", kb_root, "--owner", "no-such-team")
    assert result.code == 2 and "no team 'no-such-team'" in result.err


def test_hostile_markdown_imports_as_inert_text(cli, tree: Path, tmp_path: Path) -> None:
    """Raw HTML is left out, links other than http(s) keep only their text, and what is
    left passes the link check (KB336): the import writes nothing the site would link."""
    page = tmp_path / "hostile.md"
    page.write_text(
        "# Hostile <script>__pwned(0)</script> page\n\n"
        "## Symptoms\n\n"
        "- [click](javascript:__pwned(1)) and <img src=x onerror=__pwned(2)> and [other page](../x.md)\n"
        "- [entity](&#106;avascript:__pwned(3)) {{ 6*7 }} <javascript:__pwned(4)>\n\n"
        "## Steps\n\n"
        "1. Run `<b onmouseover=__pwned(5)>` *carefully* <b onmouseover=__pwned(6)>bold</b>\n"
        "2. [data](data:text/html,x) then [ok](https://example.org/ok)\n\n"
        '<iframe srcdoc="<script>__pwned(7)</script>"></iframe>\n',
        encoding="utf-8",
    )
    result = cli("import", "md", page, "--root", tree, "--route", "pricing", "--system", "pricing", "--severity", "low")
    assert result.code == 0, result.err
    written = tree / "runbooks" / "hostile-pwned-0-page.yaml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert data["title"] == "Hostile __pwned(0) page"  # the tags are left out, their text stays
    assert data["steps"][0]["do"] == "Run `<b onmouseover=__pwned(5)>` *carefully* bold"
    assert data["steps"][1]["do"] == "data then [ok](https://example.org/ok)"
    assert data["symptoms"][0] == "click and  and other page"
    assert data["symptoms"][1] == "entity {{ 6*7 }} javascript:__pwned(4)"  # an autolink's text is its address
    problems = json.loads(cli("check", "--strict", "--format", "json", tree).out)
    assert [p for p in problems if p["code"] == "KB336"] == []
    assert all(is_todo_finding(p) for p in problems if p["path"] == "runbooks/hostile-pwned-0-page.yaml")
