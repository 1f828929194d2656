"""Site build benchmark: the opskb plugin against plain MkDocs on the same pages.

For each size (default 1000 and 10000 runbooks, real-sized: copies of this repository's
own runbooks with its escalation map, status mappings, handwritten pages and mkdocs.yml,
from benchmarks/realsize.py; each tree must pass `opskb check --strict` first):

* ``opskb``: ``mkdocs build --strict`` of the tree with the repo's mkdocs.yml, English
  and Russian (``languages: [en, ru]``; the plugin generates every page in memory;
  runbook and alert pages are not in the navigation);
* ``opskb, workers: 0`` (none by default): the same build with every page made in the
  build's own process, no worker processes (build/parallel.py);
* ``opskb, one language`` (1000 by default): the same build without the Russian site
  (no ``languages``), to show what the second language costs;
* ``plain``: ``mkdocs build`` of the same runbook pages written out as Markdown files,
  every page in the navigation (MkDocs' default without a ``nav``), same theme and search;
* ``MkDocs alone, the same pages`` (every size by default): MkDocs without opskb, its
  theme or any plugin on one page for each page the opskb build wrote, at the same
  address, each page's HTML given (benchmarks/mkdocs_floor.py): the floor under any
  MkDocs build of a site of that shape.

Each build runs in its own process; reported: wall time, CPU time (user+sys: steadier
than wall time on a shared machine; the workers' included), peak memory of all the
build's processes together and of the largest one alone (PSS, benchmarks/measure.py),
search index size. Then ``mkdocs serve`` (plain, and ``--dirty`` as `make serve` runs it)
is started on the trees of ``--serve-sizes`` and one runbook YAML is edited twice, its
title (which every index shows) and its impact (which only its own page shows): the time
until the served page shows each change. Beside them, the floor of plain `mkdocs serve`:
MkDocs alone (mkdocs_floor.py ``serve``) on one language's pages of that build, one page
edited five times: what MkDocs itself takes to show an edit, whatever makes the pages.

The first line printed is the machine's speed (``measure.machine_reference``): the same
build takes about twice as long on a machine whose reference is twice as large.

Usage: python benchmarks/site_bench.py [--sizes 1000 10000] [--plain-sizes 1000]
       [--serve-sizes 1000] [--one-process-sizes 10000] [--one-language-sizes 1000]
       [--floor-sizes 10000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

from measure import measure, print_reference  # noqa: E402
from realsize import make_tree, runbook_text  # noqa: E402

from opskb.gate.checker import check_tree  # noqa: E402
from opskb.site.pages import Site  # noqa: E402
from site_helpers import free_port, http_get  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@dataclass
class Result:
    kind: str
    runbooks: int
    pages: int
    wall_s: float
    cpu_s: float
    peak_mb: float  # the largest process's own peak (RSS)
    tree_mb: float  # the peak of all its processes together (PSS), worker processes included
    largest_mb: float  # the peak of the largest process alone (PSS)
    search_index_kb: float
    ok: bool


def _build(kind: str, count: int, config: Path, site: Path, strict: bool) -> Result:
    """One `mkdocs build` in its own process: its time, memory and what it built."""
    args = [sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-f", str(config)]
    return _measured(kind, count, [*args, "-d", str(site)], site, config.parent)


def _measured(kind: str, count: int, args: list[str], site: Path, cwd: Path) -> Result:
    """``args``, a build into ``site``, in its own process: its time, memory and what it built."""
    run = measure(args, capture=True, cwd=cwd, env=ENV)
    if run.returncode:
        print(run.output[-3000:], file=sys.stderr)
    pages, index_kb = _site_stats(site)
    return Result(
        kind,
        count,
        pages,
        run.seconds,
        run.cpu_seconds,
        run.peak_mb,
        run.tree_mb,
        run.largest_mb,
        index_kb,
        run.returncode == 0,
    )


def _site_stats(site: Path) -> tuple[int, float]:
    """Pages, and the search index's size: Material's one file (plain), or all of opskb's
    chunks (a query loads only a few of them: benchmarks/search_bench.py)."""
    pages = sum(1 for _ in site.rglob("*.html"))
    material = site / "search" / "search_index.json"
    files = [material] if material.exists() else list((site / "assets" / "opskb" / "search").glob("*.js"))
    return pages, sum(f.stat().st_size for f in files) / 1024


def checked_tree(work: Path, count: int) -> Path:
    """``count`` real-sized runbooks that `opskb check --strict` accepts (else it stops)."""
    root = make_tree(work / f"opskb-{count}", count)
    opskb = Path(sys.executable).with_name("opskb")
    check = subprocess.run([str(opskb), "check", "--strict", str(root)], capture_output=True, text=True)
    if check.returncode != 0:
        raise SystemExit(f"the generated content fails opskb check --strict:\n{check.stdout[-3000:]}{check.stderr}")
    return root


def bench_opskb(work: Path, count: int) -> tuple[Result, Path]:
    root = checked_tree(work, count)
    return _build("opskb", count, root / "mkdocs.yml", work / f"opskb-{count}-site", strict=True), root


def _variant(tree: Path, count: int, kind: str, name: str, edit: Callable[[str], str]) -> Result:
    """The same build with the repo's mkdocs.yml changed by ``edit``."""
    config = tree / f"mkdocs-{name}.yml"
    config.write_text(edit((tree / "mkdocs.yml").read_text(encoding="utf-8")), "utf-8")
    site = tree.parent / f"opskb-{count}-{name}-site"
    result = _build(kind, count, config, site, strict=True)
    shutil.rmtree(site, ignore_errors=True)
    return result


