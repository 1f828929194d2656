"""`opskb init`: a new team's repository passes the strict check and the strict build as
written, has only what the team uses, and never overwrites a file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import opskb
from conftest import TODAY
from new_team import sample_words_in
from opskb.authoring.starter import EDITOR_SCHEMAS, Options, render
from opskb.escalation.clocks import calendar_from, deadline_for
from opskb.model.kb import content_files
from site_helpers import mkdocs_build
from test_packaging import _editor_schema_for

BERLIN = ("--timezone", "Europe/Berlin", "--holidays", "DE-BE")


def _init(cli, root: Path, *options: str):
    result = cli("init", root, *options)
    assert result.code == 0, result.err
    return result


@pytest.fixture(scope="module")
def berlin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Berlin team's repository without status mappings, built (once for this module)."""
    root = tmp_path_factory.mktemp("berlin") / "kb"
    files = render(Options(timezone="Europe/Berlin", holidays="DE-BE"), date.fromisoformat(TODAY))
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    built = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert built.returncode == 0, built.stderr
    return root


def test_a_new_repository_passes_the_strict_check(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    result = _init(cli, root, *BERLIN)
    assert "next: cd" in result.out
    check = cli("check", "--strict", root)
    assert check.code == 0, check.out
    sla = (root / "escalation" / "sla.yaml").read_text(encoding="utf-8")
    assert "holidays: DE-BE" in sla and "timezone: Europe/Berlin" in sla
    assert not (root / "status_mappings").exists()
    for name in (".gitignore", ".github/workflows/opskb.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"):
        assert (root / name).is_file(), name
    assert f"opskb=={opskb.__version__}\n" in (root / "requirements.txt").read_text(encoding="utf-8")


def test_the_site_of_a_team_without_statuses_has_no_status_pages_and_no_sample_words(berlin_site: Path) -> None:
    site = berlin_site / "site"
    assert (site / "runbooks" / "web-api-errors.html").is_file()
    assert (site / "alerts" / "WebApiHighErrorRate.html").is_file()
    assert not (site / "marketplaces").exists()
    assert not (site / "browse" / "marketplaces.html").exists()
    assert sample_words_in(site) == {}
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Search: alert name, symptom<" in home  # no "order status" hint
    assert "kind_status" not in home and 'placeholder="Search: symptom, alert"' in home
    rules = (site / "reference" / "rules.html").read_text(encoding="utf-8")
    assert "KB201" in rules and "KB301" not in rules  # status mapping rules left out
    # figures on the handwritten pages come from the team's own YAML
    onboarding = (site / "onboarding.html").read_text(encoding="utf-8")
    assert "Service owners" in onboarding and "Europe/Berlin" in onboarding


def test_a_russian_repository_with_statuses_builds_its_status_pages(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    _init(cli, root, "--language", "ru", "--with-statuses", *BERLIN, "--site-url", "https://kb.example.org")
    assert cli("check", "--strict", root).code == 0
    assert 'site_url: "https://kb.example.org/"' in (root / "mkdocs.yml").read_text(encoding="utf-8")
    built = mkdocs_build(root / "mkdocs.yml", root / "site")
    assert built.returncode == 0, built.stderr
    assert '<html lang="ru"' in (root / "site" / "index.html").read_text(encoding="utf-8")
    assert (root / "site" / "marketplaces" / "partner-shop.html").is_file()
    assert "Дежурные инженеры" in (root / "site" / "onboarding.html").read_text(encoding="utf-8")


def test_a_nav_that_leaves_out_generated_pages_does_not_fail_the_strict_build(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    _init(cli, root, "--with-statuses")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    cut = text.index("  - Order statuses:")
    config.write_text(text[:cut] + text[text.index("  - Reference:") :], encoding="utf-8")
    built = mkdocs_build(config, root / "site")
    assert built.returncode == 0, built.stderr
    assert (root / "site" / "marketplaces" / "partner-shop.html").is_file()


def test_the_rule_reference_can_be_left_off_the_site_and_its_search(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    _init(cli, root)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("rules_reference: true", "rules_reference: false")
    config.write_text(text.replace("      - Check rules: reference/rules.md\n", ""), encoding="utf-8")
    built = mkdocs_build(config, root / "site")
    assert built.returncode == 0, built.stderr
    assert not (root / "site" / "reference").exists()
    search = "".join(p.read_text(encoding="utf-8") for p in (root / "site" / "assets" / "opskb" / "search").iterdir())
    assert "escalation/teams.html" in search and "reference/rules.html" not in search


def test_a_folder_with_files_is_refused_and_force_never_overwrites(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Ours\n", encoding="utf-8")
    refused = cli("init", root)
    assert refused.code == 2 and "not empty" in refused.err and "--force" in refused.err
    assert sorted(p.name for p in root.rglob("*")) == ["docs", "index.md"]

    forced = cli("init", root, "--force")
    assert forced.code == 0
    assert "kept docs/index.md" in forced.out
    assert (root / "docs" / "index.md").read_text(encoding="utf-8") == "# Ours\n"
    assert (root / "mkdocs.yml").is_file() and (root / "docs" / "onboarding.md").is_file()


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (("--timezone", "Europe/Berlln"), "--timezone 'Europe/Berlln': not an IANA time zone"),
        (("--holidays", "DE-XX"), "--holidays 'DE-XX': the holidays package has no such calendar"),
        (("--holidays", "XX"), "--holidays 'XX'"),
        (("--site-url", "kb.example.org"), "--site-url 'kb.example.org': an http(s) address"),
    ],
)
def test_options_a_repository_could_not_use_are_refused(tmp_path: Path, cli, options, says) -> None:
    result = cli("init", tmp_path / "kb", *options)
    assert result.code == 2 and says in result.err, result.err
    assert not (tmp_path / "kb").exists()


def test_editor_settings_give_every_content_file_its_exported_schema(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    _init(cli, root, "--with-statuses")
    mapping = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))["yaml.schemas"]
    for schema in mapping:
        assert (root / schema).is_file(), schema
    files = list(content_files(root))
    assert len(files) >= 6
    for _, rel, schema_name in files:
        assert _editor_schema_for(rel, mapping) == [schema_name], rel
    exported = tmp_path / "exported"
    assert cli("schemas", "export", exported).code == 0
    for path in exported.iterdir():
        assert path.read_text(encoding="utf-8") == (root / EDITOR_SCHEMAS / path.name).read_text(encoding="utf-8")


def test_new_files_take_the_knowledge_base_s_own_time_zone_and_language(tmp_path: Path, cli) -> None:
    english, russian = tmp_path / "en", tmp_path / "ru"
    _init(cli, english, *BERLIN)
    _init(cli, russian, "--language", "ru", "--timezone", "Asia/Almaty")
    team = cli("new", "team", "dba", "--root", english, "--stdout").out
    assert "timezone: Europe/Berlin" in team and "Moscow" not in team
    assert "timezone: Asia/Almaty" in cli("new", "team", "dba", "--root", russian, "--stdout").out
    runbook = cli("new", "runbook", "disk-full", "--root", english, "--stdout").out
    assert "по-русски" not in runbook and "marketplaces" not in runbook
    assert "по-русски" in cli("new", "runbook", "disk-full", "--root", russian, "--stdout").out


def test_status_commands_say_there_are_no_mappings(tmp_path: Path, cli) -> None:
    root = tmp_path / "kb"
    _init(cli, root)
    result = cli("status", "--root", root, "shop", "NEW")
    assert result.code == 2 and "keeps no status mappings" in result.err


def test_a_subdivision_s_holidays_stop_the_working_hours_clock() -> None:
    """8 March is a public holiday in Berlin only: a 4-hour deadline set on Friday
    afternoon runs into Tuesday there, into Monday elsewhere in Germany."""
    calendar = {"id": "office", "timezone": "Europe/Berlin", "start": "09:00", "end": "18:00"}
    friday = datetime(2027, 3, 5, 16, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    berlin = deadline_for(friday, "4h", calendar_from({**calendar, "holidays": "DE-BE"}))
    germany = deadline_for(friday, "4h", calendar_from({**calendar, "holidays": "DE"}))
    assert (germany.date(), germany.hour) == (date(2027, 3, 8), 11)
    assert (berlin.date(), berlin.hour) == (date(2027, 3, 9), 11)


@pytest.mark.parametrize(("language", "written"), [("en", "public api"), ("ru", "ПУБЛИЧНЫЙ API")])
def test_the_starter_names_its_system_for_ticket_exports(tmp_path: Path, cli, language: str, written: str) -> None:
    """The starter's teams.yaml names its system (systems: before teams:, as `opskb new team`
    needs it): a ticket export that writes the system by an alias counts it under its id,
    and a team added afterwards keeps the file valid."""
    root = tmp_path / "kb"
    _init(cli, root, *BERLIN, "--language", language)
    added = cli("new", "team", "api-vendor", "--line", "L3", "--root", root)
    assert added.code == 0, added.err
    teams = (root / "escalation" / "teams.yaml").read_text(encoding="utf-8")
    assert teams.index("\nsystems:") < teams.index("\nteams:") < teams.index("api-vendor")
    assert cli("check", root).code == 0  # the new team's TODOs are warnings
    export = tmp_path / "tickets.csv"
    header, row = "Issue key,Priority,Created,Resolved,Component/s", "API-1,High,2026-11-02 10:00,2026-11-02 11:00"
    export.write_text(f"{header}\n{row},{written}\n", encoding="utf-8")
    result = cli("report", "sla", export, "--root", root, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["tickets"][0]["systems"] == ["web-api"]
