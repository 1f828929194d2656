"""Taking the line over from the site alone: the built site read in headless Chromium with
JavaScript disabled, as a new L1 engineer on a locked-down workstation would read it.

The repository's own content is built twice, in English and in Russian (theme.language),
with "today" pinned so that the worked deadlines' reference week is known. Every link of
the onboarding page must resolve (anchors included); every team and SLA policy must appear
with its figures; every runbook page must show worked deadlines equal to what
`opskb escalate RUNBOOK --at ...` prints for the same start; generated pages link their YAML
source; the Russian build carries the Russian handwritten pages.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import holidays
import pytest

from opskb.cli import main
from opskb.gate.checker import check_tree
from opskb.model.durations import humanize
from opskb.model.kb import KnowledgeBase
from site_helpers import CHROMIUM, CHROMIUM_ARGS, REPO, mkdocs_build, serve, write_config

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("site"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (tests/system_deps.py)"),
    pytest.mark.skipif(not (REPO / "docs" / "onboarding.md").is_file(), reason="no handwritten pages here"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

TODAY = "2026-12-02"
CONTENT = ("runbooks", "escalation", "status_mappings", "schemas")
HANDWRITTEN = ("index", "onboarding", "glossary", "contributing")


def _build(base: Path, language: str) -> Path:
    root = base / "content"
    for name in CONTENT:
        shutil.copytree(REPO / name, root / name)
    config = write_config(root, today=TODAY, handwritten=True, language=language)
    site = base / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge, _ = check_tree(REPO)
    return knowledge


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(_build(tmp_path_factory.mktemp("handover-en"), "en")) as url:
        yield url


@pytest.fixture(scope="module")
def russian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(_build(tmp_path_factory.mktemp("handover-ru"), "ru")) as url:
        yield url


@pytest.fixture(scope="module")
def tab() -> Iterator[Any]:
    """One page of Chromium with JavaScript disabled; nothing may leave 127.0.0.1."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = chromium.new_context(java_script_enabled=False, timezone_id="Europe/Moscow")
        outside: list[str] = []

        def route(request: Any) -> None:
            if urlsplit(request.request.url).hostname == "127.0.0.1":
                request.continue_()
            else:
                outside.append(request.request.url)
                request.abort()

        context.route("**/*", route)
        page = context.new_page()
        yield page
        context.close()
        chromium.close()
        assert not outside, f"requests left localhost: {outside}"


def _open(tab: Any, url: str) -> None:
    response = tab.goto(url)
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"
    assert tab.evaluate("() => typeof window.opskbClock") == "undefined", "JavaScript ran"


def _text(tab: Any, selector: str = "article") -> str:
    return " ".join(tab.locator(selector).first.inner_text().split())


def _rows(tab: Any, header: str) -> list[str]:
    """The rows (as text) of the table whose header row contains ``header``."""
    table = tab.locator("article table").filter(has=tab.locator(f"th:text-is('{header}')"))
    assert table.count() == 1, f"no single table with a {header!r} column"
    return [" ".join(row.split()) for row in table.locator("tbody tr").all_inner_texts()]


# ------------------------------------------------------------------ onboarding as the hub


def test_every_link_from_onboarding_resolves(tab: Any, english: str) -> None:
    _open(tab, f"{english}/onboarding.html")
    hrefs = tab.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
    internal = sorted({h for h in hrefs if urlsplit(h).hostname == "127.0.0.1"})
    # The pages the onboarding text names are links, not just words.
    for page in (
        "escalation/index.html",
        "escalation/teams.html",
        "escalation/card.html",
        "browse/severity.html",
        "marketplaces/index.html",
        "marketplaces/internal.html",
        "glossary.html",
        "contributing.html",
        "runbooks/index.html",
        "reference/rules.html",
    ):
        assert any(urlsplit(h).path == f"/{page}" for h in internal), f"onboarding does not link {page}"
    assert len(internal) > 40  # the team table links every team, the SLA table every route
    for href in internal:
        target, _, anchor = href.partition("#")
        _open(tab, target)
        if anchor:
            assert tab.locator(f"[id='{anchor}']").count() == 1, f"{href}: no element with id {anchor!r}"
    outside = {h for h in hrefs if urlsplit(h).hostname != "127.0.0.1"}
    assert all(h.startswith(("mailto:", "tel:", "https://git.example.org/")) for h in outside), outside


def _onboarding_table(tab: Any, base: str, header: str, count: int) -> list[str]:
    _open(tab, f"{base}/onboarding.html")
    rows = _rows(tab, header)
    assert len(rows) == count
    return rows