def bench_one_process(tree: Path, count: int) -> Result:
    """The same build with ``workers: 0``: every page made in the build's own process
    (less memory, more time; see build/parallel.py)."""
    return _variant(
        tree,
        count,
        "opskb, workers: 0",
        "one-process",
        lambda text: re.sub(r"^(      root: .*)$", r"\1\n      workers: 0", text, count=1, flags=re.M),
    )


def bench_one_language(tree: Path, count: int) -> Result:
    """The same build in English only (no ``languages``): what the Russian site costs."""
    return _variant(
        tree,
        count,
        "opskb, one language",
        "one-language",
        lambda text: re.sub(r"^      languages: .*\n", "", text, flags=re.M),
    )


def bench_plain(work: Path, count: int, tree: Path) -> Result:
    """The same runbook pages as committed Markdown: what a site without the plugin builds."""
    kb, _ = check_tree(tree)
    site_gen = Site(kb)
    root = work / f"plain-{count}"
    docs = root / "docs" / "runbooks"
    docs.mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Runbooks\n", encoding="utf-8")
    for runbook in site_gen.runbooks:
        page = site_gen.runbook_page(runbook)
        text = re.sub(r"(?s)^---\n.*?\n---\n", "", page.text)  # plain pages: no plugin meta
        (docs / f"{runbook.id}.md").write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: plain\nuse_directory_urls: false\n"
        "theme:\n  name: material\n  font: false\n"
        "plugins:\n  - search:\n      lang: [en, ru]\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - attr_list\n  - admonition\n",
        encoding="utf-8",
    )
    return _build("plain", count, root / "mkdocs.yml", work / f"plain-{count}-site", strict=False)


def bench_floor(work: Path, count: int) -> Result:
    """MkDocs alone on the pages the opskb build of ``count`` runbooks wrote, at the same
    addresses (mkdocs_floor.py): no plugin, no Markdown, a one-line theme. What MkDocs
    itself takes for a site of that shape, under any plugin's build of it."""
    project, site = work / f"floor-{count}", work / f"floor-{count}-site"
    floor = [sys.executable, str(HERE / "mkdocs_floor.py")]
    subprocess.run([*floor, "write", str(work / f"opskb-{count}-site"), str(project)], check=True, env=ENV)
    return _measured("MkDocs alone, the same pages", count, [*floor, "build", str(project), str(site)], site, project)


