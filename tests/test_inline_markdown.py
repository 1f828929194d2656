"""The safe Markdown subset of step text, first response and "do not": inline code, bold,
emphasis and http(s) links render; everything else is escaped text; a link to any other
scheme, however disguised, is a located finding (KB336). Checked through `opskb check`,
`mkdocs build --strict` (the built HTML read with an HTML parser) and real Chromium."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, run_opskb
from opskb.model import inline
from site_helpers import CHROMIUM, CHROMIUM_ARGS, copy_minimal, mkdocs_build, serve, write_config

RUNBOOK = "runbooks/prices-not-applied.yaml"
FIRST_RESPONSE = "  - Compare sent and accepted prices on the price feed dashboard.\n"

# Each a link the site will not make: to another scheme, hidden behind an entity, a
# leading space, capitals, angle brackets, or no scheme at all.
REFUSED = [
    "[dashboard](javascript:__pwned(1))",
    "[dashboard](JaVaScRiPt:__pwned(1))",
    "[dashboard](&#106;avascript:__pwned(1))",
    "[dashboard](&#x6A;&#x61;vascript:__pwned(1))",
    "[dashboard](   javascript:__pwned(1))",
    "[dashboard](<javascript:__pwned(1)>)",
    "[dashboard](java&#x09;script:__pwned(1))",
    "<javascript:__pwned(1)>",
    "[dashboard](data:text/html;base64,PHNjcmlwdD5fX3B3bmVkKDEpPC9zY3JpcHQ+)",
    "[dashboard](vbscript:msgbox(1))",
    "[dashboard](//grafana.example.org/d/feed)",
    "[dashboard](/d/feed)",
    "[**dashboard**](file:///etc/passwd)",
]
ACCEPTED = [
    "[dashboard](https://grafana.example.org/d/feed)",
    "<https://grafana.example.org/d/feed>",
    "`javascript:__pwned(1)` is only code",
    "javascript:__pwned(1) as plain words",
    "<a href=javascript:__pwned(1)>raw HTML is text</a>",
]


def _with_first_response(tree: Path, text: str) -> None:
    path = tree / RUNBOOK
    source = path.read_text(encoding="utf-8")
    assert FIRST_RESPONSE in source
    path.write_text(source.replace(FIRST_RESPONSE, f"  - {json.dumps(text)}\n"), encoding="utf-8")


@pytest.mark.parametrize("value", REFUSED)
def test_a_link_to_another_scheme_is_a_located_finding(tree: Path, cli, value: str) -> None:
    _with_first_response(tree, f"Open the {value} first.")
    result = cli("check", tree)
    assert result.code == 1
    assert f"{RUNBOOK}:14:5: KB336 link to " in result.out, result.out


@pytest.mark.parametrize("value", ACCEPTED)
def test_http_links_code_and_text_pass(tree: Path, cli, value: str) -> None:
    _with_first_response(tree, f"Open the {value} first.")
    result = cli("check", "--strict", tree)
    assert result.code == 0, result.out


# Hostile text that passes the gate: raw HTML, script in code and bold, attribute
# breakouts through a link's address and title, Jinja, entities, a command that closes
# its own block.
HOSTILE = {
    "steps": (
        "Run `<script>__pwned('code')</script>` then **<img src=x onerror=__pwned('bold')>** and open "
        "[the docs](https://example.org/a\"onmouseover=\"__pwned('href')) or "
        '[the guide](https://example.org/g "t\\"><script>__pwned(\'title\')</script>") {{ 6*7 }} &lt;b&gt;'
    ),
    "first_response": "<svg onload=__pwned('svg')> *carefully* [**the board**](https://example.org/?q=<x>&y=1)",
    "action": "<a href=javascript:__pwned('raw')>click</a> <https://example.org/auto>",
    "why": "![x](https://example.org/x.png) \\*not emphasis\\* <iframe srcdoc=\"<script>__pwned('iframe')</script>\">",
    "command": "</code></pre><script>__pwned('command')</script>\n```\n{{ 6*7 }}",
}


def _hostile_tree(base: Path) -> Path:
    tree = copy_minimal(base / "content")
    path = tree / RUNBOOK
    text = path.read_text(encoding="utf-8")
    replacements = [
        ("    do: Open the price feed dashboard in Grafana.\n", f"    do: {json.dumps(HOSTILE['steps'])}\n"),
        (FIRST_RESPONSE, f"  - {json.dumps(HOSTILE['first_response'])}\n"),
        ("  - action: Resend the whole price list.\n", f"  - action: {json.dumps(HOSTILE['action'])}\n"),
        (
            "    why: It floods the marketplace API and delays every feed.\n",
            f"    why: {json.dumps(HOSTILE['why'])}\n",
        ),
        ("    tool: Grafana\n", f"    tool: Grafana\n    command: {json.dumps(HOSTILE['command'])}\n"),
    ]
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return tree


class _Article(HTMLParser):
    """The tags and attributes inside the page's <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        if self.depth:
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    base = tmp_path_factory.mktemp("inline-hostile")
    tree = _hostile_tree(base)
    gate = run_opskb("check", "--strict", str(tree))
    assert gate.code == 0, gate.out
    site = base / "site"
    built = mkdocs_build(write_config(tree), site)
    assert built.returncode == 0, built.stderr
    return site, (site / "runbooks" / "prices-not-applied.html").read_text(encoding="utf-8")


