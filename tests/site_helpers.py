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
        text = "\n".join(
            line for line in text.splitlines() if not any(line.endswith(" " + n) for n in HANDWRITTEN)
        )
        # docs/index.md links to the handwritten pages: a fixture's index must not.
        index = docs / "index.md"
        index.write_text(
            "\n".join(
                line for line in index.read_text(encoding="utf-8").splitlines()
                if not any(f"]({n})" in line for n in HANDWRITTEN)
            ),
            encoding="utf-8",
        )
    config = root / "mkdocs.yml"
    config.write_text(text + "\n", encoding="utf-8")
    return config


def mkdocs_build(config: Path, site: Path, *, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build`` in a subprocess, as a person would; output captured."""
    args = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    if strict:
        args.append("--strict")
    return subprocess.run(
        args, capture_output=True, text=True, cwd=config.parent, check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
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