def bench_serve(
    tree: Path, count: int, limit: float = 600.0, dirty: bool = False, repeat: int = 3
) -> dict[str, float | int]:
    """Seconds from a YAML edit to the served page showing it, under ``mkdocs serve``
    (``--dirty``: what `make serve` runs; only the pages the edit changed re-render):
    ``repeat`` edits of each kind, their median and each."""
    port = free_port()
    server = [sys.executable, "-m", "mkdocs", "serve", "-f", str(tree / "mkdocs.yml")]
    server += ["--dev-addr", f"127.0.0.1:{port}", *(["--dirty", "--no-strict"] if dirty else [])]
    edited_id = sorted(tree.glob("runbooks/*.yaml"))[0].stem
    path = tree / "runbooks" / f"{edited_id}.yaml"
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)

    def edit(field: str) -> Callable[[str], None]:
        def write(marker: str) -> None:
            data[field] = f"{data[field]} {marker}"
            path.write_text(runbook_text(data), encoding="utf-8")

        return write

    # A title is shown on every index; the impact only on the runbook's own page.
    edits = {"title": edit("title"), "body": edit("impact")}
    url = f"http://127.0.0.1:{port}/runbooks/{edited_id}.html"
    try:
        figures = _edit_timings(server, tree, url, edits, repeat, limit)
    finally:
        path.write_text(original, encoding="utf-8")
    return {"runbooks": count, "dirty": dirty, **figures}


def bench_floor_serve(work: Path, count: int, repeat: int = 5, limit: float = 600.0) -> dict[str, float | int]:
    """Seconds from an edit to the served page showing it under plain `mkdocs serve` of
    MkDocs alone (mkdocs_floor.py) on one language's pages of the opskb build of ``count``
    runbooks: what MkDocs itself takes to show an edit of a site of that shape, whatever
    makes its pages (opskb builds each language in a process of its own, at once)."""
    project = work / f"floor-serve-{count}"
    floor = [sys.executable, str(HERE / "mkdocs_floor.py")]
    site = work / f"opskb-{count}-site"
    written = subprocess.run(
        [*floor, "write", str(site), str(project), "--skip", "ru"], check=True, env=ENV, capture_output=True, text=True
    )
    page = sorted((project / "docs" / "runbooks").glob("*.md"))[0]
    original = page.read_text(encoding="utf-8")
    port = free_port()
    server = [*floor, "serve", str(project), f"127.0.0.1:{port}"]
    url = f"http://127.0.0.1:{port}/runbooks/{page.stem}/"
    try:
        figures = _edit_timings(
            server,
            project,
            url,
            {"page": lambda marker: page.write_text(f"{original}{marker}\n", encoding="utf-8")},
            repeat,
            limit,
        )
    finally:
        shutil.rmtree(project, ignore_errors=True)
    return {"runbooks": count, "pages": int(written.stdout), **figures}


