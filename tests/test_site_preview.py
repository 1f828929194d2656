"""Instant preview: under `mkdocs serve --dirty` (what `make serve` runs), one YAML edit
re-renders the pages it changes and no other. How fast is benchmarks/site_bench.py's job;
this test asserts which pages MkDocs rebuilt (its own debug log) and what is served.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from opskb.build import language_process
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


@contextlib.contextmanager
def _serving(config: Path, log: Path, *options: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """`mkdocs serve` of ``config`` (with ``options``, its output in ``log``): the base URL,
    once the first build is served, and the server's process (in a process group of its
    own, as a terminal starts it)."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*options, "-f", str(config), "-a", f"127.0.0.1:{port}"],
            cwd=config.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
            process_group=0,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: http_get(f"{base}/ru/{RUNBOOK[:-5]}.html") is not None, 120, proc)
        time.sleep(1.0)  # the watcher starts after the first build
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _shows(base: str, page: str, marker: str, proc: subprocess.Popen) -> None:
    """Waits for ``page`` to show ``marker`` in English; then the Russian page shows it
    too: the server shows no page of a rebuild before every language is written."""
    _wait(lambda: marker in (http_get(f"{base}/{page}") or ""), 120, proc)
    assert marker in (http_get(f"{base}/ru/{page}") or ""), f"ru/{page} is behind the English page"


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
    log = tmp_path / "serve.log"
    page, copy_page = f"{RUNBOOK[:-5]}.html", "runbooks/copy-0.html"
    rebuilt = []
    with _serving(config, log, *SERVE) as (base, proc):
        url = f"{base}/{page}"
        seen = log.read_text()
        assert len(re.findall(r"opskb: rendered (\S+)", seen)) > 10  # the first build renders all
        for edited_page, path, marker in (
            (page, root / RUNBOOK, "Edited during the preview test"),
            (page, root / RUNBOOK, "Edited again"),
            (copy_page, root / "runbooks/copy-0.yaml", "The copy edited"),
        ):
            _step_edit(path, marker)
            _shows(base, edited_page, marker, proc)
            time.sleep(0.5)
            now = log.read_text()
            rebuilt.append(set(re.findall(r"opskb: rendered (\S+)", now[len(seen) :])))
            seen = now
        assert "Edited during the preview test" in (http_get(url) or "")
        # A handwritten page: watched with the content folders, not by MkDocs' polling.
        home = root / "docs" / "index.md"
        home.write_text(home.read_text(encoding="utf-8") + "\nA handwritten edit.\n", encoding="utf-8")
        _wait(lambda: "A handwritten edit." in (http_get(f"{base}/") or ""), 120, proc)
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
        assert http_get(f"{base}/extra/team-note.txt") == "added while serving"
    assert rebuilt == [{"runbooks/prices-not-applied.md"}] * 2 + [{"runbooks/copy-0.md"}], rebuilt
    # The content folders are watched through the system's notifications, and only a
    # change (not a read) of a file starts a rebuild: one per edit.
    watching = re.search(r"opskb: watching (.*) for changes", whole)
    assert watching is not None and str(root / "docs") in watching.group(1)
    assert whole.count("Detected file changes") == 4


def test_a_language_process_that_died_is_replaced(tmp_path: Path) -> None:
    """The Russian site is built in a process of its own (build/language_process.py): if it
    dies, the next rebuild builds Russian in the server's process, and the one after
    starts a new process."""
    root = copy_minimal(tmp_path / "content")
    log = tmp_path / "serve.log"
    started = re.compile(r"opskb: the 'ru' site is built in process (\d+)")
    with _serving(write_config(root), log, *SERVE) as (base, proc):
        first = [int(pid) for pid in started.findall(log.read_text())]
        assert len(first) == 1
        os.kill(first[0], signal.SIGKILL)
        _step_edit(root / RUNBOOK, "After the process died")
        _shows(base, f"{RUNBOOK[:-5]}.html", "After the process died", proc)
        assert "the process that builds the 'ru' site ended; this rebuild builds it here" in log.read_text()
        _step_edit(root / RUNBOOK, "With a new process")
        _shows(base, f"{RUNBOOK[:-5]}.html", "With a new process", proc)
        pids = [int(pid) for pid in started.findall(log.read_text())]
    assert len(pids) == 2 and pids[1] != first[0], pids


