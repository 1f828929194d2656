"""The site does not depend on one engine: page generation never imports MkDocs, and the
same configuration builds with ProperDocs (a maintained MkDocs 1.x continuation).

Only ``opskb/site/plugin.py`` may import ``mkdocs`` or ``material``: the page model
(``pages``), the templates (``render``) and the label catalogs are plain Python and
Jinja2, so moving to another engine means writing another adapter.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from site_helpers import REPO, copy_minimal, mkdocs_build, write_config

pytestmark = pytest.mark.xdist_group("site")

PACKAGE = REPO / "scripts" / "opskb"
ADAPTER = PACKAGE / "site" / "plugin.py"
ENGINES = ("mkdocs", "material", "properdocs")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_only_the_adapter_imports_the_engine() -> None:
    modules = [path for path in PACKAGE.rglob("*.py") if path != ADAPTER]
    offenders = sorted(str(path.relative_to(REPO)) for path in modules if _imports(path) & set(ENGINES))
    assert offenders == []
    assert "mkdocs" in _imports(ADAPTER)


def _article(page: str) -> str:
    return re.search(r"<article\b.*?</article>", page, re.S).group(0)


def test_properdocs_builds_the_same_site(tmp_path: Path) -> None:
    pytest.importorskip("properdocs", reason="properdocs is not installed (test extras)")
    root = copy_minimal(tmp_path / "content")
    config = write_config(root, today="2026-11-23")
    built = mkdocs_build(config, tmp_path / "mkdocs")
    assert built.returncode == 0, built.stderr
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(tmp_path / "other")],
        capture_output=True,
        text=True,
        cwd=root,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    pages = sorted(p.relative_to(tmp_path / "mkdocs") for p in (tmp_path / "mkdocs").rglob("*.html"))
    assert len(pages) > 12
    for rel in pages:
        if rel.parts[0] == "assets":
            continue
        ours = (tmp_path / "mkdocs" / rel).read_text(encoding="utf-8")
        theirs = (tmp_path / "other" / rel).read_text(encoding="utf-8")
        if "<article" in ours:
            assert _article(theirs) == _article(ours), rel
    # the search index is opskb's own, the same files whatever the engine
    ours = sorted((tmp_path / "mkdocs" / "assets" / "opskb" / "search").iterdir())
    assert ours and any("Prices not applied" in p.read_text(encoding="utf-8") for p in ours)
    for path in ours:
        other = tmp_path / "other" / "assets" / "opskb" / "search" / path.name
        assert other.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_the_loader_does_not_import_the_rule_registry() -> None:
    """Layering: the loader returns raw findings; the registry names them (no import cycle)."""
    code = "import sys, opskb.kb; print(sorted(m for m in sys.modules if m.startswith('opskb.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "opskb.registry" not in out and "opskb.rules" not in out, out
