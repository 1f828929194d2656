"""WCAG 2.1 A and AA on every kind of page, judged by axe-core in real headless Chromium.

axe-core comes from the pinned axe-playwright-python package (its axe.min.js), run on
each page of the site of the repository's own content: home, onboarding, a runbook (and
its started timer), an alert page, the escalation map, team directory and card, the
marketplace pages, every index, the handwritten pages, the rule reference and the 404
page; in English and in Russian, at 390x844 and 1280x900, in the light and the dark
scheme. A serious or critical violation fails the test with its rule and element.

The matrix is cut where a dimension cannot change the verdict, so that it stays one
browser and a few minutes: the scheme changes colours only, so every rule but colour
contrast runs in the light scheme for each language and size; colour contrast (most of
axe's time) runs for each scheme and size on the English site, whose templates and
styles the Russian one shares.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from opskb.model.kb import KnowledgeBase
from opskb.model.textlanguage import letter_language
from site_helpers import ARTIFACTS, CHROMIUM, OPEN_SHADOW, chromium, content_site, serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("a11y"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (tests/system_deps.py)"),
]

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
axe_base = pytest.importorskip("axe_playwright_python.base", reason="axe-playwright-python is not installed")

# WCAG 2.0 and 2.1, levels A and AA: the rules axe tags with these.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Rules whose verdict depends on the colour scheme; every other rule sees the same page.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
FAILING_IMPACTS = ("serious", "critical")
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
# The value of Chromium's prefers-color-scheme, and the Material scheme it must select.
SCHEMES = {"light": "default", "dark": "slate"}
LANGUAGES = ("en", "ru")


def axe_version() -> str:
    """The axe-core version the tests run (the README names it)."""
    return axe_base.AXE_SCRIPT.split("axe v", 1)[1].split()[0]


def page_kinds(site: Path, kb: KnowledgeBase) -> dict[str, str]:
    """One page of every kind the site has, by kind: its path in the built site."""
    runbook = next(
        r for r in sorted(kb.runbooks.values(), key=lambda e: e.id) if r.data.get("do_not") and r.data.get("alerts")
    )
    market = sorted(m for m in kb.marketplaces if m != "internal")[0]
    kinds = {
        "home": "index.html",
        "onboarding": "onboarding.html",
        "runbook": f"runbooks/{runbook.id}.html",
        "alert": f"alerts/{runbook.data['alerts'][0]}.html",
        "escalation map": "escalation/index.html",
        "team directory": "escalation/teams.html",
        "escalation card": "escalation/card.html",
        "marketplaces": "marketplaces/index.html",
        "marketplace": f"marketplaces/{market}.html",
        "internal status model": "marketplaces/internal.html",
        "runbook index": "runbooks/index.html",
        "by system": "browse/systems.html",
        "by marketplace": "browse/marketplaces.html",
        "by severity": "browse/severity.html",
        "by tag": "browse/tags.html",
        "contributing": "contributing.html",
        "glossary": "glossary.html",
        "rule reference": "reference/rules.html",
        "not found": "404.html",
    }
    missing = [path for path in kinds.values() if not (site / path).is_file()]
    assert not missing, f"pages the accessibility test expects are not built: {missing}"
    return kinds


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, Path, KnowledgeBase]]]:
    """The content site in each language, served: language -> (url, site, kb). A build
    whose configuration carries both (the other one under its folder, ``ru/``) is built
    once; otherwise each language is a build of its own (``theme.language``)."""
    with contextlib.ExitStack() as stack:
        site, kb = content_site(tmp_path_factory.mktemp("a11y"), handwritten=True)
        url = stack.enter_context(serve(site))
        found = {LANGUAGES[0]: (url, site, kb)}
        for language in LANGUAGES[1:]:
            if (site / language / "index.html").is_file():
                found[language] = (f"{url}/{language}", site / language, kb)
                continue
            other, kb = content_site(tmp_path_factory.mktemp(f"a11y-{language}"), handwritten=True, language=language)
            found[language] = (stack.enter_context(serve(other)), other, kb)
        yield found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def new_tab(browser: Any, size: str, scheme: str = "light", **options: Any) -> Any:
    """A page in a fresh context of ``size`` and ``scheme``, with axe loaded in every document."""
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, **options)
    context.add_init_script(OPEN_SHADOW)  # axe judges the diagrams' SVG too
    context.add_init_script(axe_base.AXE_SCRIPT)
    return context.new_page()


def axe_failures(page: Any, where: str, rules: dict[str, Any], within: str | None = None) -> list[str]:
    """Each serious or critical violation axe finds in the page (or in ``within``), one line
    per element: where, the rule, its impact, the element's selector and axe's reason."""
    options = {**rules, "resultTypes": ["violations"]}
    results = page.evaluate(
        "([within, options]) => axe.run(within ? document.querySelector(within) : document, options)",
        [within, options],
    )
    lines = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " >> ".join(" ".join(part) if isinstance(part, list) else part for part in node["target"])
            reason = (node.get("any") or node.get("all") or node.get("none") or [{"message": ""}])[0]["message"]
            lines.append(f"{where}: {violation['id']} ({violation['impact']}) {target}: {reason}")
    return lines


def settle(page: Any) -> None:
    """Wait for every animation and transition to end: axe judges the page at rest."""
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")


def open_page(page: Any, url: str) -> None:
    page.goto(url)
    if page.locator(".mermaid").count():  # judged as drawn
        page.locator(".mermaid svg").first.wait_for(state="attached", timeout=15000)
    settle(page)


def sweep(browser: Any, sites: Any, language: str, size: str, scheme: str, rules: dict[str, Any]) -> list[str]:
    """axe's serious and critical findings (``rules``: axe's runOnly and rules options) on
    every kind of page of the ``language`` site at ``size`` in ``scheme``; the runbook's
    timer started and the search box with results are judged too."""
    url, site, kb = sites[language]
    page = new_tab(browser, size, scheme)
    failures: list[str] = []
    try:
        for kind, path in page_kinds(site, kb).items():
            open_page(page, f"{url}/{path}")
            shown = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert shown == SCHEMES[scheme], f"{path}: the {scheme} scheme shows Material's {shown!r}"
            assert page.evaluate("document.documentElement.lang") == language, path
            where = f"{language} {size} {scheme} {kind} ({path})"
            failures += axe_failures(page, where, rules)
            if kind == "runbook":  # the timer as it is during an incident: started
                page.click(".opskb-timer-go")
                settle(page)
                failures += axe_failures(page, f"{where}, timer started", rules, within=".opskb-timer")
            if kind == "home":  # the search box open, with results
                magnifier = page.locator('label.md-header__button[for="__search"]')
                (magnifier if magnifier.is_visible() else page.locator(".md-search__input")).click()
                page.fill(".md-search__input", next(iter(kb.runbooks)).split("-")[0])
                page.locator(".md-search-result__item").first.wait_for(timeout=20000)
                settle(page)
                failures += axe_failures(page, f"{where}, search results", rules, within=".md-search")
    finally:
        page.context.close()
    return failures


def _report(failures: list[str]) -> str:
    return f"{len(failures)} serious or critical WCAG 2.1 AA violations:\n" + "\n".join(failures)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_meets_wcag_21_aa(browser: Any, sites: Any, language: str, size: str) -> None:
    """Every WCAG 2.1 A and AA rule of axe but colour contrast (the next test's), on every
    kind of page, in each language at each size."""
    rules = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "rules": {"color-contrast": {"enabled": False}}}
    failures = sweep(browser, sites, language, size, "light", rules)
    assert not failures, _report(failures)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_page_has_aa_contrast(browser: Any, sites: Any, scheme: str, size: str) -> None:
    """The colour rules on every kind of page in each scheme at each size. In English only:
    both languages share every template and style, and contrast is the costliest rule."""
    rules = {"runOnly": {"type": "rule", "values": COLOUR_RULES}}
    failures = sweep(browser, sites, "en", size, scheme, rules)
    assert not failures, _report(failures)


# ------------------------------------------------------------------ the incident page


def incident_page(sites: Any, language: str = "en") -> str:
    url, site, kb = sites[language]
    return f"{url}/{page_kinds(site, kb)['runbook']}"


# What each stop of the keyboard walk is, by the first selector the focused element matches.
STOPS = {
    "search": ".md-search__input",
    # Material's language selector (its button, its links), or any link to another language
    "language": ".md-select button, .md-select a, a[hreflang]",
    "call now": ".opskb-call-contact",
    "timer start time": ".opskb-timer-start",
    "timer start": ".opskb-timer-go",
}
FOCUSED = """(stops) => {
  const el = document.activeElement;
  const name = Object.keys(stops).find((key) => el.matches(stops[key])) || null;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    name, tag: el.tagName, text: (el.textContent || el.value || "").trim().slice(0, 40),
    outline: [style.outlineStyle, parseFloat(style.outlineWidth)],
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
      && getComputedStyle(el).visibility !== "hidden",
  };
}"""


@pytest.mark.parametrize("size", SIZES)
def test_incident_page_works_from_the_keyboard(browser: Any, sites: Any, size: str) -> None:
    """Tab from the top of a runbook page: the search box and the language switch (when
    the site has one) in the header first, then "Call now", then the timer's start time
    and its button; each on screen when focused, with a visible focus ring; Enter starts
    the timer."""
    page = new_tab(browser, size)
    try:
        page.goto(incident_page(sites))
        reached: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        for _ in range(300):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUSED, STOPS)
            if stop["name"] and stop["name"] not in reached:
                reached[stop["name"]] = stop
                order.append(stop["name"])
            if stop["name"] == "timer start":
                break
        has_switch = page.locator(STOPS["language"]).count() > 0
        header = ["search", *(["language"] if has_switch else [])]
        expected = [*header, "call now", "timer start time", "timer start"]
        assert set(expected) <= set(order), f"not reached by Tab: {set(expected) - set(order)} (order: {order})"
        # the header's stops in their order on screen, then the incident's in reading order
        assert set(order[: len(header)]) == set(header), order
        assert order[len(header) :] == expected[len(header) :], order
        for name in expected:
            stop = reached[name]
            assert stop["shown"], f"{name} is focused off screen or hidden: {stop}"
            style, width = stop["outline"]
            assert style != "none" and width >= 1, f"{name} shows no focus ring: {stop}"
        page.keyboard.press("Enter")  # the timer's button, focused last
        assert page.locator(".opskb-timer-due").count() >= 2
    finally:
        page.context.close()


def test_severity_and_do_not_survive_forced_colours(browser: Any, sites: Any) -> None:
    """In forced colours (Windows high contrast) backgrounds are gone: the severity is still
    a bordered badge with its word, the "Do not" block keeps its border, title and icon."""
    from opskb.site.labels import Labels

    _, site, kb = sites["en"]
    runbook = kb.runbooks[Path(page_kinds(site, kb)["runbook"]).stem]
    labels = Labels("en")
    page = new_tab(browser, "phone", forced_colors="active")
    try:
        page.goto(incident_page(sites))
        assert page.evaluate("matchMedia('(forced-colors: active)').matches")
        badge = page.evaluate(
            """() => { const el = document.querySelector('.opskb-sev'); const s = getComputedStyle(el);
            return {text: el.textContent.trim(), border: [s.borderTopStyle, parseFloat(s.borderTopWidth)],
                    color: s.borderTopColor, background: getComputedStyle(document.body).backgroundColor}; }"""
        )
        assert badge["text"] == labels.get(f"severity.{runbook.data['severity']}"), badge
        assert badge["border"][0] == "solid" and badge["border"][1] >= 1, f"the severity badge has no border: {badge}"
        assert badge["color"] != badge["background"], badge
        block = page.evaluate(
            """() => { const box = document.querySelector('.opskb-do-not');
            const title = box.querySelector('.admonition-title'); const s = getComputedStyle(box);
            const icon = getComputedStyle(title, '::before');
            return {title: title.textContent.trim(), border: [s.borderLeftStyle, parseFloat(s.borderLeftWidth)],
                    icon: icon.backgroundColor, iconShown: icon.content !== 'none' && parseFloat(icon.width) > 0,
                    background: s.backgroundColor, page: getComputedStyle(document.body).backgroundColor}; }"""
        )
        assert block["title"] == labels.get("runbook.do_not"), block
        assert block["border"][0] == "solid" and block["border"][1] >= 1, f"Do not has no border: {block}"
        assert block["iconShown"], block
        assert block["icon"] not in (block["background"], block["page"], "rgba(0, 0, 0, 0)"), (
            f"the Do not icon is drawn in the background's colour: {block}"
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "a11y-forced-colours.png"))
    finally:
        page.context.close()


# Every element (and its ::before and ::after) that animates or transitions, after the page
# has been used: the search opened, the timer started, a link hovered.
MOVING = """() => {
  const seconds = (value) => Math.max(...value.split(',').map((v) => parseFloat(v) || 0));
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      const animated = s.animationName !== 'none' && seconds(s.animationDuration) > 0;
      if (animated || seconds(s.transitionDuration) > 0)
        found.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}${pseudo || ''}`);
    }
  }
  return {found, running: document.getAnimations().length,
          scroll: getComputedStyle(document.documentElement).scrollBehavior};
}"""


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_nothing_moves_when_asked_for_less_motion(browser: Any, sites: Any, motion: str) -> None:
    """With prefers-reduced-motion: reduce, no element of the incident page animates or
    transitions, before or after use. Without it, the same look finds the theme's motion
    (so the check can see what it looks for)."""
    page = new_tab(browser, "desktop", reduced_motion=motion)
    try:
        page.goto(incident_page(sites))
        page.click(".opskb-timer-go")
        page.click(".md-search__input")
        page.keyboard.type("price")
        page.locator(".md-search-result__item").first.wait_for(timeout=20000)
        page.keyboard.press("Escape")
        page.locator(".opskb-now a").first.hover()
        moving = page.evaluate(MOVING)
    finally:
        page.context.close()
    if motion == "reduce":
        assert moving["found"] == [] and moving["running"] == 0, moving
        assert moving["scroll"] == "auto", moving
    else:
        assert moving["found"], "the check found no motion where the theme has some"


# Each text of the page with Cyrillic letters whose language (its closest lang) is not
# Russian. Text, not HTML: the browser's text nodes, and the letters' Unicode script.
UNMARKED_RUSSIAN = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/\\p{Script=Cyrillic}/u.test(node.data)) continue;
    const parent = node.parentElement;
    if (parent.closest('script, style, template')) continue;
    const lang = parent.closest('[lang]').getAttribute('lang');
    if (lang !== 'ru') found.push(`${parent.tagName.toLowerCase()}: ${node.data.trim().slice(0, 60)}`);
  }
  return found;
}"""


def test_russian_phrases_on_english_pages_are_marked(browser: Any, sites: Any) -> None:
    """Russian words on English pages (symptoms, buyers' status labels, status names,
    aliases, examples in the handwritten pages) carry lang="ru", so a screen reader speaks
    them in Russian; the search results too."""
    url, site, kb = sites["en"]
    page = new_tab(browser, "desktop")
    unmarked: list[str] = []
    checked = 0
    try:
        for kind, path in page_kinds(site, kb).items():
            open_page(page, f"{url}/{path}")
            found = page.evaluate(UNMARKED_RUSSIAN)
            unmarked += [f"{kind} ({path}): {line}" for line in found]
            checked += page.evaluate("document.body.innerText.match(/\\p{Script=Cyrillic}+/gu)?.length || 0")
        page.goto(f"{url}/index.html")
        # a buyer's status label: its result shows the label itself
        labels = (
            s.get("label", "") for m in sorted(kb.marketplaces.values(), key=lambda e: e.id) for s in m.data["statuses"]
        )
        russian = next(label for label in labels if any(letter_language(c) == "ru" for c in label))
        page.click(".md-search__input")
        page.fill(".md-search__input", russian)
        page.locator(".md-search-result__item").first.wait_for(timeout=20000)
        assert russian in page.locator(".md-search-result").inner_text()
        unmarked += [f"search results for {russian!r}: {line}" for line in page.evaluate(UNMARKED_RUSSIAN)]
    finally:
        page.context.close()
    assert checked > 20, "the English site shows hardly any Russian: nothing was checked"
    assert not unmarked, "Russian text without lang=ru:\n" + "\n".join(unmarked)


# ------------------------------------------------------------------ the SLA report


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("size", SIZES)
def test_sla_report_meets_wcag_21_aa(cli: Any, tmp_path: Path, browser: Any, size: str, scheme: str) -> None:
    """`opskb report sla --format html`, opened from the file system: every WCAG 2.1 A
    and AA rule, at each size in each scheme."""
    from test_report_browser import _html_report

    report = _html_report(cli, tmp_path)
    page = new_tab(browser, size, scheme)
    try:
        page.goto(report.as_uri())
        rules = {"runOnly": {"type": "tag", "values": WCAG_21_AA}}
        failures = axe_failures(page, f"{size} {scheme} SLA report", rules)
    finally:
        page.context.close()
    assert not failures, _report(failures)
