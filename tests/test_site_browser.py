"""The built site in real headless Chromium (Debian's package), served on 127.0.0.1.

Every request the browser makes is recorded; any that leaves 127.0.0.1 is aborted and
fails the test. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from opskb.escalation.clocks import calendar_from, deadline
from opskb.model.kb import KnowledgeBase
from payloads import CLOSE, OPEN, PayloadTree
from site_helpers import (
    ARTIFACTS,
    CHROMIUM,
    OPEN_SHADOW,
    REPO,
    chromium,
    content_site,
    hostile_site,
    search_result_links,
    serve,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("site"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (tests/system_deps.py)"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ZONE = "Europe/Moscow"


def _has_real_content() -> bool:
    return (REPO / "runbooks").is_dir() and (REPO / "docs" / "onboarding.md").is_file()


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase]:
    """The site of the repository's own content (the product), or of the minimal tree."""
    return content_site(tmp_path_factory.mktemp("browser"), handwritten=True)


@pytest.fixture(scope="module")
def base_url(content: tuple[Path, KnowledgeBase]) -> Iterator[str]:
    with serve(content[0]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


class Recorder:
    """Every request of a browser context; those not to 127.0.0.1 are aborted."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.outside: list[str] = []
        self.dialogs: list[str] = []

    def route(self, route: Any) -> None:
        url = route.request.url
        self.urls.append(url)
        if re.match(r"^(https?|wss?)://127\.0\.0\.1(:\d+)?/", url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    recorder = Recorder()
    context = browser.new_context(timezone_id=ZONE, viewport={"width": 1280, "height": 900})
    context.route("**/*", recorder.route)
    context.add_init_script(OPEN_SHADOW)
    tab = context.new_page()
    tab.recorder = recorder
    tab.on("dialog", lambda d: (recorder.dialogs.append(d.message), d.dismiss()))
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(ARTIFACTS / f"site-{name}.png"), full_page=False)
    finally:
        context.close()
    assert recorder.urls, "no request was recorded"
    assert not recorder.outside, f"requests left localhost: {recorder.outside}"


def _pick_runbook(kb: KnowledgeBase, clock: str) -> str:
    """A runbook whose route's SLA runs on ``clock`` ('24x7' or a calendar), with a do_not."""
    for runbook in sorted(kb.runbooks.values(), key=lambda e: e.id):
        policy = kb.sla_of(runbook.data["route"])
        if policy is None or not runbook.data.get("do_not"):
            continue
        if (policy.data["clock"] == "24x7") == (clock == "24x7"):
            return runbook.id
    pytest.skip(f"no runbook on a {clock} clock in this content")


# ------------------------------------------------------------------ runbook page


def test_runbook_page_shows_owner_sla_and_do_not(page: Any, base_url: str, content: Any) -> None:
    _, kb = content
    runbook_id = _pick_runbook(kb, "24x7")
    runbook = kb.runbooks[runbook_id]
    policy = kb.sla_of(runbook.data["route"])
    owner = kb.owner_of(runbook_id)
    page.goto(f"{base_url}/runbooks/{runbook_id}.html")
    body = page.locator("article")
    assert page.locator("h1").inner_text().rstrip("¶ \n") == runbook.data["title"].strip()
    do_not = page.locator(".admonition.danger")
    assert do_not.is_visible()
    first = runbook.data["do_not"][0]
    assert " ".join(first["action"].split()) in " ".join(do_not.inner_text().split())
    text = " ".join(body.inner_text().split())
    from opskb.model.durations import humanize

    assert f"React within {humanize(policy.data['react_within'])}" in text
    assert f"resolve or escalate within {humanize(policy.data['resolve_within'])}" in text
    assert owner is not None and f"Owner (L2): {owner.data['name']}" in text
    assert page.locator(".opskb-changes, .opskb-readonly").count() == len(runbook.data["steps"])


def test_timer_shows_when_each_hop_is_due(page: Any, base_url: str, content: Any) -> None:
    _, kb = content
    runbook_id = _pick_runbook(kb, "24x7")
    route = kb.route_of(runbook_id)
    page.goto(f"{base_url}/runbooks/{runbook_id}.html")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.fill(".opskb-timer-start", "2026-11-23T10:00")
    page.click(".opskb-timer-go")
    registered = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo(ZONE))
    rows = page.locator(".opskb-timer-hop")
    assert rows.count() == len(route.data["hops"])
    from opskb.model.durations import parse_duration

    for index, hop in enumerate(route.data["hops"]):
        row = rows.nth(index)
        team = kb.teams[hop["team"]].data["name"]
        assert f"{hop['line']}: {team}" in row.inner_text()
        due = row.locator(".opskb-timer-due")
        expected = registered + (parse_duration(hop["after"]) if hop.get("after") else timedelta(0))
        shown = datetime.fromisoformat(due.get_attribute("data-due").replace("Z", "+00:00"))
        assert shown == expected.astimezone(UTC)
        assert expected.strftime("%H:%M") in due.inner_text()
    page.screenshot(path=str(ARTIFACTS / "site-timer-started.png"))
    # the start survives a reload (kept in localStorage)
    page.reload()
    assert page.locator(".opskb-timer-due").count() >= len(route.data["hops"])


