"""Shared helpers for the site tests: build a content tree with the repo's mkdocs.yml, serve
the result on 127.0.0.1, and launch Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = REPO / "test-artifacts"
# Material renders Mermaid into a closed shadow root; open it so a test can see the SVG.
OPEN_SHADOW = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, {...init, mode: "open"}); };
"""
# Handwritten pages that use figures of the real content; a fixture tree leaves them out.
HANDWRITTEN = ("onboarding.md", "contributing.md", "glossary.md")


def copy_minimal(dest: Path) -> Path:
    """A fresh copy of the minimal content tree (with the repo's schemas) at ``dest``."""
    shutil.copytree(MINIMAL, dest)
    if (REPO / "schemas").is_dir() and not (dest / "schemas").exists():
        shutil.copytree(REPO / "schemas", dest / "schemas")
    return dest


def translations(name: str) -> list[str]:
    """``name`` and its translations in docs/ (``onboarding.md``, ``onboarding.ru.md``)."""
    stem = name[: -len(".md")]
    return [name, *sorted(p.name for p in (REPO / "docs").glob(f"{stem}.*.md"))]


def write_config(
    root: Path, *, today: str | None = None, handwritten: bool = False, language: str | None = None
) -> Path:
    """Write ``root/mkdocs.yml``: the repo's own configuration, pointed at ``root``.

    The repo's file is used as text so that the tests build with exactly the plugins,
    extensions and validation settings the real site has. Only the content root, the
    docs folder and (for fixtures) the handwritten pages change.
    """
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    option = f"      root: {root.as_posix()}"
    if today:
        option += f"\n      today: '{today}'"
    text, count = re.subn(r"^      root: \.$", option, text, flags=re.M)
    assert count == 1, "mkdocs.yml no longer has the opskb root option where expected"
    if language:  # a site in that one language: theme.language, no `languages` of the plugin
        text, count = re.subn(r"^  language: \w+$", f"  language: {language}", text, flags=re.M)
        assert count == 1, "mkdocs.yml no longer has theme.language where expected"
        text = re.sub(r"^      languages: .*\n", "", text, flags=re.M)
    docs = root / "docs"
    if not docs.exists():
        docs.mkdir()
        for name in translations("index.md"):
            shutil.copy(REPO / "docs" / name, docs / name)
        if handwritten:
            for name in (*(n for page in HANDWRITTEN for n in translations(page)), "synonyms.yaml"):
                shutil.copy(REPO / "docs" / name, docs / name)
    if not handwritten:
        text = "\n".join(line for line in text.splitlines() if not any(line.endswith(" " + n) for n in HANDWRITTEN))
        # docs/index.md links to the handwritten pages: a fixture's index must not.
        for index in docs.glob("index*.md"):
            index.write_text(
                "\n".join(
                    line
                    for line in index.read_text(encoding="utf-8").splitlines()
                    if not any(f"]({n})" in line for n in HANDWRITTEN)
                ),
                encoding="utf-8",
            )
    config = root / "mkdocs.yml"
    config.write_text(text + "\n", encoding="utf-8")
    return config