def _hours(team: dict[str, Any]) -> str:
    hours = team["hours"]
    return "24x7" if hours["schedule"] == "24x7" else f"{hours['start']}–{hours['end']}, working days"


def test_every_team_appears_with_hours_zone_and_contacts(tab: Any, english: str, kb: KnowledgeBase) -> None:
    rows = _onboarding_table(tab, english, "Time zone", len(kb.teams))
    for team in kb.teams.values():
        data = team.data
        (row,) = [r for r in rows if f" {' '.join(data['name'].split())} " in f" {r} "]
        assert row.startswith(data["line"] + " ")
        assert _hours(data) in row and data["hours"]["timezone"] in row
        for value in data.get("contacts", {}).values():
            assert " ".join(value.split()) in row, f"{team.id}: {value!r} missing from {row!r}"
    # Grouped by line, in line order.
    assert [r.split()[0] for r in rows] == sorted(r.split()[0] for r in rows)


def test_every_sla_policy_appears_with_its_figures_and_routes(tab: Any, english: str, kb: KnowledgeBase) -> None:
    rows = _onboarding_table(tab, english, "Resolve or escalate within", len(kb.sla_policies))
    for policy in kb.sla_policies.values():
        data = policy.data
        (row,) = [r for r in rows if f"({policy.id})" in r]
        assert row.startswith(data["priority"] + " ") and data["name"] in row
        assert f"{humanize(data['react_within'])} {humanize(data['resolve_within'])}" in row
        clock = "24x7" if data["clock"] == "24x7" else kb.calendars[data["clock"]].data["timezone"]
        assert clock in row
        for route in (r for r in kb.routes.values() if r.data["sla"] == policy.id):
            assert route.data["name"] in row


def test_the_critical_sentence_names_every_critical_policy(tab: Any, english: str, kb: KnowledgeBase) -> None:
    _open(tab, f"{english}/onboarding.html")
    item = " ".join(tab.locator("article li", has_text="critical runbooks").first.inner_text().split())
    critical = [p.data for p in kb.sla_policies.values() if p.data["priority"] == "critical"]
    assert len({p["resolve_within"] for p in critical}) > 1  # the figure differs by policy
    for policy in critical:
        assert f"{policy['name']}: react within {humanize(policy['react_within'])}" in item
        assert f"resolve or escalate within {humanize(policy['resolve_within'])}" in item


# ------------------------------------------------------------------ worked deadlines