@pytest.mark.parametrize(
    ("start", "minutes"),
    [
        ("2026-11-20T16:00", 240),  # Friday 16:00 + 4 working hours -> Monday 11:00
        ("2026-12-31T17:00", 60),  # New Year holidays on the RU calendar
        ("2026-11-03T17:30", 120),  # the day before a public holiday
        ("2026-11-22T03:00", 540),  # Sunday night, one full working day
    ],
)
def test_timer_working_hours_match_opskb_clocks(
    page: Any, base_url: str, content: Any, start: str, minutes: int
) -> None:
    """The page's clock arithmetic agrees with opskb.escalation.clocks (what `opskb escalate` says)."""
    _, kb = content
    runbook_id = (
        _pick_runbook(kb, "calendar")
        if any(p.data["clock"] != "24x7" for p in kb.sla_policies.values())
        else pytest.skip("no working-hours policy")
    )
    page.goto(f"{base_url}/runbooks/{runbook_id}.html")
    blob = page.locator("[data-opskb-timer]").first
    data = json.loads(
        html.unescape(
            page.evaluate(
                "() => JSON.stringify(JSON.parse(document.querySelector('[data-opskb-timer]')"
                ".getAttribute('data-opskb-timer')).clock)"
            )
        )
    )
    assert blob.count() == 1 and data["kind"] == "calendar"
    calendar = calendar_from(kb.calendars[data["id"]].data)
    begin = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(calendar.timezone))
    expected = deadline(begin, timedelta(minutes=minutes), calendar)
    ms = page.evaluate(
        "([start, minutes, clock]) => window.opskbClock.addOnClock(start, minutes, clock)",
        [int(begin.timestamp() * 1000), minutes, data],
    )
    assert datetime.fromtimestamp(ms / 1000, UTC) == expected.astimezone(UTC)


# ------------------------------------------------------------------ search


def type_query(page: Any, query: str) -> None:
    """Put ``query`` in the search box the way a person's typing ends: with a key released.

    The box (assets/search.js) searches on `input` and on `keyup`, as Material's did, so
    a fill and a key released search the whole query (the second sees the same text and
    does nothing). Typing key by key would search every prefix; only the last answer is
    shown, but waiting for it would need a signal a person does not have.
    """
    page.click(".md-search__input")
    page.fill(".md-search__input", query)
    page.keyboard.press("End")


def search_results(page: Any, base_url: str, query: str) -> list[str]:
    """Type ``query`` in the site search; the result links once they stop changing."""
    links = search_result_links(page, f"{base_url}/index.html", query)
    return [re.sub(r"^https?://[^/]+/|[?#].*$", "", link) for link in links]


def _queries(kb: KnowledgeBase) -> list[tuple[str, str, str]]:
    """(kind, query, expected page) taken from the content: an alert name, an English
    symptom phrase and a Russian buyer label, each belonging to exactly one page."""
    found = []
    alerts = [(a, r.id) for r in kb.runbooks.values() for a in r.data.get("alerts", [])]
    counts: dict[str, int] = {}
    for alert, _ in alerts:
        counts[alert] = counts.get(alert, 0) + 1
    for alert, runbook_id in sorted(alerts):
        if counts[alert] == 1:
            found.append(("alert", alert, f"runbooks/{runbook_id}.html"))
            break
    for runbook in sorted(kb.runbooks.values(), key=lambda e: e.id):
        english = [s for s in runbook.data["symptoms"] if re.fullmatch(r"[A-Za-z0-9 ,'()/%.-]+", s)]
        if english and runbook.data.get("alerts"):
            found.append(("symptom", english[0], f"runbooks/{runbook.id}.html"))
            break
    labels: dict[str, list[str]] = {}
    for market in kb.marketplaces.values():
        for status in market.data["statuses"]:
            if status.get("label"):
                labels.setdefault(status["label"], []).append(market.id)
    for label, markets in sorted(labels.items()):
        if len(set(markets)) == 1 and re.search("[а-яё]", label, re.I):
            found.append(("russian label", label, f"marketplaces/{markets[0]}.html"))
            break
    return found


