"""The checker as other repositories use it: the editor mapping, and an installed wheel."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL, REPO
from opskb.model.kb import content_files


def _editor_schema_for(rel: str, mapping: dict[str, list[str]]) -> list[str]:
    chosen = []
    for schema, globs in mapping.items():
        positive = [g for g in globs if not g.startswith("!")]
        negative = [g[1:] for g in globs if g.startswith("!")]
        if any(fnmatch.fnmatch(rel, g) for g in positive) and not any(fnmatch.fnmatch(rel, g) for g in negative):
            chosen.append(Path(schema).name.removesuffix(".schema.json"))
    return chosen


def test_editor_settings_pick_the_same_schema_as_the_checker() -> None:
    mapping = json.loads((REPO / ".vscode" / "settings.json").read_text())["yaml.schemas"]
    for schema in mapping:
        assert (REPO / schema).is_file(), schema
    files = list(content_files(REPO))
    assert len(files) > 10
    for _, rel, schema_name in files:
        assert _editor_schema_for(rel, mapping) == [schema_name], rel


def test_pre_commit_hook_runs_the_checker_on_content_files() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "opskb-check" and hooks[0]["entry"].startswith("opskb check")

    pattern = re.compile(hooks[0]["files"])
    assert pattern.search("runbooks/prices-not-applied.yaml")
    assert pattern.search("schemas/runbook.schema.json")
    assert not pattern.search("docs/index.md")


@pytest.mark.slow
def test_installed_wheel_checks_a_tree_with_its_packaged_schemas(tmp_path: Path) -> None:
    """What pre-commit does: install the package from source, run `opskb check` elsewhere."""
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build a wheel here: {built.stderr.strip()[-300:]}")
    wheel = next(wheels.glob("opskb-*.whl"))
    env_dir = tmp_path / "env"
    venv.create(env_dir)
    python = env_dir / "bin" / "python"
    # Dependencies come from the test venv (no download); opskb itself only from the wheel.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    test_site = subprocess.run(
        [sys.executable, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "test-venv-deps.pth").write_text(test_site + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True, timeout=300)
    content = tmp_path / "content"

    shutil.copytree(MINIMAL, content)
    ok = subprocess.run(
        [str(env_dir / "bin" / "opskb"), "check", "--strict", str(content)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    located = subprocess.run(
        [str(python), "-c", "import opskb.model.schemas as s; print(s.schema_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert located.stdout.strip().endswith("opskb/_schemas")
    runbook = content / "runbooks" / "prices-not-applied.yaml"
    runbook.write_text(runbook.read_text().replace("kind: incident", "kind: outage"))
    bad = subprocess.run(
        [str(env_dir / "bin" / "opskb"), "check", str(content)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert bad.returncode == 1 and "runbooks/prices-not-applied.yaml:3:7: KB101" in bad.stdout
