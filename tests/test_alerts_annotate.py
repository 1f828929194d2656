"""`opskb alerts annotate`: every alert a runbook lists gets its runbook_url, the file
changes nowhere else, promtool still accepts it, and a second run changes nothing; and
`opskb check --alert-rules` verifies the links both ways."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from opskb.model.addresses import alert_page_name
from opskb.model.alertrules import load_rule_file
from test_alert_rules import needs_promtool, promtool

ACCEPTED = REPO / "tests" / "fixtures" / "alert_rules" / "accepted"
SITE = "https://kb.example.org/"
RUNBOOK = "runbooks/prices-not-applied.yaml"


def _alert_names(path: Path) -> list[str]:
    return [alert.name for alert in load_rule_file(path, path.name).alerts]


def _list_alerts(tree: Path, names: list[str]) -> None:
    """Make the example runbook handle these alerts."""
    runbook = tree / RUNBOOK
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(
        text.replace("alerts: [MarketplacePricesAcceptedBelowSent]", f"alerts: {json.dumps(sorted(set(names)))}"),
        encoding="utf-8",
    )


def _url(name: str) -> str:
    return f"{SITE}alerts/{alert_page_name(name)}.html"


_ADDED_LINE = re.compile(rb"^ *(?:annotations:|runbook_url: .*)\r?\n", re.M)
_ADDED_ENTRY = re.compile(rb', annotations: \{runbook_url: "[^"]*"\}|(, )?runbook_url: "[^"]*"')


def _touched_only_link_lines(old: bytes, new: bytes) -> None:
    """Every old line is still there, byte for byte, but for the link added into it."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        assert op in ("insert", "replace"), (op, before[a1:a2])
        added = b"".join(after[b1:b2])
        assert b"runbook_url" in added, added
        assert _ADDED_ENTRY.sub(b"", _ADDED_LINE.sub(b"", added)) == b"".join(before[a1:a2])


@needs_promtool
@pytest.mark.parametrize("fixture", sorted(ACCEPTED.iterdir()), ids=lambda p: p.name)
def test_annotate_writes_every_link_and_nothing_else(fixture, tree, cli, tmp_path) -> None:
    rules = tree / "rules" / fixture.name
    rules.parent.mkdir()
    shutil.copyfile(fixture, rules)
    names = _alert_names(fixture)
    _list_alerts(tree, names)
    before = rules.read_bytes()
    promtool_before = promtool(fixture, tmp_path)

    shown = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE)
    assert shown.code == 0 and shown.out.startswith("--- a/") and rules.read_bytes() == before
    written = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--write")
    assert written.code == 0, written.err
    after = rules.read_bytes()
    _touched_only_link_lines(before, after)
    assert {a.name: a.url for a in load_rule_file(rules, "r").alerts} == {n: _url(n) for n in names}
    assert promtool(rules, tmp_path) == promtool_before
    assert after.count(b"\r\n") == (after.count(b"\n") if b"\r\n" in before else 0)

    again = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--check")
    assert (again.code, again.out) == (0, "")
    assert rules.read_bytes() == after
    checked = cli("check", tree, "--alert-rules", rules, "--site-url", SITE, "--strict")
    assert checked.code == 0, checked.out


def test_a_stale_link_is_replaced_in_its_own_quoting(tree, cli) -> None:
    rules = tree / "rules.yaml"
    rules.write_text(
        "groups:\n  - name: pricing\n    rules:\n      - alert: MarketplacePricesAcceptedBelowSent\n"
        "        expr: x > 0\n        annotations:\n          runbook_url: 'https://kb.example.org/runbooks/old.html'"
        "  # moved\n          summary: x\n",
        encoding="utf-8",
    )
    result = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--write")
    assert result.code == 0
    url = _url("MarketplacePricesAcceptedBelowSent")
    assert f"          runbook_url: '{url}'  # moved\n          summary: x\n" in rules.read_text(encoding="utf-8")


