"""A new team's whole path with the built wheel, offline, in a fresh venv (tests/new_team.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

import opskb
from new_team import IMPORTED_FOUND, Run, new_team, passed


@pytest.mark.slow
def test_a_new_team_installs_the_wheel_and_gets_a_site_of_its_own(tmp_path: Path) -> None:
    run = Run(tmp_path)
    result = new_team(run)

    assert result["version"] == f"opskb {opskb.__version__}"
    installed = list((tmp_path / "venv" / "lib").glob("python3*/site-packages/opskb/authoring/templates/init/common"))
    assert installed, "opskb was not installed from the wheel with its templates"
    assert result["sample_words"] == {}, result["sample_words"]
    assert result["by_alert"][0] == "web-api-errors", result["by_alert"]
    assert result["by_symptom"][0] == "web-api-errors", result["by_symptom"]
    assert "kube-pod-crash-looping" in result["imported"], result["imported"]  # type: ignore[operator]
    assert result["imported_found"] == {query: [ident] for query, ident in IMPORTED_FOUND}, result["imported_found"]
    assert passed(result)

    berlin: Path = result["berlin_site"]  # type: ignore[assignment]
    assert (berlin / "runbooks" / "web-api-errors.html").is_file()
    assert not (berlin / "marketplaces").exists() and not (berlin / "browse" / "marketplaces.html").exists()
    russian: Path = result["russian_site"]  # type: ignore[assignment]
    home = (russian / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru"' in home and "Ранбуки" in home
    assert (russian / "marketplaces" / "partner-shop.html").is_file()
    assert (russian / "marketplaces" / "internal.html").is_file()