def test_search_finds_alert_symptom_and_russian_label_first(page: Any, base_url: str, content: Any) -> None:
    _, kb = content
    queries = _queries(kb)
    assert {kind for kind, _, _ in queries} == {"alert", "symptom", "russian label"}
    misses = []
    for kind, query, expected in queries:
        results = search_results(page, base_url, query)
        if not results or results[0] != expected:
            misses.append(f"{kind} {query!r}: expected {expected}, got {results[:3]}")
    page.screenshot(path=str(ARTIFACTS / "site-search.png"))
    assert not misses, "\n".join(misses)


@pytest.mark.skipif(not _has_real_content(), reason="needs the repository's content")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("DatabaseHighCPU", "runbooks/database-high-load.html"),
        ("orders per hour graph drops to zero", "runbooks/no-orders-from-marketplace.html"),
        ("нет заказов с маркетплейса", "runbooks/no-orders-from-marketplace.html"),
        ("Условно доставлен", "marketplaces/ozon.html"),
    ],
)
def test_search_known_phrases(page: Any, base_url: str, content: Any, query: str, expected: str) -> None:
    site, _ = content
    if not (site / expected).exists():
        pytest.skip(f"{expected} is not in this content")
    results = search_results(page, base_url, query)
    assert results and results[0] == expected, results[:3]


def test_search_on_a_phone_opens_the_runbook(browser: Any, base_url: str, content: Any) -> None:
    """On a narrow screen the header shows the magnifier; tapping it opens the box, and
    the first result is a link to the runbook page."""
    _, kb = content
    runbook, alert = next(
        (r.id, a) for r in sorted(kb.runbooks.values(), key=lambda e: e.id) for a in r.data.get("alerts", [])
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    try:
        tab.goto(f"{base_url}/index.html")
        magnifier = tab.locator('label.md-header__button[for="__search"]')
        assert magnifier.is_visible()
        magnifier.tap()
        tab.locator(".md-search__input").wait_for(state="visible")
        type_query(tab, alert)
        first = tab.locator(".md-search-result__item > .md-search-result__link").first
        first.wait_for(timeout=10000)
        tab.screenshot(path=str(ARTIFACTS / "site-search-phone.png"))
        first.tap()
        tab.wait_for_url(f"**/runbooks/{runbook}.html")
    finally:
        context.close()


# ------------------------------------------------------------------ diagrams


def test_marketplace_diagram_is_an_svg(page: Any, base_url: str, content: Any) -> None:
    _, kb = content
    market = sorted(kb.marketplaces)[0]
    page.goto(f"{base_url}/marketplaces/{market}.html")
    diagram = page.locator("#diagram ~ .mermaid svg").first
    diagram.wait_for(state="attached", timeout=15000)
    assert diagram.evaluate("e => e.tagName.toLowerCase()") == "svg"
    first_code = kb.marketplaces[market].data["statuses"][0]["code"]
    labels = diagram.evaluate("e => e.textContent")
    assert first_code.split("/")[0] in labels
    page.locator("#diagram").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "site-marketplace-diagram.png"))
    page.goto(f"{base_url}/marketplaces/internal.html")
    page.locator(".mermaid svg").first.wait_for(state="attached", timeout=15000)
    assert any("mermaid" in url for url in page.recorder.urls)


