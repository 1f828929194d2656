"""Pages made by worker processes (build/parallel.py, build/writers.py) are the pages the build makes itself.

Each site is built with ``workers: 2`` and with ``workers: 0`` and every file compared,
byte for byte: the repository's content, and a payload in every free-text field. A page
a worker cannot make fails the build as it does without workers, with the same message.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import time
from pathlib import Path

import pytest

from ctrl_c import interrupt_when_forked
from opskb.build.parallel import Workers
from payloads import payload_tree
from site_helpers import copy_minimal, mkdocs_build, repository_content, write_config

MADE, WRITTEN = (
    re.compile(
        rf"opskb: (\d+) pages {did} by (\d+) worker processes and this one, (\d+) of them here while waiting "
        r"and (\d+) again by the build"
    )
    for did in ("made", "written")
)


def _with_workers(config: Path, workers: int) -> None:
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"^(      root: .*)\n(      workers: .*\n)?", rf"\1\n      workers: {workers}\n", text, flags=re.M)
    config.write_text(text, encoding="utf-8")


def _tree(kind: str, base: Path) -> Path:
    if kind == "repository":
        return repository_content(base / "sample")
    return payload_tree(copy_minimal(base / "sample"), base / "content").root


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("kind", ["repository", "payloads"])
def test_pages_made_by_workers_are_the_pages_made_in_the_build(tmp_path: Path, kind: str) -> None:
    config = write_config(_tree(kind, tmp_path))
    _with_workers(config, 2)
    parallel = mkdocs_build(config, tmp_path / "parallel", verbose=True)
    assert parallel.returncode == 0, parallel.stderr
    for pool in (MADE, WRITTEN):  # the pages' making, then their writing in the theme
        found = pool.search(parallel.stderr)
        assert found is not None, f"no worker: {pool.pattern}"
        pages, processes, meanwhile, again = map(int, found.groups())
        assert pages > 0 and processes == 2 and meanwhile < pages and again == 0
    assert "Page skipped" not in parallel.stderr  # MkDocs' note for each page written by a worker
    _with_workers(config, 0)
    serial = mkdocs_build(config, tmp_path / "serial", verbose=True)
    assert serial.returncode == 0, serial.stderr
    assert MADE.search(serial.stderr) is None and WRITTEN.search(serial.stderr) is None
    ours, theirs = _files(tmp_path / "parallel"), _files(tmp_path / "serial")
    assert sorted(ours) == sorted(theirs)
    assert [name for name in ours if ours[name] != theirs[name]] == []
    # every runbook and alert page, and nothing else
    made_pages = [n for n in ours if n.startswith(("runbooks/", "alerts/")) and n.endswith(".html")]
    assert pages == len(made_pages) - ("runbooks/index.html" in ours)


def _with_overrides(config: Path) -> None:
    """The theme's custom_dir is ``overrides/`` beside the configuration."""
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n", 1), "utf-8")


def _failed_builds(config: Path, base: Path) -> list[str]:
    """The stderr of a build with workers and of one without, each of which must fail."""
    found = []
    for workers in (2, 0):
        _with_workers(config, workers)
        result = mkdocs_build(config, base / f"site{workers}")
        assert result.returncode == 1
        found.append(result.stderr)
    return found


def test_a_page_a_worker_cannot_make_fails_the_build_as_without_workers(tmp_path: Path) -> None:
    root = _tree("payloads", tmp_path)
    override = root / "overrides" / "opskb" / "runbook" / "review.html"
    override.parent.mkdir(parents=True)
    # Fails on one runbook only: the others are made by the workers.
    first = sorted(p.stem for p in (root / "runbooks").glob("*.yaml"))[0]
    override.write_text(f'{{% if page.id == "{first}" %}}{{{{ no_such_name }}}}{{% endif %}}\n', encoding="utf-8")
    config = write_config(root)
    _with_overrides(config)
    failed = _failed_builds(config, tmp_path)
    assert all("Traceback" not in stderr for stderr in failed)
    messages = [[line for line in stderr.splitlines() if "a page template fails" in line] for stderr in failed]
    assert messages[0] == messages[1] != []
    assert "no_such_name" in messages[0][0]


