"""Instant preview: under `mkdocs serve --dirty` (what `make serve` runs), one YAML edit
re-renders the pages it changes and no other. How fast is benchmarks/site_bench.py's job;
this test asserts which pages MkDocs rebuilt (its own debug log) and what is served.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_helpers import copy_minimal, free_port, http_get, write_config

pytestmark = pytest.mark.xdist_group("site")

RUNBOOK = "runbooks/prices-not-applied.yaml"
# what `make serve` runs; -v for MkDocs' debug log, which names each page rendered
SERVE = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-v"]


def _wait(predicate, limit: float, proc: subprocess.Popen) -> None:
    start = time.monotonic()
    while not predicate():
        assert proc.poll() is None, "mkdocs serve exited"
        assert time.monotonic() - start < limit, "timed out"
        time.sleep(0.2)


def _step_edit(path: Path, marker: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited, count = re.subn(r"(\n  - id: compare\n(?:.*\n)*?    do: )", rf"\1{marker} ", text, count=1)
    assert count == 1
    path.write_text(edited, encoding="utf-8")


def test_one_yaml_edit_re_renders_only_the_pages_it_changes(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "content")
    # A second runbook, whose page is kept from build to build until it is edited itself.
    original = (root / RUNBOOK).read_text(encoding="utf-8")
    copy = original.replace("id: prices-not-applied", "id: copy-0").replace(
        "title: Prices not applied on a marketplace", "title: A copy of the price runbook"
    )
    (root / "runbooks/copy-0.yaml").write_text(
        re.sub(r"alerts: \[[^]]*\]", "alerts: [CopyAlert]", copy, count=1), encoding="utf-8"
    )
    config = write_config(root)
    # A theme folder of the team's own, to which a file is added while serving.
    (root / "overrides").mkdir()
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1), "utf-8")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*SERVE, "-f", str(config), "-a", f"127.0.0.1:{port}"],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        )
    url = f"http://127.0.0.1:{port}/runbooks/prices-not-applied.html"
    copy_url = f"http://127.0.0.1:{port}/runbooks/copy-0.html"
    rebuilt = []
    try:
        _wait(lambda: http_get(url) is not None, 120, proc)
        time.sleep(1.0)  # the watcher starts after the first build
        seen = log.read_text()
        assert len(re.findall(r"opskb: rendered (\S+)", seen)) > 10  # the first build renders all
        for page_url, path, marker in (
            (url, root / RUNBOOK, "Edited during the preview test"),
            (url, root / RUNBOOK, "Edited again"),
            (copy_url, root / "runbooks/copy-0.yaml", "The copy edited"),
        ):
            _step_edit(path, marker)
            _wait(lambda u=page_url, m=marker: m in (http_get(u) or ""), 120, proc)
            time.sleep(0.5)
            now = log.read_text()
            rebuilt.append(set(re.findall(r"opskb: rendered (\S+)", now[len(seen) :])))
            seen = now
        assert "Edited during the preview test" in (http_get(url) or "")
        # A handwritten page: watched with the content folders, not by MkDocs' polling.
        home = root / "docs" / "index.md"
        home.write_text(home.read_text(encoding="utf-8") + "\nA handwritten edit.\n", encoding="utf-8")
        _wait(lambda: "A handwritten edit." in (http_get(f"http://127.0.0.1:{port}/") or ""), 120, proc)
        time.sleep(1.5)  # a rebuild the build's own reading of the files set off would show now
        whole = log.read_text()
        # A file added to the theme (in a new folder) is copied at the next rebuild (MkDocs
        # watches no theme folder by default, so an edit sets it off): the theme's listing
        # is kept between rebuilds only while its folders are unchanged.
        added = root / "overrides" / "extra" / "team-note.txt"
        added.parent.mkdir()
        added.write_text("added while serving", encoding="utf-8")
        _step_edit(root / RUNBOOK, "Edited with the theme")
        _wait(lambda: "Edited with the theme" in (http_get(url) or ""), 120, proc)
        assert http_get(f"http://127.0.0.1:{port}/extra/team-note.txt") == "added while serving"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert rebuilt == [{"runbooks/prices-not-applied.md"}] * 2 + [{"runbooks/copy-0.md"}], rebuilt
    # The content folders are watched through the system's notifications, and only a
    # change (not a read) of a file starts a rebuild: one per edit.
    watching = re.search(r"opskb: watching (.*) for changes", whole)
    assert watching is not None and str(root / "docs") in watching.group(1)
    assert whole.count("Detected file changes") == 4
