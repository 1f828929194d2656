"""The incident-first layout, measured in headless Chromium at a phone's and a desktop's size.

On the first screen of every runbook page of the repository's content, without
scrolling: the severity, the first response, whom to call now with a tappable contact,
the live deadline and the "Do not" block (its title and first item). The home page
opens with the search box and the critical runbooks. Screenshots of every page measured
are kept in test-artifacts/layout-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opskb.model.kb import KnowledgeBase
from site_helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, content_site, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("site"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (tests/system_deps.py)"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

SCREENS = {"phone": (390, 844), "desktop": (1280, 800)}
# What must be on the first screen, in this order down the page.
FIRST_SCREEN = [
    ("severity", ".opskb-summary .opskb-sev"),
    ("first response", "ol.opskb-first-response"),
    ("whom to call", ".opskb-call-contact"),
    ("deadline", ".opskb-deadline"),
    ("Do not", ".opskb-do-not .admonition-title"),
    ("first Do-not item", ".opskb-do-not li:first-child strong"),
]


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase]:
    return content_site(tmp_path_factory.mktemp("layout"))


@pytest.fixture(scope="module")
def base_url(content: tuple[Path, KnowledgeBase]) -> Iterator[str]:
    with serve(content[0]) as url:
        yield url


@pytest.fixture(scope="module", params=sorted(SCREENS))
def screen(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    width, height = SCREENS[request.param]
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport={"width": width, "height": height}, timezone_id="Europe/Moscow")
        yield request.param, context.new_page()
        chromium.close()


def _within_first_screen(page: Any, selector: str) -> tuple[bool, Any]:
    box = page.locator(selector).first.bounding_box()
    view = page.viewport_size
    inside = box is not None and box["y"] >= 0 and box["y"] + box["height"] <= view["height"]
    inside = inside and box["x"] >= 0 and box["x"] + box["width"] <= view["width"]
    return inside, box


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{name}.png"))


def test_every_runbook_starts_with_what_the_incident_needs(screen: tuple[str, Any], base_url: str, content) -> None:
    name, page = screen
    _, kb = content
    assert kb.runbooks
    for runbook_id, runbook in sorted(kb.runbooks.items()):
        page.goto(f"{base_url}/runbooks/{runbook_id}.html")
        page.evaluate("window.scrollTo(0, 0)")
        _shot(page, f"{name}-{runbook_id}")
        tops = []
        for what, selector in FIRST_SCREEN:
            if "do-not" in selector and not runbook.data.get("do_not"):
                continue
            inside, box = _within_first_screen(page, selector)
            assert inside, f"{runbook_id} on a {name}: {what} is not on the first screen ({box})"
            tops.append(box["y"])
        assert tops == sorted(tops), f"{runbook_id} on a {name}: first-screen order {tops}"
        href = page.locator(".opskb-call-contact").first.get_attribute("href")
        assert href.startswith(("tel:", "mailto:", "https:", "http:")), (runbook_id, href)
        # the impact, the symptoms and the steps follow, below those
        below = page.locator("#impact").bounding_box()["y"]
        assert below > tops[-1] and page.locator("#steps").bounding_box()["y"] > below


def test_the_deadline_at_the_top_goes_live_with_the_timer(screen: tuple[str, Any], base_url: str, content) -> None:
    _, page = screen
    _, kb = content
    runbook_id = sorted(kb.runbooks)[0]
    page.goto(f"{base_url}/runbooks/{runbook_id}.html")
    live = page.locator(".opskb-deadline-live")
    before = live.inner_text()
    page.click(".opskb-timer-go")
    after = live.inner_text()
    assert after != before and "(in " in after, after
    page.click(".opskb-timer-reset")
    assert live.inner_text() == before


def test_home_page_leads_with_search_and_critical_runbooks(screen: tuple[str, Any], base_url: str, content) -> None:
    name, page = screen
    _, kb = content
    page.goto(f"{base_url}/index.html")
    _shot(page, f"{name}-home")
    for selector in (".opskb-home-search", ".opskb-home-critical li:first-child"):
        inside, box = _within_first_screen(page, selector)
        assert inside, f"home on a {name}: {selector} is not on the first screen ({box})"
    critical = sorted(r.data["title"] for r in kb.runbooks.values() if r.data["severity"] == "critical")
    shown = [" ".join(t.split()) for t in page.locator(".opskb-home-critical li a").all_inner_texts()]
    assert sorted(shown) == [" ".join(t.split()) for t in critical]
    page.click(".opskb-home-search")
    assert page.locator(".md-search__input").is_visible()
    page.keyboard.press("Escape")
