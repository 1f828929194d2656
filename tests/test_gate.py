"""What `opskb check` accepts works: each input that used to pass the gate and then crash
the build or a command is now a located error from the checker itself.

Each case is a small edit of the example tree (tests/fixtures/minimal) and the place where
`opskb check` must report it; none of them may end in an internal error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, apply_example, run_opskb, schema_objects
from opskb.gate.registry import Example
from site_helpers import mkdocs_build, write_config

RUNBOOK = "runbooks/prices-not-applied.yaml"
TEAMS = "escalation/teams.yaml"
SLA = "escalation/sla.yaml"
ROUTES = "escalation/routes.yaml"


def _edit(path: str, old: str, new: str) -> Example:
    return Example(replace={path: [(old, new)]})


def _page(line: str) -> Example:
    return Example(files={"docs/index.md": f"# Home\n\n{line}\n"})


CASES = {
    # dates: a real day, in a range where review arithmetic and the site work
    "impossible-date": (_edit(RUNBOOK, '"2026-11-01"', '"2026-02-31"'), "KB105", f"{RUNBOOK}:43:18"),
    "year-zero": (_edit(RUNBOOK, '"2026-11-01"', '"0000-01-01"'), "KB105", f"{RUNBOOK}:43:18"),
    "year-9999": (_edit(RUNBOOK, '"2026-11-01"', '"9999-12-31"'), "KB105", f"{RUNBOOK}:43:18"),
    # numbers: bounded and finite
    "huge-interval": (_edit(RUNBOOK, "interval_days: 90", "interval_days: 1e29"), "KB106", f"{RUNBOOK}:44:18"),
    "infinite-interval": (_edit(RUNBOOK, "interval_days: 90", "interval_days: .inf"), "KB108", f"{RUNBOOK}:44:18"),
    "nan-timeout": (
        _edit(RUNBOOK, "    on_fail: resend", "    timeout_seconds: .NaN\n    on_fail: resend"),
        "KB108",
        f"{RUNBOOK}:32:22",
    ),
    "overflowing-literal": (
        _edit(RUNBOOK, "right_ref: sent}", "right: 1e400}"),
        "KB108",
        f"{RUNBOOK}:31:50",
    ),
    "huge-literal": (_edit(RUNBOOK, "right_ref: sent}", "right: 1e300}"), "KB106", f"{RUNBOOK}:31:50"),
    # durations: bounded
    "huge-resolve-within": (
        _edit(SLA, "resolve_within: 30m", "resolve_within: 99999999999999d"),
        "KB105",
        f"{SLA}:12:21",
    ),
    "huge-hop-after": (_edit(ROUTES, "after: 15m", "after: 99999999999999m"), "KB105", f"{ROUTES}:10:16"),
    "long-days-on-a-calendar": (_edit(SLA, "resolve_within: 4h", "resolve_within: 1000d"), "KB105", f"{SLA}:18:21"),
    # clocks: zones, holiday calendars and working days that escalate can use
    "team-zone": (
        _edit(TEAMS, "      timezone: Europe/Moscow", "      timezone: Mars/Olympus"),
        "KB220",
        f"{TEAMS}:12:17",
    ),
    "calendar-zone": (_edit(SLA, "timezone: Europe/Moscow", "timezone: Europe/Atlantis"), "KB220", f"{SLA}:3:15"),
    "holiday-country": (_edit(SLA, "holidays: RU", "holidays: ZZ"), "KB221", f"{SLA}:6:15"),
    "calendar-day-reversed": (_edit(SLA, 'end: "18:00"', 'end: "08:00"'), "KB330", f"{SLA}:5:10"),
    "calendar-too-short-for-its-policy": (
        Example(
            replace={
                SLA: [
                    ('end: "18:00"', 'end: "09:01"\n    weekdays: [sun]'),
                    ("resolve_within: 4h", "resolve_within: 9999h"),
                ]
            }
        ),
        "KB334",
        f"{SLA}:19:21",
    ),
    "team-day-empty": (_edit(TEAMS, '      end: "18:00"', '      end: "09:00"'), "KB330", f"{TEAMS}:24:12"),
    # pages: an id whose page the site already generates, or a handwritten page has
    "runbook-index": (
        Example(files={"runbooks/index.yaml": ""}, replace={}),
        "KB331",
        "runbooks/index.yaml:1:5",
    ),
    "marketplace-index": (Example(files={"status_mappings/index.yaml": ""}), "KB331", "status_mappings/index.yaml:1:5"),
    "handwritten-page": (
        Example(files={"docs/runbooks/prices-not-applied.md": "# Prices\n"}),
        "KB331",
        f"{RUNBOOK}:1:5",
    ),
    "docs-team-directory": (
        Example(files={"docs/escalation/teams.md": "# Teams\n"}),
        "KB331",
        "docs/escalation/teams.md:1:1",
    ),
    "docs-tag-index-translated": (
        Example(files={"docs/browse/tags.ru.md": "# Теги\n"}),
        "KB331",
        "docs/browse/tags.ru.md:1:1",
    ),
    "docs-alert-page": (
        Example(files={"docs/alerts/MarketplacePricesAcceptedBelowSent.md": "# Alert\n"}),
        "KB331",
        "docs/alerts/MarketplacePricesAcceptedBelowSent.md:1:1",
    ),
    "docs-static-file-over-a-page": (
        Example(files={"docs/reference/rules.html": "<p>rules</p>\n"}),
        "KB331",
        "docs/reference/rules.html:1:1",
    ),
    "related-to-itself": (
        _edit(RUNBOOK, "tags: [prices]", "tags: [prices]\nrelated: [prices-not-applied]"),
        "KB335",
        f"{RUNBOOK}:46:11",
    ),
    # link fields: one allow-list of schemes, judged as a browser reads the text
    **{
        f"link-{name}": (_edit(TEAMS, 'chat: "#l1-desk"', f"chat: {json.dumps(value)}"), "KB105", f"{TEAMS}:7:13")
        for name, value in (
            ("javascript-space", "javascript: alert(1)"),
            ("character-reference", "&#106;avascript:alert(1)"),
            ("double-reference", "&amp;#x6A;avascript:alert(1)"),
            ("zero-width-space", "\u200bjavascript:alert(1)"),
            ("no-break-space", "\u00a0javascript:alert(1)"),
            ("control-character", "\u0001javascript:alert(1)"),
            ("tab-in-scheme", "java\tscript:alert(1)"),
            ("data", "data:text/html,<b>x</b>"),
            ("hidden-before-https", "\u200bhttps://chat.example.org/l1"),
        )
    },
    # docs/ macros: the ids they name
    "macro-policy": (
        Example(files={"docs/index.md": '# Home\n\nReact within {{ sla_react("critical") }}.\n'}),
        "KB222",
        "docs/index.md:3:27",
    ),
    "macro-team": (
        Example(files={"docs/index.md": '# Home\n\n{{ sla_name("high-business") }}, {{ team_name("l1") }}\n'}),
        "KB222",
        "docs/index.md:3:47",
    ),
    "macro-page-syntax": (Example(files={"docs/index.md": "# Home\n\n{% if %}\n"}), "KB223", "docs/index.md:3:1"),
    # docs/ macros: each call against the macro's signature and what each parameter takes
    **{
        f"macro-{name}": (_page(f"See {{{{ {call} }}}}."), code, f"docs/index.md:3:{column}")
        for name, call, code, column in (
            ("figure-called", "runbook_count()", "KB224", 8),
            ("extra-argument", 'sla_react("critical-24x7", "extra")', "KB224", 8),
            ("missing-argument", "sla_react()", "KB224", 8),
            ("unknown-keyword", 'sla_react(policy="critical-24x7")', "KB224", 8),
            ("number-for-text", "sla_name(7)", "KB224", 17),
            ("keyword-number", 'policies_for("high", language=1)', "KB224", 38),
            ("unknown-clock", 'clock_text("nope")', "KB222", 19),
            ("unknown-priority", 'policies_for("nonsense")', "KB222", 21),
            ("unknown-language", 'team_table("xx")', "KB222", 19),
            ("unknown-language-keyword", 'sla_table(language="xx")', "KB222", 27),
            ("unknown-marketplace", 'pair_precedence("nowhere")', "KB222", 24),
            ("unknown-calendar", 'policies_on("msk-weekends")', "KB222", 20),
            ("unknown-runbook", 'runbook_title(runbook_id="nope")', "KB222", 33),
        )
    },
    # the file system
    "link-loop": (Example(links={"runbooks/loop.yaml": "loop.yaml"}), "KB022", "runbooks/loop.yaml:1:1"),
    "folder-loop": (
        Example(remove=(RUNBOOK,), links={"runbooks": "runbooks"}),
        "KB021",
        "runbooks:1:1",
    ),
}


def _copy_of(tree: Path, source: str, ident: str) -> str:
    """The text of a content file of the tree, with another id."""
    text = (tree / source).read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    assert first.startswith("id: ")
    return f"id: {ident}\n{rest}"


@pytest.mark.parametrize("name", CASES)
def test_input_that_used_to_crash_later_is_a_located_error(name: str, tree: Path) -> None:
    example, code, where = CASES[name]
    if name == "runbook-index":
        example = Example(files={"runbooks/index.yaml": _copy_of(tree, RUNBOOK, "index")})
    elif name == "marketplace-index":
        example = Example(files={"status_mappings/index.yaml": _copy_of(tree, "status_mappings/ozon.yaml", "index")})
    apply_example(tree, example)
    result = run_opskb("check", tree, "--strict", "--format", "json")
    assert result.code == 1, result.out + result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    located = {f"{p['path']}:{p['line']}:{p['column']}" for p in result.json() if p["code"] == code}
    assert where in located, result.out


def test_a_required_file_that_is_a_directory_is_named(tree: Path) -> None:
    (tree / TEAMS).unlink()
    (tree / TEAMS).mkdir()
    result = run_opskb("check", tree, "--format", "json")
    assert result.code == 1 and "internal error" not in result.err
    (missing,) = [p for p in result.json() if p["code"] == "KB215"]
    assert missing["path"] == TEAMS and "directory" in missing["message"]


def _as_a_user_file_modes_bind(*args: str) -> subprocess.CompletedProcess[str]:
    """`opskb ARGS`; as root, with the capabilities that let root read anything dropped."""
    opskb = str(Path(sys.executable).with_name("opskb"))
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, opskb, *args], capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="root reads every file")
def test_unreadable_files_and_folders_are_reported_not_skipped(tree: Path) -> None:
    (tree / TEAMS).chmod(0)
    (tree / "status_mappings").chmod(0)
    try:
        result = _as_a_user_file_modes_bind("check", str(tree), "--format", "json")
    finally:
        (tree / TEAMS).chmod(0o644)
        (tree / "status_mappings").chmod(0o755)
    assert result.returncode == 1, result.stderr
    found = {(p["code"], p["path"]) for p in json.loads(result.stdout)}
    assert ("KB022", TEAMS) in found, found
    assert ("KB021", "status_mappings") in found, found


def test_renaming_a_policy_a_docs_page_names_fails_the_gate_not_the_build(tmp_path: Path) -> None:
    """The real content and docs/: renaming the 'critical-situation' SLA policy leaves docs/
    macros naming it (the contributing guide quotes its figures)."""
    root = tmp_path / "kb"
    for folder in ("runbooks", "escalation", "status_mappings", "docs", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    for path in (root / SLA, root / ROUTES):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("id: critical-situation\n", "id: critical-now\n").replace(
                "sla: critical-situation\n", "sla: critical-now\n"
            )
        )
    result = run_opskb("check", root, "--format", "json", "--ignore", "KB401")
    assert result.code == 1, result.out + result.err
    unknown = [p for p in result.json() if p["code"] == "KB222"]
    assert unknown and all("'critical-situation'" in p["message"] for p in unknown)
    assert {p["code"] for p in result.json()} == {"KB222"}, result.out
    lines = (root / unknown[0]["path"]).read_text(encoding="utf-8").splitlines()
    assert lines[unknown[0]["line"] - 1][unknown[0]["column"] - 1 :].startswith('"critical-situation"')


def test_a_macro_that_fails_in_the_build_says_where_without_a_traceback(tmp_path: Path) -> None:
    """An id computed in the template is beyond the checker: the build fails with one line."""
    root = tmp_path / "kb"
    shutil.copytree(REPO / "tests" / "fixtures" / "minimal", root)
    config = write_config(root)
    index = root / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + '\n{{ sla_react("critical-" ~ "nope") }}\n')
    assert run_opskb("check", root).code == 0
    built = mkdocs_build(config, tmp_path / "site")
    assert built.returncode != 0
    output = built.stdout + built.stderr
    assert "Traceback" not in output, output
    assert "docs/index.md: sla_react('critical-nope'): unknown SLA policy 'critical-nope'" in output


def test_every_number_in_the_schemas_is_bounded() -> None:
    """A number field without bounds would let NaN and huge values through the fast validator."""

    found = 0
    for where, node in schema_objects():
        kinds = node.get("type")
        kinds = [kinds] if isinstance(kinds, str) else kinds or []
        if {"number", "integer"} & set(kinds):
            found += 1
            assert {"minimum", "exclusiveMinimum"} & set(node), f"{where} has no lower bound"
            assert {"maximum", "exclusiveMaximum"} & set(node), f"{where} has no upper bound"
    assert found >= 4


def test_the_reserved_pages_are_every_page_the_site_generates_besides_entities() -> None:
    """KB331 reads FIXED_PAGES: it must name every page the plugin writes besides one per runbook
    and marketplace, or an id could still take a generated page's place."""
    from opskb.alerts.alertlinks import runbooks_by_alert
    from opskb.gate.checker import check_tree
    from opskb.model.addresses import FIXED_PAGES, alert_page_uri, marketplace_uri, runbook_uri
    from opskb.site.pages import Site

    kb, _ = check_tree(REPO / "tests" / "fixtures" / "minimal")
    pages = {page.src_uri for page in Site(kb).pages()}
    entities = {runbook_uri(r) for r in kb.runbooks} | {marketplace_uri(m) for m in kb.marketplaces}
    entities |= {alert_page_uri(alert) for alert in runbooks_by_alert(kb.runbooks)}  # in their own folder
    assert pages - entities == set(FIXED_PAGES)