def _edit_timings(
    server: list[str], cwd: Path, url: str, edits: dict[str, Callable[[str], None]], repeat: int, limit: float
) -> dict[str, float | int]:
    """Starts ``server``; then ``repeat`` times each of ``edits`` (a kind -> writes a change
    that shows ``marker`` at ``url``), timed from the write until ``url`` shows the marker:
    the time to the first page, each edit's seconds and the median of each kind."""
    proc = subprocess.Popen(server, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = time.perf_counter()
        while http_get(url) is None:
            if time.perf_counter() - start > limit or proc.poll() is not None:
                raise RuntimeError(f"{shlex.join(server)} did not come up")
            time.sleep(0.2)
        figures: dict[str, float | int] = {"first_build_s": round(time.perf_counter() - start, 2)}
        taken: dict[str, list[float]] = {kind: [] for kind in edits}
        # The pause before each edit is a person's (and lets the server collect the last
        # build's garbage while idle, build/preview.py); it varies, so that the edits do
        # not fall at the same point of a polling file watcher's cycle each time.
        for number in range(repeat):
            for kind, write in edits.items():
                time.sleep(3.5 + random.random())
                marker = f"Changed {kind} {number} {time.time_ns()}"
                write(marker)
                edited = time.perf_counter()
                while True:
                    page = http_get(url)
                    if page is not None and marker in page:
                        break
                    if time.perf_counter() - edited > limit or proc.poll() is not None:
                        raise RuntimeError("the change never showed")
                    time.sleep(0.05)
                taken[kind].append(round(time.perf_counter() - edited, 2))
        for kind, seconds in taken.items():
            figures[f"{kind}_edit_s"] = statistics.median(seconds)
            figures[f"{kind}_edits_s"] = seconds  # type: ignore[assignment]
        return figures
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _reported(result: Result) -> Result:
    print(
        f"{result.kind} {result.runbooks}: {result.wall_s:.1f} s wall, {result.cpu_s:.1f} s CPU, "
        f"{result.tree_mb:.0f} MB all processes (largest alone {result.largest_mb:.0f} MB PSS, "
        f"{result.peak_mb:.0f} MB RSS), "
        f"index {result.search_index_kb:.0f} KB",
        flush=True,
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--plain-sizes", type=int, nargs="*", default=[])
    parser.add_argument("--serve-sizes", type=int, nargs="*", default=[1000])
    parser.add_argument("--one-process-sizes", type=int, nargs="*", default=[])
    parser.add_argument("--one-language-sizes", type=int, nargs="*", default=[1000])
    # default: every size of --sizes (about a tenth of the opskb build's time)
    parser.add_argument("--floor-sizes", type=int, nargs="*")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    plain_sizes = args.plain_sizes
    reference = print_reference()
    results: list[Result] = []
    serve: list[dict[str, float | int]] = []
    with tempfile.TemporaryDirectory(prefix="opskb-site-bench-") as tmp:
        work = Path(tmp)
        for count in args.sizes:
            result, tree = bench_opskb(work, count)
            results.append(_reported(result))
            if count in args.one_process_sizes:
                results.append(_reported(bench_one_process(tree, count)))
            if count in args.one_language_sizes:
                results.append(_reported(bench_one_language(tree, count)))
            if count in plain_sizes:
                results.append(_reported(bench_plain(work, count, tree)))
            if args.floor_sizes is None or count in args.floor_sizes:
                results.append(_reported(bench_floor(work, count)))
            if count in args.serve_sizes:
                for dirty in (False, True):
                    serve.append(bench_serve(tree, count, dirty=dirty))
                    print(f"serve {count}: {serve[-1]}", flush=True)
                serve.append(bench_floor_serve(work, count))
                print(f"serve {count}, MkDocs alone, one language: {serve[-1]}", flush=True)
            shutil.rmtree(work / f"plain-{count}", ignore_errors=True)
            shutil.rmtree(work / f"plain-{count}-site", ignore_errors=True)
            for left in (f"floor-{count}", f"floor-{count}-site", f"opskb-{count}-site"):
                shutil.rmtree(work / left, ignore_errors=True)

    print(f"\nmachine reference {reference:.2f} s")
    print("\n| build | runbooks | pages | wall | CPU | peak memory, all processes | largest process | search index |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.kind} | {r.runbooks:,} | {r.pages:,} | {r.wall_s:.1f} s | {r.cpu_s:.1f} s | "
            f"{r.tree_mb:.0f} MB | {r.largest_mb:.0f} MB | {r.search_index_kb / 1024:.1f} MB |"
            + ("" if r.ok else " FAILED")
        )
    for r in results:
        if r.kind == "opskb" and r.runbooks == 10000:
            met = r.wall_s < 30 and r.tree_mb < 500 and r.largest_mb < 500
            print(f"\ngoal (10,000 runbooks: under 30 s, under 500 MB): {'met' if met else 'NOT met'}")
    ours = {r.runbooks: r for r in results if r.kind == "opskb"}
    sizes = sorted(ours)
    if len(sizes) >= 2:
        low, high = ours[sizes[0]], ours[sizes[-1]]
        print(
            f"\nopskb {sizes[0]} -> {sizes[-1]} runbooks ({sizes[-1] / sizes[0]:.0f}x): "
            f"CPU x{high.cpu_s / low.cpu_s:.1f}, wall x{high.wall_s / low.wall_s:.1f}"
        )
    for item in serve:
        if "page_edit_s" in item:
            print(
                f"mkdocs serve, MkDocs alone, {item['pages']} pages ({item['runbooks']} runbooks, one language): "
                f"edit to served page, median {item['page_edit_s']} s ({item['page_edits_s']})"
            )
            continue
        how = "mkdocs serve --dirty" if item["dirty"] else "mkdocs serve"
        print(
            f"{how}, {item['runbooks']} runbooks: edit to served page, median {item['title_edit_s']} s "
            f"(title: {item['title_edits_s']}), {item['body_edit_s']} s (impact: {item['body_edits_s']})"
        )
    if args.json:
        figures = {"machine_reference_s": reference, "builds": [asdict(r) for r in results], "serve": serve}
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