def test_escalation_card_prints_on_one_page(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/escalation/card.html")
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    pdf = page.pdf(format="A4", landscape=True)
    (ARTIFACTS / "site-escalation-card.pdf").write_bytes(pdf)
    pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
    assert len(pages) == 1, f"the card prints on {len(pages)} pages"


# ------------------------------------------------------------------ safety


# Defined before any page script: every payload vector calls it when it runs.
RECORD_PWNED = """
window.__fired = [];
window.__pwned = function (what) { window.__fired.push(String(what)); };
"""
# Elements and attributes a payload would have produced: handlers, script URLs, frames,
# and the ids the payloads carry. Searched in the page and in every open shadow root
# (Mermaid's SVG), after the page scripts have run.
INJECTED = """
(tokens) => {
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const value = attr.value;
        if (attr.name.startsWith("on") && value.includes("__pwned")) found.push(`${el.tagName} ${attr.name}`);
        if (/^(href|src|xlink:href|action|formaction)$/.test(attr.name) && /^\\s*javascript:/i.test(value))
          found.push(`${el.tagName} ${attr.name}=${value}`);
      }
      if (el.tagName === "IFRAME" && el.hasAttribute("srcdoc")) found.push("iframe srcdoc");
      if (el.id && tokens.includes(el.id)) found.push(`element with id ${el.id}`);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return found;
}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PayloadTree, Path, str]]:
    tree, site = hostile_site(tmp_path_factory.mktemp("hostile-browser"))
    with serve(site) as url:
        yield tree, site, url


def _assert_nothing_ran(page: Any, tree: PayloadTree, where: str) -> None:
    page.wait_for_timeout(200)
    assert page.evaluate("window.__fired") == [], where
    assert page.recorder.dialogs == [], where
    assert page.evaluate(INJECTED, list(tree.tokens)) == [], where
    assert not [e for e in page.errors if "pwned" in e], where


def _assert_shown_as_text(text: str, tree: PayloadTree, where: str) -> None:
    """Wherever a payload's opening mark shows, the whole payload shows after it."""
    text = " ".join(text.split())
    for token in tree.tokens:
        marks = text.count(f"{OPEN}{token}{CLOSE}")
        if marks:
            assert text.count(tree.shown(token)) == marks, f"{where}: {tree.where(token)}"


@pytest.fixture
def hostile_page(page: Any) -> Any:
    page.context.add_init_script(RECORD_PWNED)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def test_no_payload_runs_on_any_page(hostile_page: Any, hostile: tuple[PayloadTree, Path, str]) -> None:
    """Every page of the hostile site, opened, hovered, clicked where the page script
    acts (the timer), with its diagrams drawn: nothing from content runs, every payload
    shown is shown whole, as text, the page title included."""
    tree, site, url = hostile
    page = hostile_page
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.parts)
    assert len(pages) >= 12
    shown = 0
    for path in pages:
        page.goto(f"{url}/{path}")
        _assert_nothing_ran(page, tree, path)
        if page.locator(".opskb-timer-go").count():
            page.click(".opskb-timer-go")
        if page.locator(".mermaid").count():
            page.locator(".mermaid svg").first.wait_for(state="attached", timeout=15000)
        for link in page.locator(".md-nav__link, .md-footer__link, article a").all()[:60]:
            if link.is_visible():
                link.hover(force=True, timeout=2000)
        _assert_nothing_ran(page, tree, path)
        text = page.evaluate("document.body.innerText")
        _assert_shown_as_text(text, tree, path)
        _assert_shown_as_text(page.title(), tree, f"{path} <title>")
        shown += text.count(OPEN)
    assert shown > len(tree.tokens)


def test_search_results_show_payloads_as_text(hostile_page: Any, hostile: tuple[PayloadTree, Path, str]) -> None:
    """Payloads in the titles and lines of search results show as text (the box writes
    them with textContent), and the page a result opens runs nothing either."""
    tree, _, url = hostile
    page = hostile_page
    # a word of every full payload, and the token of a runbook's title
    title = next(t for t, places in tree.tokens.items() if any(path == ("title",) for _, path in places))
    for query in ("evaluated", title):
        page.goto(f"{url}/index.html")
        type_query(page, query)
        results = page.locator(".md-search-result__item")
        results.first.wait_for(timeout=20000)
        page.wait_for_timeout(500)
        _assert_nothing_ran(page, tree, f"search {query}")
        text = page.locator(".md-search-result").inner_text()
        assert "<img src=x onerror=" in text or "<script>" in text, text[:500]
        page.locator(".md-search-result__link").first.click()
        page.wait_for_load_state()
        _assert_nothing_ran(page, tree, f"result of {query}")


# ------------------------------------------------------------------ file://


def test_site_works_from_the_file_system(browser: Any, content: Any) -> None:
    """Opened as files (no server at all): styles, the timer, diagrams and search work,
    and nothing is requested from anywhere but the file system."""
    site, kb = content
    context = browser.new_context(timezone_id=ZONE, viewport={"width": 1280, "height": 900})
    context.add_init_script(OPEN_SHADOW)
    requests: list[str] = []
    tab = context.new_page()
    tab.on("request", lambda r: requests.append(r.url))
    try:
        runbook_id = _pick_runbook(kb, "24x7")
        tab.goto((site / "runbooks" / f"{runbook_id}.html").as_uri())
        assert tab.locator(".admonition.danger").is_visible()
        color = tab.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
        assert color not in ("rgba(0, 0, 0, 0)", "transparent"), "theme styles did not load"
        tab.click(".opskb-timer-go")
        assert tab.locator(".opskb-timer-due").count() >= 2
        market = sorted(kb.marketplaces)[0]
        tab.goto((site / "marketplaces" / f"{market}.html").as_uri())
        tab.locator(".mermaid svg").first.wait_for(state="attached", timeout=15000)
        tab.goto((site / "index.html").as_uri())
        owner, alert = next(
            (r.id, a) for r in sorted(kb.runbooks.values(), key=lambda e: e.id) for a in r.data.get("alerts", [])
        )
        type_query(tab, alert)
        first = tab.locator(".md-search-result__item > .md-search-result__link").first
        first.wait_for(timeout=20000)
        assert f"runbooks/{owner}.html" in first.get_attribute("href")
        tab.screenshot(path=str(ARTIFACTS / "site-file-search.png"))
    finally:
        context.close()
    outside = [u for u in requests if not u.startswith(("file://", "data:", "blob:", "about:"))]
    assert not outside, outside