def _square_unless_worker_dies(number: int, build: int) -> int:
    if number == 3 and os.getpid() != build:
        os._exit(1)  # the worker dies, as one killed for its memory would
    return number * number


def test_the_pages_a_dead_worker_had_are_made_by_the_build() -> None:
    jobs = [functools.partial(_square_unless_worker_dies, n, os.getpid()) for n in range(40)]
    workers = Workers(jobs, 2, chunk=1, stall=3.0)
    try:
        time.sleep(2)  # the workers claim every job (and one dies) before the build asks
        assert [workers.get(n) for n in range(40)] == [n * n for n in range(40)]
    finally:
        workers.close()
    # the page the dead worker had, made when it was read; the other worker made the rest
    assert (workers.made_here, workers.shared) == (1, 0)


def _slow_square(number: int) -> int:
    time.sleep(0.01)
    return number * number


def test_the_build_makes_pages_itself_while_it_waits_for_one() -> None:
    """The build asks for the pages in order; the worker, slower, is behind: the build makes
    pages from the end meanwhile instead of waiting, and every page is made once."""
    jobs = [functools.partial(_slow_square, n) for n in range(200)]
    workers = Workers(jobs, 1, chunk=4)
    try:
        assert [workers.get(n) for n in range(200)] == [n * n for n in range(200)]
    finally:
        workers.close()
    assert 0 < workers.shared < 200 and workers.made_here == 0


def test_a_page_a_worker_cannot_write_fails_the_build_as_without_workers(tmp_path: Path) -> None:
    """The theme itself fails on one page (rendered for each page: ``stamp: false``): the
    build fails with MkDocs' own message for that page, with workers as without."""
    root = repository_content(tmp_path / "sample")
    first = sorted(p.stem for p in (root / "runbooks").glob("*.yaml"))[0]
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        f'{{% if page.file.src_uri == "runbooks/{first}.md" %}}{{{{ no_such_function() }}}}{{% endif %}}'
        "{{ super() }}{% endblock %}\n",
        encoding="utf-8",
    )
    config = write_config(root)
    _with_overrides(config)
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^(      root: .*)$", r"\1\n      stamp: false", text, count=1, flags=re.M), "utf-8")
    # MkDocs' own report of a theme that fails (its traceback included, as without opskb)
    failed = _failed_builds(config, tmp_path)
    messages = [[line for line in stderr.splitlines() if "Error building page" in line] for stderr in failed]
    assert messages[0] == messages[1] != []
    assert f"runbooks/{first}.md" in messages[0][0]


def test_a_plugin_outside_the_allow_list_sees_every_page_written(tmp_path: Path) -> None:
    """A hook on each page's output (a plugin of the team's own): workers still make the
    pages, but MkDocs' loop writes them, so the hook runs on every page, in this process."""
    root = repository_content(tmp_path / "sample")
    (root / "hooks.py").write_text(
        "def on_post_page(output, page, config):\n    return output + '<!-- seen by the hook -->'\n",
        encoding="utf-8",
    )
    config = write_config(root)
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - hooks.py\n", encoding="utf-8")
    _with_workers(config, 2)
    result = mkdocs_build(config, tmp_path / "site", verbose=True)
    assert result.returncode == 0, result.stderr
    assert MADE.search(result.stderr) is not None and WRITTEN.search(result.stderr) is None
    pages = [p for p in (tmp_path / "site").rglob("*.html") if p.name != "404.html"]  # 404: a theme template
    assert len(pages) > 20
    assert [p for p in pages if "<!-- seen by the hook -->" not in p.read_text(encoding="utf-8")] == []


def test_ctrl_c_while_workers_make_pages_stops_the_build_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches the build and its workers together: MkDocs answers it ("Aborted!"),
    no worker prints its own traceback, and none is left behind."""
    config = write_config(_tree("repository", tmp_path))
    _with_workers(config, 2)
    result = interrupt_when_forked(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(tmp_path / "site")],
        after=0.2,  # the workers at work
        cwd=config.parent,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0 and "Aborted!" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "ForkProcess" not in result.stderr, result.stderr
    assert result.children_left() == []
