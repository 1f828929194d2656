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


def test_one_yaml_edit_re_renders_only_the_pages_it_changes(tmp_path: Path) -> None:
    root = copy_minimal(tmp_path / "content")
    config = write_config(root)
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
    try:
        _wait(lambda: http_get(url) is not None, 120, proc)
        time.sleep(1.0)  # the watcher starts after the first build
        first = log.read_text()
        assert len(re.findall(r"opskb: rendered (\S+)", first)) > 10  # the first build renders all
        marker = "Edited during the preview test"
        path = root / RUNBOOK
        text = path.read_text(encoding="utf-8")
        edited, count = re.subn(r"(\n  - id: compare\n(?:.*\n)*?    do: )", rf"\1{marker} ", text, count=1)
        assert count == 1
        path.write_text(edited, encoding="utf-8")
        _wait(lambda: marker in (http_get(url) or ""), 120, proc)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    second = log.read_text()[len(first) :]
    rebuilt = set(re.findall(r"opskb: rendered (\S+)", second))
    assert rebuilt == {"runbooks/prices-not-applied.md"}, rebuilt
