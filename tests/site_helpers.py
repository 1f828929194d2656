"""Shared helpers for the site tests: build a content tree with the repo's mkdocs.yml, serve
the result on 127.0.0.1, and launch Debian's Chromium through Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

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
# Handwritten pages that use figures of the real content; a fixture tree leaves them out.
HANDWRITTEN = ("onboarding.md", "contributing.md", "glossary.md")


def copy_minimal(dest: Path) -> Path:
    """A fresh copy of the minimal content tree (with the repo's schemas) at ``dest``."""
    shutil.copytree(MINIMAL, dest)
    if (REPO / "schemas").is_dir() and not (dest / "schemas").exists():
        shutil.copytree(REPO / "schemas", dest / "schemas")
    return dest


def write_config(root: Path, *, today: str | None = None, handwritten: bool = False) -> Path:
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
    docs = root / "docs"
    if not docs.exists():
        docs.mkdir()
        shutil.copy(REPO / "docs" / "index.md", docs / "index.md")
        if handwritten:
            for name in HANDWRITTEN:
                shutil.copy(REPO / "docs" / name, docs / name)
    if not handwritten:
        text = "\n".join(line for line in text.splitlines() if not any(line.endswith(" " + n) for n in HANDWRITTEN))
        # docs/index.md links to the handwritten pages: a fixture's index must not.
        index = docs / "index.md"
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


def mkdocs_build(config: Path, site: Path, *, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build`` in a subprocess, as a person would; output captured.

    Not ``-q``: quiet mode drops warnings before --strict can count them.
    """
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site)]
    if strict:
        args.append("--strict")
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        cwd=config.parent,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


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


# Payloads for the escaping tests: each would run script, inject markup or a link if a
# text field reached the page raw through Markdown, HTML, Jinja or Mermaid.
XSS = {
    "title": "Prices <script>alert('xss-title')</script> not applied",
    "symptom": "<img src=x onerror=alert('xss-img')> shows",
    "why": "[click me](javascript:alert('xss-md-link')) and <a href=\"javascript:alert(1)\">x</a>",
    "impact": "{{ config.site_name }} {% if true %}jinja{% endif %} **not bold** `not code`",
    "template": "</code></pre><script>alert('xss-template')</script> {placeholder}",
    "step": '{: onclick="alert(\'xss-attr\')" } !!! danger "fake"',
    "chat": "javascript:alert('xss-chat')",
    "label": "<svg onload=alert('xss-label')>",
    "note": "<iframe src=\"javascript:alert('xss-note')\"></iframe>",
    "team": "Pricing <b onmouseover=alert('xss-team')>owner</b>",
    "route": "Prices ]] --> click s0 \"javascript:alert('xss-mermaid')\"",
}


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def make_xss_tree(dest: Path) -> Path:
    """The minimal tree with a script, onerror or javascript: payload in every text field."""
    root = copy_minimal(dest)
    runbook = root / "runbooks" / "prices-not-applied.yaml"
    text = runbook.read_text(encoding="utf-8")
    swaps = [
        ("title: Prices not applied on a marketplace", f"title: {_yaml_str(XSS['title'])}"),
        ("  - marketplace shows yesterday's price", f"  - {_yaml_str(XSS['symptom'])}"),
        ("    why: It floods the marketplace API and delays every feed.", f"    why: {_yaml_str(XSS['why'])}"),
        ("impact: Items sell at the old price; every hour costs margin.", f"impact: {_yaml_str(XSS['impact'])}"),
        (
            '  template: "Prices on {marketplace}: {accepted} of {sent} accepted."',
            f"  template: {_yaml_str(XSS['template'])}",
        ),
        ("    do: Open the price feed dashboard in Grafana.", f"    do: {_yaml_str(XSS['step'])}"),
    ]
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new)
    runbook.write_text(text, encoding="utf-8")
    teams = root / "escalation" / "teams.yaml"
    text = teams.read_text(encoding="utf-8")
    text = text.replace('      chat: "#pricing"', f"      chat: {_yaml_str(XSS['chat'])}")
    text = text.replace("    name: Pricing owner", f"    name: {_yaml_str(XSS['team'])}")
    teams.write_text(text, encoding="utf-8")
    routes = root / "escalation" / "routes.yaml"
    text = routes.read_text(encoding="utf-8")
    text = text.replace("    name: Prices and price feeds", f"    name: {_yaml_str(XSS['route'])}")
    routes.write_text(text, encoding="utf-8")
    ozon = root / "status_mappings" / "ozon.yaml"
    text = ozon.read_text(encoding="utf-8")
    text = text.replace("    label: Ожидает сборки", f"    label: {_yaml_str(XSS['label'])}")
    note = "    note: No separate accepted step on the marketplace."
    text = text.replace(note, f"    note: {_yaml_str(XSS['note'])}")
    text = text.replace("name: Ozon\n", f"name: Ozon\nchat: {_yaml_str(XSS['chat'])}\n")
    ozon.write_text(text, encoding="utf-8")
    return root
