"""The layers ARCHITECTURE.md describes hold in the code.

ARCHITECTURE.md's code map gives each package of ``scripts/opskb`` a heading (``### `model/` ``)
and a line ``**May import:** `model`, `gate`.``: the opskb packages its modules may import.
This test reads those lines, so the map a newcomer reads is the rule the code is held to:

* every import of every module (at the top, inside a function, under TYPE_CHECKING) is
  allowed by its package's line;
* no module imports another that imports it back, however long the circle;
* every module lives in a package the map describes (only ``opskb/__init__.py``, the
  version, and ``opskb/cli.py``, the entry point, sit at the top).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "scripts" / "opskb"
MAP = REPO / "ARCHITECTURE.md"
TOP_LEVEL = {"opskb", "opskb.cli"}

_HEADING = re.compile(r"^### `([a-z_]+)/`")
_MAY_IMPORT = re.compile(r"^\*\*May import:\*\*(.*)$")


def allowed_imports(text: str) -> dict[str, set[str]]:
    """Package -> the packages it may import, from the code map's headings and lines."""
    allowed: dict[str, set[str]] = {}
    package = None
    for line in text.splitlines():
        if heading := _HEADING.match(line):
            package = heading.group(1)
        elif (may := _MAY_IMPORT.match(line)) and package:
            allowed[package] = set(re.findall(r"`([a-z_]+)`", may.group(1)))
            package = None
    return allowed


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_name(path, package): path for path in sorted(package.rglob("*.py"))}


def imports_of(path: Path, known: set[str], root: Path = PACKAGE) -> Iterator[tuple[str, int]]:
    """Every opskb module ``path`` imports, with the line, wherever the import stands."""
    name = module_name(path, root)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from . import deadlines`` imports a module; ``from .kb import load`` a name
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            if target == "opskb" or target.startswith("opskb."):
                yield target, node.lineno


def package_of(module: str) -> str:
    """``opskb.site.pages`` -> ``site``; ``opskb.cli`` -> ``cli``; ``opskb`` -> ``opskb``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else module


def import_graph(package: Path = PACKAGE) -> dict[str, dict[str, int]]:
    """Module -> the opskb modules it imports, each with the line of the import."""
    found = modules(package)
    return {name: dict(imports_of(path, set(found), package)) for name, path in found.items()}


def offences(package: Path, allowed: dict[str, set[str]]) -> list[str]:
    """``path:line: ...`` for every import the map does not allow."""
    found = []
    paths = modules(package)
    for module, targets in import_graph(package).items():
        own = package_of(module)
        for target, line in targets.items():
            other = package_of(target)
            if module == "opskb" or other in (own, "opskb") or other in allowed.get(own, set()):
                continue
            path = paths[module].relative_to(package.parent)
            found.append(f"{path}:{line}: {own} imports {target} ({other} is not in its May import line)")
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    return import_graph()


def test_the_map_describes_every_package() -> None:
    allowed = allowed_imports(MAP.read_text(encoding="utf-8"))
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert packages == set(allowed) - {"cli"}, "every package has a heading and a May import line, and only those"
    for package, may in allowed.items():
        assert may <= set(allowed), f"{package} may import a package the map does not describe: {may - set(allowed)}"


def test_every_module_is_in_a_package() -> None:
    assert {name for name in modules() if name.count(".") < 2 and name not in TOP_LEVEL} <= {
        f"opskb.{path.name}" for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()
    }


def test_each_package_imports_only_what_the_map_allows() -> None:
    assert offences(PACKAGE, allowed_imports(MAP.read_text(encoding="utf-8"))) == []


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The import circles: strongly connected components of more than one module, or a
    module importing itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in graph:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in graph[node]:
                        found.append(sorted(component))
    return found


def test_no_import_circle(graph: dict[str, dict[str, int]]) -> None:
    assert cycles(graph) == []


def test_a_circle_is_found() -> None:
    """The finder itself: a long circle and a self-import are reported, a chain is not."""
    circle = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {"e": 1}}
    assert sorted(cycles(circle)) == [["a", "b", "c"], ["e"]]
    assert cycles({"a": {"b": 1}, "b": {}}) == []


def test_the_map_is_read_as_written() -> None:
    text = "### `low/`\nprose\n**May import:** nothing in opskb.\n\n### `high/`\n**May import:** `low`, `mid`.\n"
    assert allowed_imports(text) == {"low": set(), "high": {"low", "mid"}}


def test_an_offending_import_is_reported(tmp_path: Path) -> None:
    """A lower package importing a higher one, even inside a function, is reported with its
    line; the same import the other way round is allowed."""
    package = tmp_path / "opskb"
    for folder in ("model", "site"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "site" / "pages.py").write_text("from ..model import kb\n", encoding="utf-8")
    (package / "model" / "kb.py").write_text("def f():\n    from ..site.pages import Site\n", encoding="utf-8")
    allowed = {"model": set(), "site": {"model"}}
    assert offences(package, allowed) == [
        "opskb/model/kb.py:2: model imports opskb.site.pages (site is not in its May import line)"
    ]
    assert cycles(import_graph(package)) == [["opskb.model.kb", "opskb.site.pages"]]