def test_check_mode_fails_while_links_are_missing(tree, cli) -> None:
    rules = tree / "rules.yaml"
    rules.write_text((ACCEPTED / "pricing.rules.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--check")
    assert result.code == 1 and "+          runbook_url: " in result.out


def test_site_address_comes_from_mkdocs_yml_or_is_a_usage_error(tree, cli) -> None:
    rules = tree / "rules.yaml"
    rules.write_text((ACCEPTED / "pricing.rules.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("alerts", "annotate", rules, "--root", tree).code == 2
    (tree / "mkdocs.yml").write_text(
        "site_name: x\nsite_url: https://ops.example.net/kb\nplugins:\n  - search\n"
        "markdown_extensions:\n  - pymdownx.superfences:\n      custom_fences:\n"
        "        - name: mermaid\n          format: !!python/name:pymdownx.superfences.fence_code_format\n",
        encoding="utf-8",
    )
    result = cli("alerts", "annotate", rules, "--root", tree)
    # MkDocs's default is directory URLs (no offline plugin in this mkdocs.yml)
    assert "+          runbook_url: https://ops.example.net/kb/alerts/MarketplacePricesAcceptedBelowSent/" in result.out


def test_a_file_with_errors_is_left_alone(tree, cli) -> None:
    rules = tree / "rules.yaml"
    text = "groups:\n  - name: p\n    rules:\n      - alert: MarketplacePricesAcceptedBelowSent\n        expr: rate(x\n"
    rules.write_text(text, encoding="utf-8")
    result = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--write")
    assert result.code == 1 and "KB506" in result.err and rules.read_text(encoding="utf-8") == text


def test_annotations_shared_through_an_anchor_are_refused(tree, cli) -> None:
    rules = tree / "rules.yaml"
    text = (
        "groups:\n  - name: p\n    rules:\n      - alert: MarketplacePricesAcceptedBelowSent\n        expr: x > 0\n"
        "        annotations: &notes {summary: x}\n"
        "      - alert: Other\n        expr: y > 0\n        annotations: *notes\n"
    )
    rules.write_text(text, encoding="utf-8")
    _list_alerts(tree, ["MarketplacePricesAcceptedBelowSent", "Other"])
    result = cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--write")
    assert result.code == 1 and rules.read_text(encoding="utf-8") == text
    assert "MarketplacePricesAcceptedBelowSent: its annotations are shared" in result.err
    assert "Other: its annotations are shared" in result.err


def test_a_byte_order_mark_and_a_missing_last_newline_are_kept(tree, cli) -> None:
    rules = tree / "rules.yaml"
    body = "groups:\n  - name: p\n    rules:\n      - alert: MarketplacePricesAcceptedBelowSent\n        expr: x > 0"
    rules.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert cli("alerts", "annotate", rules, "--root", tree, "--site-url", SITE, "--write").code == 0
    url = _url("MarketplacePricesAcceptedBelowSent")
    assert (
        rules.read_bytes() == b"\xef\xbb\xbf" + f"{body}\n        annotations:\n          runbook_url: {url}".encode()
    )


def _check_links(tree, cli, url: str) -> list[dict]:
    rules = tree / "rules.yaml"
    rules.write_text(
        "groups:\n  - name: p\n    rules:\n      - alert: MarketplacePricesAcceptedBelowSent\n        expr: x > 0\n"
        f"        annotations:\n          runbook_url: {url}\n",
        encoding="utf-8",
    )
    result = cli("check", tree, "--alert-rules", rules, "--site-url", SITE, "--format", "json")
    return [(p["code"], p["line"], p["column"], p["level"]) for p in result.json()]


def test_check_verifies_links_into_the_site(tree, cli) -> None:
    (tree / "runbooks" / "other.yaml").write_text(
        (tree / RUNBOOK)
        .read_text(encoding="utf-8")
        .replace("id: prices-not-applied", "id: other")
        .replace("alerts: [MarketplacePricesAcceptedBelowSent]", "alerts: [OtherAlert]"),
        encoding="utf-8",
    )
    good = _url("MarketplacePricesAcceptedBelowSent")
    assert _check_links(tree, cli, good) == []
    assert _check_links(tree, cli, f"{SITE}runbooks/prices-not-applied.html#first-response") == []
    assert _check_links(tree, cli, "https://wiki.example.org/pricing") == []  # outside the site: not ours
    for wrong in (f"{SITE}alerts/Nope.html", f"{SITE}alerts/OtherAlert.html", f"{SITE}runbooks/other.html"):
        assert _check_links(tree, cli, wrong) == [("KB514", 7, 24, "error")], wrong


def test_the_pre_commit_hook_annotates_the_files_it_is_given(tree, tmp_path) -> None:
    """As pre-commit runs it: entry, then the user's args, then the staged file names."""
    import shlex

    import yaml

    from conftest import run_opskb

    (hook,) = [h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()) if h["id"].endswith("annotate")]
    assert hook["pass_filenames"] is True
    repo = tmp_path / "rules-repo"
    repo.mkdir()
    (repo / "pricing.yaml").write_text((ACCEPTED / "pricing.rules.yaml").read_text(encoding="utf-8"), "utf-8")
    command, *entry = shlex.split(hook["entry"])
    assert command == "opskb"
    result = run_opskb(*entry, "--root", tree, "--site-url", SITE, "pricing.yaml", cwd=repo)
    assert result.code == 0, result.err
    assert f"runbook_url: {_url('MarketplacePricesAcceptedBelowSent')}" in (repo / "pricing.yaml").read_text("utf-8")
    assert run_opskb(*entry, "--root", tree, "--site-url", SITE, "pricing.yaml", cwd=repo).err == ""


def test_check_without_a_site_address_says_the_links_were_not_verified(tree, cli) -> None:
    """No site_url in mkdocs.yml and no --site-url: the links cannot be judged, and the
    check says so once (on stderr, in every format) instead of passing them silently."""
    rules = tree / "rules.yaml"
    rules.write_text(
        "groups:\n  - name: p\n    rules:\n      - alert: MarketplacePricesAcceptedBelowSent\n        expr: x > 0\n"
        "        annotations:\n          runbook_url: https://kb.example.org/alerts/Nope.html\n",
        encoding="utf-8",
    )
    (tree / "mkdocs.yml").unlink(missing_ok=True)
    for fmt in ("text", "json"):
        result = cli("check", tree, "--alert-rules", rules, "--format", fmt)
        assert result.code == 0
        assert result.err.count("runbook_url links were not verified") == 1, result.err
        assert "--site-url" in result.err and "site_url" in result.err
    given = cli("check", tree, "--alert-rules", rules, "--site-url", SITE)
    assert "not verified" not in given.err
    assert "KB514" in given.out
    without_rules = cli("check", tree)
    assert "not verified" not in without_rules.err
