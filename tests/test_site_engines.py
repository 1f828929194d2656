"""The site does not depend on one engine: page generation never imports MkDocs, and the
same configuration builds with ProperDocs (a maintained MkDocs 1.x continuation).

Only the adapter, the package ``opskb/build/`` (the plugin and the build machinery that
works on MkDocs' files, pages and theme), may import ``mkdocs`` or ``material``: the page
model (``pages``), the templates (``render``) and the label catalogs are plain Python and
Jinja2, so moving to another engine means writing another adapter. It is also the only
package that writes markup in Python (it splices into the engine's output): every other
tag of the site is in a template, where autoescape escapes and a team can override it.
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
ADAPTER = PACKAGE / "build"
PLUGIN = ADAPTER / "plugin.py"
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
    modules = [path for path in PACKAGE.rglob("*.py") if ADAPTER not in path.parents]
    offenders = sorted(str(path.relative_to(REPO)) for path in modules if _imports(path) & set(ENGINES))
    assert offenders == []
    assert "mkdocs" in _imports(PLUGIN)


# An opening tag: what building HTML in a string looks like.
_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*(?=[\s>/])")
# Calls whose string argument is read from HTML, not written: patterns and searches.
_READERS = {"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "find", "rfind", "index"}
_READERS |= {"startswith", "endswith", "partition", "split", "count"}
# escape.md turns a newline into <br> (a line break no Markdown block can start from).
# headings.py writes what Python-Markdown writes for a heading (its element and permalink,
# from text escape.md made inert), in Markdown's place; test_site_headings.py holds it to
# Markdown's own output. No other module but the adapter writes a tag.
_ALLOWED = {"escape.py": {"<br"}, "headings.py": {"<a", "<h"}}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _read_only(tree: ast.AST) -> set[int]:
    """String constants that are searched for in HTML: patterns, arguments of find() and
    the like, the first argument of replace(), operands of ``in``."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = node.args[:1] if name == "replace" else node.args if name in _READERS else []
            found |= {id(n) for arg in args for n in ast.walk(arg)}
        elif isinstance(node, ast.Compare):
            found |= {id(n) for part in (node.left, *node.comparators) for n in ast.walk(part)}
    return found


def _tags_written(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _read_only(tree)
    allowed = _ALLOWED.get(path.name, set())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            tags = set(_TAG.findall(node.value)) - allowed
            found += [f"{path.name}:{node.lineno}: {tag}" for tag in sorted(tags)]
    return found


def test_no_module_but_the_adapter_writes_html() -> None:
    """Markup lives in templates/ (autoescaped, overridable from overrides/opskb/), not in
    Python strings: a tag in a string literal is a place escaping depends on a call."""
    site = PACKAGE / "site"
    offenders = [hit for path in sorted(site.glob("*.py")) for hit in _tags_written(path)]
    assert offenders == []
    # the scan sees what it looks for: the adapter writes a script tag
    assert any(hit.endswith("<script") for path in ADAPTER.glob("*.py") for hit in _tags_written(path))


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
    code = "import sys, opskb.model.kb; print(sorted(m for m in sys.modules if m.startswith('opskb.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "opskb.gate.registry" not in out and "opskb.rules" not in out, out
