"""The build machinery of build/ changes no byte of the site: each piece, turned off by its
plugin option, gives the same files, byte for byte, as the build with it.

* ``prerender: false``: every generated page goes through MkDocs' Markdown and theme, as
  a handwritten page does (build/prerendered.py: no Markdown for runbook and alert pages,
  their HTML, table of contents and anchors made by opskb);
* ``shelf: false``: every page's HTML stays in memory from its reading to its writing
  (build/shelf.py: compressed in a temporary file meanwhile).

Stamping (``stamp: false``) is held by tests/test_site_stamp.py, the worker processes
(``workers: 0``) by tests/test_site_parallel.py. The debug log shows that each piece was
at work in the build compared, so that the comparison is not of two plain builds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from payloads import payload_tree
from site_helpers import copy_minimal, mkdocs_build, repository_content, write_config

pytestmark = pytest.mark.xdist_group("site")

FILLED = re.compile(r"opskb: (\d+) pages filled from \d+ shells")
SHELVED = re.compile(r"opskb: (\d+) pages kept on the shelf")


def _with_option(config: Path, option: str) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"^(      root: .*)$", rf"\1\n      {option}", text, count=1, flags=re.M), "utf-8")


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _tree(kind: str, base: Path) -> Path:
    if kind == "repository":
        return repository_content(base / "sample")
    return payload_tree(copy_minimal(base / "sample"), base / "content").root


def _counted(pattern: re.Pattern[str], log: str) -> int:
    return sum(int(found.group(1)) for found in pattern.finditer(log))


@pytest.mark.parametrize("kind", ["repository", "payloads"])
def test_the_machinery_changes_no_byte(tmp_path: Path, kind: str) -> None:
    config = write_config(_tree(kind, tmp_path), handwritten=kind == "repository")
    _with_option(config, "workers: 0")  # the pieces at work in this process, where the log shows them
    text = config.read_text(encoding="utf-8")
    full = mkdocs_build(config, tmp_path / "full", verbose=True)
    assert full.returncode == 0, full.stderr
    assert _counted(FILLED, full.stderr) > 0 and _counted(SHELVED, full.stderr) > 0
    ours = _files(tmp_path / "full")
    for option, gone in (("prerender: false", (FILLED, SHELVED)), ("shelf: false", (SHELVED,))):
        config.write_text(text, encoding="utf-8")
        _with_option(config, option)
        site = tmp_path / option.split(":")[0]
        without = mkdocs_build(config, site, verbose=True)
        assert without.returncode == 0, without.stderr
        assert all(_counted(pattern, without.stderr) == 0 for pattern in gone), option
        theirs = _files(site)
        assert sorted(ours) == sorted(theirs), option
        assert [name for name in ours if ours[name] != theirs[name]] == [], option
