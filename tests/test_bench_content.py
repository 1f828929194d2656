"""The benchmarks' real-sized content (benchmarks/realsize.py) stays valid content: a tree
of copies of this repository's runbooks passes `opskb check --strict`, so the figures of
benchmarks/site_bench.py are measured on a knowledge base the gate accepts, and the
copies differ from each other where a search index and the pages would notice."""

from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO, TODAY, run_opskb

sys.path.insert(0, str(REPO / "benchmarks"))
import realsize


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 runbooks: two copies of each of the repository's and a few more."""
    return realsize.make_tree(tmp_path_factory.mktemp("bench") / "kb", 50, today=datetime.date.fromisoformat(TODAY))


def test_copies_of_the_repos_runbooks_pass_the_strict_check(copies: Path) -> None:
    root = copies
    result = run_opskb("check", "--strict", str(root))
    assert result.code == 0, result.out + result.err
    runbooks = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in (root / "runbooks").glob("*.yaml")]
    assert len(runbooks) == 50
    originals = {path.stem for path in (REPO / "runbooks").glob("*.yaml")}
    assert originals <= {r["id"] for r in runbooks}  # the handwritten pages link to some of them
    # Every copy its own title, alert names and symptoms; related ids name copies, not only originals.
    assert len({r["title"] for r in runbooks}) == 50
    alerts = [alert for r in runbooks for alert in r.get("alerts", [])]
    assert len(alerts) == len(set(alerts)) > 50
    assert len({tuple(r["symptoms"]) for r in runbooks}) == 50
    related = {name for r in runbooks for name in r.get("related", [])}
    assert related - originals
    # Real-sized: the copies are as large as the runbooks they copy (3 to 5.5 KB).
    sizes = [path.stat().st_size for path in (root / "runbooks").glob("*.yaml")]
    assert min(sizes) > 2500 and sum(sizes) / len(sizes) > 3500


def test_a_broken_copy_fails_the_check(copies: Path, tmp_path: Path) -> None:
    """The check above can fail: a copy whose related id names a missing runbook does."""
    root = Path(shutil.copytree(copies, tmp_path / "kb"))
    path = next(p for p in (root / "runbooks").glob("*-1.yaml") if "related:" in p.read_text(encoding="utf-8"))
    path.write_text(path.read_text(encoding="utf-8").replace("related:\n- ", "related:\n- missing-"), encoding="utf-8")
    result = run_opskb("check", "--strict", str(root))
    assert result.code == 1 and "KB204" in result.out, result.out


def test_the_mkdocs_floor_writes_a_page_at_every_address_of_the_site_it_copies(tmp_path: Path) -> None:
    """benchmarks/mkdocs_floor.py measures MkDocs alone on a built site's pages: its build
    must write exactly that site's pages (both languages, nested pages, folder homes), no
    more and no fewer, or its figure is of another site."""
    import subprocess

    site = tmp_path / "site"
    pages = ["index.html", "runbooks/index.html", "runbooks/db-down/index.html", "alerts/A1/index.html"]
    pages += [f"ru/{page}" for page in pages]
    for page in [*pages, "404.html", "assets/opskb/partial.html"]:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("<p>x</p>", encoding="utf-8")
    floor = [sys.executable, str(REPO / "benchmarks" / "mkdocs_floor.py")]
    written = subprocess.run([*floor, "write", str(site), str(tmp_path / "floor")], capture_output=True, text=True)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == str(len(pages))
    out_dir = tmp_path / "out"
    built = subprocess.run([*floor, "build", str(tmp_path / "floor"), str(out_dir)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    out = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*.html"))
    assert out == sorted(pages)
    assert "The same small body" in (out_dir / "ru" / "alerts" / "A1" / "index.html").read_text("utf-8")


def test_the_mkdocs_floor_under_plain_serve_serves_one_languages_pages_and_shows_an_edit(tmp_path: Path) -> None:
    """The floor of plain `mkdocs serve` (site_bench.bench_floor_serve): MkDocs alone,
    serving the pages of one language of a built site (another language's folder left
    out), times an edit until the served page shows it."""
    import site_bench

    site = tmp_path / "opskb-2-site"
    pages = ["index.html", "runbooks/db-down.html", "runbooks/disk-full.html", "alerts/A1.html"]
    for page in [*pages, *(f"ru/{page}" for page in pages)]:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text("<p>x</p>", encoding="utf-8")
    figures = site_bench.bench_floor_serve(tmp_path, 2, repeat=1, limit=60)
    assert figures["pages"] == len(pages)
    assert len(figures["page_edits_s"]) == 1 and 0 < figures["page_edit_s"] < 60
    assert not (tmp_path / "floor-serve-2").exists()  # the project goes with the measure