def _escalate(runbook: str, at: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["escalate", runbook, "--root", str(REPO), "--at", at, "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def test_every_runbook_page_shows_the_deadlines_opskb_escalate_prints(
    tab: Any, english: str, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    for runbook in sorted(kb.runbooks):
        _open(tab, f"{english}/runbooks/{runbook}.html")
        assert tab.locator("[data-opskb-timer]").count() == 1, "the live timer stays"
        table = tab.locator("#worked-deadlines ~ div table.opskb-worked-deadlines")
        assert table.count() == 1, f"{runbook}: no worked deadlines"
        rows = table.locator("tbody tr")
        assert rows.count() >= 2
        starts = []
        for index in range(rows.count()):
            times = rows.nth(index).locator("time")
            shown = [times.nth(n).get_attribute("datetime") for n in range(times.count())]
            texts = [" ".join(times.nth(n).inner_text().split()) for n in range(times.count())]
            registered = datetime.fromisoformat(shown[0])
            plan = _escalate(runbook, registered.strftime("%Y-%m-%d %H:%M"), capsys)
            expected = [plan["registered"], plan["react_by"]["at"]]
            expected += [hop["due"]["at"] for hop in plan["hops"] if hop["due"]]
            expected.append(plan["resolve_or_escalate_by"]["at"])
            assert shown == expected, f"{runbook} from {shown[0]}"
            for iso, text in zip(shown, texts, strict=True):
                moment = datetime.fromisoformat(iso)
                assert text == f"{moment:%a} {moment.day} {moment:%b %Y %H:%M}"
            starts.append(registered)
        _assert_starts_exercise_the_clock(starts, kb, runbook)


def _assert_starts_exercise_the_clock(starts: list[datetime], kb: KnowledgeBase, runbook: str) -> None:
    """A working-day morning, and a Friday 23:00 followed by a public holiday on Monday."""
    calendar = holidays.country_holidays("RU", years=starts[0].year)
    assert starts[0].weekday() < 5 and starts[0].date() not in calendar and 9 <= starts[0].hour < 12
    night = starts[-1]
    assert (night.weekday(), night.hour, night.minute) == (4, 23, 0), f"{runbook}: {night}"
    assert (night + timedelta(days=3)).date() in calendar
    assert night.year == int(TODAY[:4])


def test_working_hours_carry_over_the_weekend_and_holiday(tab: Any, english: str, kb: KnowledgeBase) -> None:
    """What the reader needs from the Friday night: a working-hours chain starts on Tuesday."""
    route_ids = {r.id for r in kb.routes.values() if kb.sla_of(r.id).data["clock"] != "24x7"}
    runbook = min(r.id for r in kb.runbooks.values() if r.data["route"] in route_ids)
    _open(tab, f"{english}/runbooks/{runbook}.html")
    night = tab.locator("table.opskb-worked-deadlines tbody tr").last.locator("time")
    react = datetime.fromisoformat(night.nth(1).get_attribute("datetime"))
    assert react.weekday() == 1 and react.hour >= 9  # Tuesday, after the Monday holiday


# ------------------------------------------------------------------ suggest a change


def test_generated_pages_link_their_yaml_source(tab: Any, english: str, kb: KnowledgeBase) -> None:
    edit = "https://git.example.org/support/opskb/-/edit/main/"
    pages = {f"runbooks/{r.id}.html": r.file for r in kb.runbooks.values()}
    pages |= {f"marketplaces/{m.id}.html": m.file for m in kb.marketplaces.values()}
    pages["escalation/teams.html"] = "escalation/teams.yaml"
    pages["escalation/index.html"] = "escalation/routes.yaml"
    for page, source in pages.items():
        _open(tab, f"{english}/{page}")
        suggest = tab.locator(".opskb-suggest a").first
        assert suggest.get_attribute("href") == edit + source, page
        assert suggest.inner_text() == source
        assert tab.locator(f"a.md-content__button[href='{edit + source}']").count() == 1
        guide = tab.locator(".opskb-suggest a").nth(1).get_attribute("href")
        assert urljoin(f"{english}/{page}", guide) == f"{english}/contributing.html#ask-for-a-change"
    _open(tab, f"{english}/contributing.html")
    assert "without git access" in _text(tab, "#ask-for-a-change")


# ------------------------------------------------------------------ Russian


def _first_heading(name: str) -> str:
    text = (REPO / "docs" / f"{name}.ru.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.M).group(1).strip()


def test_russian_build_carries_the_russian_handwritten_pages(tab: Any, russian: str, english: str) -> None:
    for name in HANDWRITTEN:
        heading = _first_heading(name)
        _open(tab, f"{russian}/{name}.html")
        assert tab.locator("html").get_attribute("lang") == "ru"
        assert tab.locator("article h1").inner_text().rstrip("¶ \n") == heading
        _open(tab, f"{english}/{name}.html")
        assert tab.locator("article h1").inner_text().rstrip("¶ \n") != heading
    _open(tab, f"{russian}/onboarding.html")
    assert _rows(tab, "Часовой пояс") and _rows(tab, "Решить или эскалировать за")
    assert "реакция за 15 минут" in _text(tab)


def test_russian_worked_deadlines(tab: Any, russian: str) -> None:
    _open(tab, f"{russian}/runbooks/prices-not-applied.html")
    night = " ".join(tab.locator("table.opskb-worked-deadlines tbody tr").last.inner_text().split())
    assert night.startswith("пт ") and "23:00" in night


# ------------------------------------------------------------------ two-field statuses


def test_two_field_precedence_is_stated_from_the_data(
    tab: Any, english: str, kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]
) -> None:
    """Glossary and contributing state each file's precedence, and their worked examples
    of unlisted pairs resolve as `opskb status` resolves them."""
    from opskb.model.status_keys import StatusKey

    markets = [(m, StatusKey(m.data)) for m in kb.marketplaces.values()]
    markets = [(m, key) for m, key in markets if key.two_fields]
    assert any(key.decides_alone for _, key in markets)  # the Wildberries exception is data
    for page in ("glossary", "contributing"):
        _open(tab, f"{english}/{page}.html")
        text = _text(tab)
        for market, key in markets:
            first, second = key.fields
            assert f"{market.data['name']} ({first}/{second}): a pair resolves in this order." in text, page
            for value in key.decides_alone:
                assert value in text
            for pair in key.worked_examples():
                assert main(["status", market.id, pair, "--root", str(REPO), "--format", "json"]) == 0
                answer = json.loads(capsys.readouterr().out)
                stated = f"Worked example: {pair} is not listed;"
                assert stated in text, f"{page}: {pair}"
                sentence = text[text.index(stated) :].split(".", 1)[0]
                assert f"listed as {answer['matched_code']}" in sentence
                assert f"it means {answer['internal_name']} ({answer['maps_to']})" in sentence