def test_hostile_subset_text_builds_strict_into_inert_html(hostile_build: tuple[Path, str]) -> None:
    _, page = hostile_build
    article = _Article()
    article.feed(page)
    names = [tag for tag, _ in article.tags]
    for tag in ("script", "img", "iframe"):  # (the theme's own icons are svg)
        assert tag not in names, f"<{tag}> from content in the article"
    for tag, attrs in article.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href") or ""
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.I), (tag, href)
    links = {
        attrs["href"]: attrs for tag, attrs in article.tags if tag == "a" and "noopener" in (attrs.get("rel") or "")
    }
    assert set(links) == {
        "https://example.org/a%22onmouseover=%22__pwned('href')",
        "https://example.org/g",
        "https://example.org/?q=%3Cx%3E&y=1",
        "https://example.org/auto",
    }
    text = " ".join("".join(article.text).split())
    # what the reader sees: the text the subset says, markup characters and all
    assert "Run <script>__pwned('code')</script> then <img src=x onerror=__pwned('bold')> and open the docs" in text
    assert "{{ 6*7 }} <b>" in text and "42" not in text
    assert "<svg onload=__pwned('svg')> carefully the board" in text
    assert "<a href=javascript:__pwned('raw')>click</a> https://example.org/auto" in text
    assert "x *not emphasis* <iframe" in text
    # inline code, bold and emphasis render as such, their content escaped
    assert "<code>&lt;script&gt;__pwned(&#x27;code&#x27;)&lt;/script&gt;</code>" in page
    assert "<strong>&lt;img src=x onerror=__pwned(&#x27;bold&#x27;)&gt;</strong>" in page
    assert "<em>carefully</em>" in page
    # the command: one code block, its text kept line by line, nothing closed early
    command = re.search(r'<pre class="opskb-command"><code>(.*?)</code></pre>', page, re.S)
    assert command is not None
    assert command.group(1).startswith("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;")
    assert "\n" in command.group(1)


RECORD = "window.__fired = []; window.__pwned = (what) => window.__fired.push(String(what));"


@pytest.mark.browser
@pytest.mark.xdist_group("site")
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (tests/system_deps.py)")
def test_no_script_runs_in_chromium_and_commands_have_a_copy_button(hostile_build: tuple[Path, str]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    site, _ = hostile_build
    outside: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if re.match(r"^https?://127\.0\.0\.1(:\d+)?/", url) or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    with serve(site) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.route("**/*", route)
            context.add_init_script(RECORD)
            page = context.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(f"{url}/runbooks/prices-not-applied.html")
            for link in page.locator("article a").all():
                if link.is_visible():
                    link.hover(force=True, timeout=2000)
            page.wait_for_timeout(300)
            assert page.evaluate("window.__fired") == []
            assert dialogs == []
            # Material's copy button (content.code.copy) on the step's command block
            page.wait_for_function("document.querySelector('pre.opskb-command button[data-md-type=copy]')")
            button = page.locator("pre.opskb-command button[data-md-type=copy]")
            assert button.count() == 1
            assert (
                button.get_attribute("data-clipboard-target")
                == f"#{page.locator('pre.opskb-command').get_attribute('id')} > code"
            )
            assert page.locator("article script").count() == 0
        finally:
            browser.close()
    assert not outside, outside


def test_search_indexes_the_text_not_the_markup(tree: Path, cli) -> None:
    """A link's words are found, its address is not; code is found by its words."""
    _with_first_response(tree, "Open [the zebrafeed board](https://grafana.example.org/d/qqxxzz) and run `flushqueue`.")
    assert cli("check", "--strict", tree).code == 0
    for query in ("zebrafeed", "flushqueue"):
        found = cli("find", query, "--root", tree, "--format", "json")
        assert [r["id"] for r in json.loads(found.out)["runbooks"]] == ["prices-not-applied"], query
    found = cli("find", "qqxxzz", "--root", tree, "--format", "json")
    assert json.loads(found.out)["runbooks"] == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "/relative", "ftp://example.org/x"])