def mkdocs_build(
    config: Path, site: Path, *, strict: bool = True, verbose: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build`` in a subprocess, as a person would; output captured.

    Not ``-q``: quiet mode drops warnings before --strict can count them.
    """
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)]
    if strict:
        args.append("--strict")
    if verbose:
        args.append("--verbose")
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=config.parent,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


def content_site(base: Path, *, handwritten: bool = False, language: str | None = None) -> tuple[Path, Any]:
    """The site of the repository's own content (the product), or of the minimal tree when
    the repository has none, built strict under ``base`` (in ``language``, else the
    configuration's); and its KnowledgeBase."""
    from opskb.gate.checker import check_tree

    root = base / "content"
    wanted = [REPO / "runbooks"] + [REPO / "docs" / name for name in HANDWRITTEN if handwritten]
    if all(path.exists() for path in wanted):
        for name in CONTENT:
            shutil.copytree(REPO / name, root / name)
        config = write_config(root, handwritten=handwritten, language=language)
    else:
        config = write_config(copy_minimal(root), language=language)
    site = base / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    kb, _ = check_tree(root)
    return site, kb


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (imported here: the site tests skip
    without it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def search_result_links(page: Any, url: str, query: str) -> list[str]:
    """Open ``url``, type ``query`` in the site's search box as a person's typing ends (a
    fill, then a key released: the box searches on both), and return the result links,
    absolute, once they stop changing."""
    page.goto(url)
    page.click(".md-search__input")
    page.fill(".md-search__input", query)
    page.keyboard.press("End")
    selector = ".md-search-result__item > .md-search-result__link"
    last: list[str] = []
    stable = 0
    for _ in range(150):
        page.wait_for_timeout(200)
        links = page.eval_on_selector_all(selector, "els => els.map(e => e.href)")
        stable = stable + 1 if links and links == last else 0
        last = links
        if stable >= 6:
            break
    return last


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str) -> str | None:
    """The body at ``url``, or None while nothing answers there."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _every_kind_of_check(files: dict[str, Any]) -> None:
    """Give the sample runbook an http and a prometheus check beside its sql one, so each
    check field has an object to hold a payload."""
    runbook = files["runbooks/prices-not-applied.yaml"]
    runbook["checks"] += [
        {
            "id": "api-up",
            "title": "The price API answers",
            "type": "http",
            "source": "pricing-api",
            "path": "/health",
            "json_path": "$.status",
            "condition": {"left": "json", "op": "==", "right": "ok"},
        },
        {
            "id": "feed-rate",
            "title": "Prices are being sent",
            "type": "prometheus",
            "source": "prometheus",
            "query": "sum(rate(price_feed_sent_total[5m]))",
            "condition": {"left": "value", "op": ">", "right": 0},
        },
    ]


def macro_calls(kb: Any) -> list[str]:
    """A call of every macro of opskb.site.macros, once for each value its parameter takes
    (read from the parameter's declared type), and in each language."""
    from opskb.site.macros import MACROS, Language, names_of, signature

    calls = []
    for name in sorted(MACROS):
        params = signature(name).parameters.values()
        required = [p for p in params if names_of(p)[0] is not Language]
        assert len(required) <= 1, f"macro {name}: the payload test calls macros of at most one id"
        names = [names_of(p)[0] for p in required]
        assert None not in names, f"macro {name}: a parameter without a declared type"
        args = [f'"{value}"' for value in names[0].known(kb)] if names else [""]
        # A macro that writes in a language is called in each one.
        takes_language = any(names_of(p)[0] is Language for p in params)
        languages = ["", *(f', language="{code}"' for code in Language.fixed())] if takes_language else [""]
        for arg in args:
            for language in languages:
                text = f"{arg}{language}".lstrip(", ")
                calls.append(f"{name}({text})")
    return calls


MACRO_PAGE = "macros.md"


CONTENT = ("runbooks", "escalation", "status_mappings", "schemas")


def repository_content(dest: Path) -> Path:
    """A copy of this repository's own content at ``dest``; the test is skipped in a tree
    that has none."""
    import pytest

    if not (REPO / "runbooks").is_dir():
        pytest.skip("the repository has no content of its own")
    for name in CONTENT:
        shutil.copytree(REPO / name, dest / name)
    return dest


def hostile_site(dest: Path, *, repository: bool = False) -> tuple[Any, Path]:
    """A payload in every free-text field (tests/payloads.py) of the minimal tree, or of
    the repository's own content with its handwritten pages (``repository``), and a page
    calling every macro in every Markdown context; built strict.

    Returns the payload tree and the built site.
    """
    from opskb.gate.checker import check_tree
    from payloads import payload_tree

    if repository:
        sample = dest / "sample"
        for name in CONTENT:
            shutil.copytree(REPO / name, sample / name)
        tree = payload_tree(sample, dest / "content")
    else:
        tree = payload_tree(copy_minimal(dest / "sample"), dest / "content", _every_kind_of_check)
    config = write_config(tree.root, handwritten=repository)
    kb, _ = check_tree(tree.root)
    lines = ["# Macros", ""]
    for number, call in enumerate(macro_calls(kb)):
        expr = "{{ " + call + " }}"
        lines += [
            f"## {expr} {{ #macro-{number} }}",
            "",
            f"Paragraph {expr} and *{expr}*.",
            "",
            f"- item {expr}",
            f"- [{expr}](index.md)",
            "",
            "| macro | value |",
            "|---|---|",
            f"| {number} | {expr} |",
            "",
            f'!!! note "{expr}"',
            f"    {expr}",
            "",
        ]
    (tree.root / "docs" / MACRO_PAGE).write_text("\n".join(lines), encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    assert "\nnav:\n" in text
    config.write_text(text.replace("\nnav:\n", f"\nnav:\n  - Macros: {MACRO_PAGE}\n"), encoding="utf-8")
    site = dest / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    return tree, site