def test_without_language_processes_the_server_builds_every_language(tmp_path: Path) -> None:
    """``language_processes: false``: no process is started, and the server's own process
    builds Russian after English at each rebuild, as before."""
    root = copy_minimal(tmp_path / "content")
    config = write_config(root)
    text = config.read_text(encoding="utf-8")
    option = "      languages: [en, ru]\n"
    assert option in text
    config.write_text(text.replace(option, option + "      language_processes: false\n"), encoding="utf-8")
    log = tmp_path / "serve.log"
    with _serving(config, log, *SERVE) as (base, proc):
        _step_edit(root / RUNBOOK, "Built in one process")
        _shows(base, f"{RUNBOOK[:-5]}.html", "Built in one process", proc)
    assert "site is built in process" not in log.read_text()


def test_a_language_that_fails_fails_the_rebuild(tmp_path: Path) -> None:
    """A failure in the Russian site's process fails the server's rebuild with its reason,
    as the same failure in the server's own process would; once mended, both languages
    show the next edit."""
    root = copy_minimal(tmp_path / "content")
    config = write_config(root)
    log = tmp_path / "serve.log"
    russian_home = root / "docs" / "index.ru.md"
    home = russian_home.read_text(encoding="utf-8")
    # --strict: a warning fails a build (--dirty warns at every build, so not with it)
    with _serving(config, log, sys.executable, "-m", "mkdocs", "serve", "--strict") as (base, proc):
        russian_home.write_text(home + "\n[A page that is not there](nowhere.md)\n", encoding="utf-8")
        _wait(lambda: "An error happened during the rebuild" in log.read_text(), 120, proc)
        assert re.search(r"opskb: the 'ru' site: Aborted with 1 warnings in strict mode", log.read_text())
        russian_home.write_text(home, encoding="utf-8")
        _step_edit(root / RUNBOOK, "Mended")
        _shows(base, f"{RUNBOOK[:-5]}.html", "Mended", proc)


def test_a_content_error_is_reported_once(tmp_path: Path) -> None:
    """Under `make serve` the Russian site's process starts its build with the server's
    (build/language_process.py) and checks the content too: an error in the content is
    still reported once, by the server; once mended, both languages show the edit."""
    root = copy_minimal(tmp_path / "content")
    log = tmp_path / "serve.log"
    runbook = root / RUNBOOK
    text = runbook.read_text(encoding="utf-8")
    with _serving(write_config(root), log, *SERVE) as (base, proc):
        runbook.write_text(text.replace("\nseverity: ", "\nseverity: [", 1), encoding="utf-8")
        _wait(lambda: "An error happened during the rebuild" in log.read_text(), 120, proc)
        time.sleep(1.0)  # anything the Russian process would print
        assert log.read_text().count("has errors") == 1, log.read_text()[-3000:]
        runbook.write_text(text, encoding="utf-8")
        _step_edit(runbook, "Mended")
        _shows(base, f"{RUNBOOK[:-5]}.html", "Mended", proc)


def test_ctrl_c_ends_the_server_and_the_language_process_quietly(tmp_path: Path) -> None:
    """Ctrl-C in the terminal of `make serve` reaches the whole process group: the server
    shuts down, the Russian site's process ends with it, and neither prints a traceback."""
    root = copy_minimal(tmp_path / "content")
    log = tmp_path / "serve.log"
    with _serving(write_config(root), log, *SERVE) as (_base, proc):
        pid = int(re.findall(r"opskb: the 'ru' site is built in process (\d+)", log.read_text())[0])
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
    _wait_gone(pid)
    text = log.read_text()
    assert "Shutting down" in text and "Traceback" not in text, text[-2000:]


def _wait_gone(pid: int) -> None:
    start = time.monotonic()
    while True:
        try:
            if "zombie" in Path(f"/proc/{pid}/status").read_text():
                return  # ended, not yet collected by whoever adopted it
        except FileNotFoundError:
            return
        assert time.monotonic() - start < 20, f"process {pid} is still running"
        time.sleep(0.1)


def test_a_failure_mkdocs_logs_goes_to_the_server_only() -> None:
    """MkDocs logs a build's failure, then raises a bare "Aborted with a BuildError!": the
    language's process keeps that line for its answer (the server reports it) and prints
    every other line."""
    failures = language_process._Failures()

    def record(name: str, level: int, message: str) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, message, None, None)

    assert failures.filter(record("mkdocs.commands.build", logging.ERROR, "the reason")) is False
    assert failures.filter(record("mkdocs.commands.build", logging.WARNING, "a warning")) is True
    assert failures.filter(record("mkdocs.plugins.opskb", logging.ERROR, "another logger")) is True
    assert failures.messages == ["the reason"]
