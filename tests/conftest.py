"""Shared fixtures: the example tree, and running the CLI as a user does."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from opskb.cli import main
from opskb.gate.registry import Example

REPO = Path(__file__).resolve().parents[1]
MINIMAL = REPO / "tests" / "fixtures" / "minimal"
# The neutral tree the rules' examples edit (opskb/rules/_tree.py): they are the rule
# reference every team publishes, so they carry nothing of the sample company.
EXAMPLE = REPO / "tests" / "fixtures" / "example"
# The day the example tree's review dates are measured against (KB401).
TODAY = "2026-11-23"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> list[dict]:
        return json.loads(self.out)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSKB_TODAY", TODAY)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A fresh copy of the minimal valid content tree."""
    root = tmp_path / "kb"
    shutil.copytree(MINIMAL, root)
    return root


@pytest.fixture
def example_tree(tmp_path: Path) -> Path:
    """A fresh copy of the rules' example tree."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `opskb ARGS` in-process through the real entry point."""

    def run(*args: str) -> CliResult:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def run_opskb(*args: str, timeout: float = 60, cwd: Path | None = None) -> CliResult:
    """Run the installed `opskb` console script in a subprocess."""
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("opskb")), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**__import__("os").environ, "OPSKB_TODAY": TODAY},
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def apply_example(root: Path, example: Example) -> None:
    """Write a rule example into a copy of a tree (the rules' own: ``example_tree``)."""
    for rel, edits in example.replace.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, f"example edit does not apply to {rel}: {old!r}"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for rel, text in example.files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for rel, data in example.binary.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    for rel in example.remove:
        (root / rel).unlink()
    for rel, target in example.links.items():
        if (root / rel).is_dir():
            (root / rel).rmdir()
        (root / rel).symlink_to(target)


def schema_objects() -> Iterator[tuple[str, dict]]:
    """Every object of every schema in schemas/, with where it is (file#/pointer)."""
    for path in sorted((REPO / "schemas").glob("*.schema.json")):
        stack: list[tuple[object, str]] = [(json.loads(path.read_text(encoding="utf-8")), f"{path.name}#")]
        while stack:
            node, where = stack.pop()
            if isinstance(node, dict):
                yield where, node
                stack.extend((child, f"{where}/{key}") for key, child in node.items())
            elif isinstance(node, list):
                stack.extend((child, f"{where}/{index}") for index, child in enumerate(node))