def test_a_reference_is_an_http_address(tree: Path, cli, url: str) -> None:
    path = tree / RUNBOOK
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"references:\n  - title: Vendor docs\n    url: {json.dumps(url)}\n", encoding="utf-8")
    result = cli("check", tree)
    assert result.code == 1
    assert f"{RUNBOOK}:48:10: KB105 url has the wrong form" in result.out, result.out
    assert 'accepted form, e.g. "https://' in result.out


def test_plain_text_takes_the_parsers_tokens_without_it() -> None:
    """Text with no character any inline rule starts at is one text token without the
    parser (inline._tokens' shortcut): every field of every token equals the parser's,
    on this repository's runbook text and on random text that mixes in those characters."""
    texts = ["", " ", "a", " a b ", "x\ty"]
    for path in (REPO / "runbooks").glob("*.yaml"):
        texts += re.findall(r"[^\n]+", path.read_text(encoding="utf-8"))
    generator = random.Random(25)
    alphabet = "ab :.,-#$%+=>@^{}~|()/\"'жé\t1*_`[]!&<\\\n"
    texts += ["".join(generator.choices(alphabet, k=n)) for n in range(50) for _ in range(20)]
    # each of those characters alone among plain ones (an entity, an escape, a code span...)
    texts += ["a &amp; b", "&#42;x&#42;", "AT&T", "a\\*b", "x `y`", "*a*", "_a_", "<http://x.org>", "![i](x)", "a  \nb"]
    for char in inline._MARKUP:
        texts += ["".join(generator.choices(f"amp#x2; ({char}", k=n)) for n in range(1, 12) for _ in range(20)]
    shortcut = [text for text in texts if inline._MARKUP.isdisjoint(text)]
    assert len(shortcut) > len(texts) / 3  # the shortcut is tried, and so is the parser
    for text in texts:
        assert inline._tokens(text) == inline.parsed_tokens(text), text


def test_text_without_a_link_start_has_the_links_the_parser_finds() -> None:
    """``inline.links`` answers "none" without the parser for text with no "](" and no
    "<...>" holding a ":" or "@" (links' shortcut): on random text rich in every other markup character and
    in brackets, and on this repository's runbook text, it finds what the parser's tokens
    hold."""

    def by_parser(text: str) -> list[tuple[str, str]]:
        tokens = inline.parsed_tokens(text)
        return [(str(t.attrGet("href") or ""), t.type) for t in tokens if t.type == "link_open"]

    texts = [line for path in (REPO / "runbooks").glob("*.yaml") for line in path.read_text("utf-8").split("\n")]
    generator = random.Random(7)
    alphabets = (
        "ab :/.hpt*_`!&\\\n[]()<>",
        "ab :/.hpt*_`!&\\\n()>\"'",
        "ab www.x.org https://x.org ()*",
        "a[]()<>@:\\ \n",
        "ab<>@:/ \xa0\x01.",
    )
    for alphabet in alphabets:
        texts += ["".join(generator.choices(alphabet, k=n)) for n in range(40) for _ in range(25)]
    texts += ["<https://x.org>", "[a](b)", "[a]\n\n[a]: http://x", "www.example.org", "https://example.org x"]
    texts += ["[a] (b)", "[a]\n(b)", "[a][b]", "[a][]", "[a]", "<a@b.org>", "<x:y>", "rate(x[5m]) < 2", "[*a*](b)"]
    texts += ["sku:<sku>", "<a\xa0b:c>", "<http://a\xa0b>", "<a b:c>", "<x:y<z>", "<mailto:a@b.org>", "<a.b@c-d.org>"]
    without = [text for text in texts if "](" not in text and not inline._AUTOLINK.search(text)]
    assert len(without) > len(texts) / 4 and any(by_parser(text) for text in texts)
    for text in texts:
        assert [(link.href, "link_open") for link in inline.links(text)] == by_parser(text), text