def test_a_broken_schema_of_the_content_root_is_one_line_for_check_and_build(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(REPO / "tests" / "fixtures" / "minimal", root)
    shutil.copytree(REPO / "schemas", root / "schemas")
    (root / "schemas" / "teams.schema.json").write_text("{", encoding="utf-8")
    checked = run_opskb("check", root)
    assert checked.code == 2 and "cannot read the schema" in checked.err and "internal error" not in checked.err
    built = mkdocs_build(write_config(root), tmp_path / "site")
    assert built.returncode != 0
    assert "cannot read the schema" in built.stderr and "Traceback" not in built.stdout + built.stderr


def test_every_macro_call_the_gate_accepts_builds(tmp_path: Path) -> None:
    """The gate and the build read one declaration (the macros' signatures): a page calling
    every macro with every value its parameters take, by position and by keyword, and every
    figure, passes `opskb check --strict` and builds strictly."""
    from opskb.gate.checker import check_tree
    from opskb.site.macros import variables
    from site_helpers import macro_calls

    root = tmp_path / "kb"
    shutil.copytree(REPO / "tests" / "fixtures" / "minimal", root)
    config = write_config(root)
    kb, _ = check_tree(root)
    calls = macro_calls(kb)
    keyworded = ['sla_react(policy_id="critical-24x7")', 'policies_for(priority="high", language="ru")']
    lines = [f"- {{{{ {call} }}}}" for call in [*calls, *keyworded]]
    lines += [f"- {{{{ {name} }}}}" for name in variables(kb)]
    index = root / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    checked = run_opskb("check", root, "--strict", "--ignore", "KB401")
    assert checked.code == 0, checked.out + checked.err
    built = mkdocs_build(config, tmp_path / "site")
    assert built.returncode == 0, built.stdout + built.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "15 minutes" in page and "Critical situation, any hour" in page


def test_every_name_the_gate_accepts_in_a_page_builds_and_one_it_refuses_fails_the_build(tmp_path: Path) -> None:
    """KB225 knows the names a page may read: a page reading every name mkdocs-macros offers
    (its macros, variables and filters), mkdocs.yml's extra and the page's front matter
    passes the gate and builds strictly; a misspelt figure or filter is refused by the gate
    at its place and fails the strict build, so the two agree."""
    from opskb.site.macros import MKDOCS_MACROS_FILTERS, MKDOCS_MACROS_NAMES

    root = tmp_path / "kb"
    shutil.copytree(REPO / "tests" / "fixtures" / "minimal", root)
    config = write_config(root)
    config.write_text(config.read_text(encoding="utf-8") + "extra:\n  team_motto: calm\n", encoding="utf-8")
    index = root / "docs" / "index.md"
    home = index.read_text(encoding="utf-8")
    names = ", ".join(sorted(MKDOCS_MACROS_NAMES | {"team_motto", "owner", "range"}))
    uses = "{% set every = [" + names + "] %}{{ every | length }} {{ [] | pretty }} {{ 'index.md' | relative_url }}"
    assert {"pretty", "relative_url"} == MKDOCS_MACROS_FILTERS
    index.write_text("---\nowner: desk\n---\n" + home + "\n" + uses + "\n", encoding="utf-8")
    checked = run_opskb("check", root, "--strict", "--ignore", "KB401")
    assert checked.code == 0, checked.out + checked.err
    built = mkdocs_build(config, tmp_path / "site")
    assert built.returncode == 0, built.stdout + built.stderr

    for line, column in (("{{ runbok_count }}", 4), ("{{ 'x' | uper }}", 10)):
        index.write_text(home + "\n" + line + "\n", encoding="utf-8")
        where = f"docs/index.md:{home.count(chr(10)) + 2}:{column}"
        refused = run_opskb("check", root, "--strict", "--ignore", "KB401", "--format", "json")
        assert refused.code == 1 and "internal error" not in refused.err, refused.err
        assert [f"{p['path']}:{p['line']}:{p['column']}" for p in refused.json() if p["code"] == "KB225"] == [where]
        failed = mkdocs_build(config, tmp_path / "site")
        assert failed.returncode != 0, line


@pytest.mark.slow
def test_content_with_only_what_the_schemas_require_builds_and_runs(tmp_path: Path) -> None:
    """Templates and macros may read only what the schemas guarantee: the repository's
    content and pages with every optional field the gate lets go removed (an SLA policy
    without its priority, a runbook without tags, a calendar without weekdays...) passes
    the gate, builds strictly, and every command reads it."""
    from payloads import required_only

    root = tmp_path / "kb"
    for folder in ("runbooks", "escalation", "status_mappings", "docs", "schemas"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # a field the gate needs somewhere is taken from one object (required_only): two
    # critical policies need default_for_priority, which needs the priority of one of them
    removed = required_only(root)
    fields = {entry.rsplit(" (", 1)[0] for entry in removed}
    assert {"sla: policies[].priority", "runbook: tags"} <= fields, removed
    assert run_opskb("check", root, "--strict", "--ignore", "KB401").code == 0
    built = mkdocs_build(root / "mkdocs.yml", tmp_path / "site")
    assert built.returncode == 0, (built.stdout + built.stderr)[-3000:]
    commands = [("find", "price not applied"), ("find", "Озон"), ("status", "ozon", "awaiting_packaging")]
    by_route = {
        json.loads(path.read_text(encoding="utf-8"))["route"]: path.stem for path in (root / "runbooks").glob("*.yaml")
    }
    commands += [("escalate", runbook, "--at", "2026-11-27T16:00") for runbook in sorted(by_route.values())]
    for command in commands:
        result = run_opskb(*command, "--root", root)
        assert result.code in (0, 1) and "internal error" not in result.err, (command, result.err)


@pytest.mark.parametrize(
    "symptom",
    ["a" * 25_000, "b" * 13_001 + " and " + "b" * 13_000 + "c", "Ω" * 20_000],
    ids=["one-long-word", "two-long-words-sharing-a-prefix", "non-latin"],
)
def test_a_word_longer_than_any_real_one_is_refused_and_search_still_answers(tree: Path, symptom: str) -> None:
    """The search index split prefixes recursively, one level per shared character: one
    25,000-letter symptom made `opskb find` end in RecursionError. It is refused by the
    gate now (KB332), and the index (a loop) still answers over such content."""
    apply_example(tree, _edit(RUNBOOK, "  - fewer prices accepted than sent", f"  - fewer prices {symptom}"))
    checked = run_opskb("check", tree, "--strict", "--format", "json")
    assert checked.code == 1 and "internal error" not in checked.err
    assert any(p["code"] == "KB332" and p["line"] == 10 for p in checked.json()), checked.out
    found = run_opskb("find", "fewer prices", "--root", tree, "--format", "json")
    assert found.code in (0, 1) and "internal error" not in found.err and "Traceback" not in found.err, found.err
    assert json.loads(found.out)["runbooks"][0]["id"] == "prices-not-applied"
