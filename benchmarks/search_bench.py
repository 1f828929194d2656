"""Search: quality on the test set, and what a query costs a phone at 10,000 runbooks.

Quality: the queries of tests/search_queries.yaml against the repository's content,
ranked by `opskb find` (in-process) and by the site's search.js in headless Chromium
(the built site opened from file://); top-1 and top-3 rates for each.

Scale: the site's index files for N real-sized runbooks (benchmarks/realsize.py: copies
of this repository's own), written as the plugin writes them, behind a page that loads
search.js. Each query runs in a fresh browser context (nothing cached) with the CPU
slowed 4x (a mid-range phone); reported: the bytes of every file the query loaded
(search.js, the manifest, term chunks, result blocks) and the time from the call to the
ranked results with titles. The index size is
the sum of all index files, also per 1,000 runbooks.

The first line printed is the machine's speed reference (measure.machine_reference).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from measure import print_reference
from realsize import alert_of, make_tree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from site_helpers import CHROMIUM, CHROMIUM_ARGS, mkdocs_build, write_config  # noqa: E402


def scale_queries(size: int) -> list[str]:
    """What a person types during an incident: an alert name pasted from the alert, its
    first part typed, symptom words, the same with typos, a status code and a Russian label."""
    alert = alert_of(size)
    return [alert, "stock order does not match", "stok ordr mach", "awaiting_packaging", "Ожидает сборки", alert[:12]]


def _queries() -> list[dict[str, str]]:
    import yaml

    return yaml.safe_load((REPO / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]


def _page(url: str) -> str:
    return url.split("#")[0].removesuffix(".html")


def _rates(ranked: dict[str, list[str]], queries: list[dict[str, str]]) -> tuple[float, float]:
    top1 = sum([_page(u) for u in ranked[q["q"]][:1]] == [q["expect"]] for q in queries)
    top3 = sum(q["expect"] in [_page(u) for u in ranked[q["q"]][:3]] for q in queries)
    return top1 / len(queries), top3 / len(queries)


def bench_quality(work: Path, browser: object) -> None:
    from opskb.cli import main

    root = work / "content"
    for name in ("runbooks", "escalation", "status_mappings", "schemas"):
        shutil.copytree(REPO / name, root / name)
    config = write_config(root, handwritten=True)
    site = work / "site"
    result = mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr
    queries = _queries()
    cli: dict[str, list[str]] = {}
    for query in queries:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["find", query["q"], "--root", str(root), "--format", "json"])
        cli[query["q"]] = [r["url"] for r in json.loads(out.getvalue())["results"]]
    tab = browser.new_context().new_page()  # type: ignore[attr-defined]
    tab.goto((site / "index.html").as_uri())
    prefix = site.as_uri() + "/"
    web = {
        q["q"]: [
            r["url"].removeprefix(prefix) for r in tab.evaluate("q => opskbSearch.search(q, 5)", q["q"])["results"]
        ]
        for q in queries
    }
    same = sum(cli[q["q"]][:3] == web[q["q"]][:3] for q in queries)
    print(f"### Quality: {len(queries)} queries (tests/search_queries.yaml)\n")
    print("| ranked by | top-1 | top-3 |")
    print("|---|---:|---:|")
    for label, ranked in (("`opskb find`", cli), ("site (Chromium, file://)", web)):
        top1, top3 = _rates(ranked, queries)
        print(f"| {label} | {top1:.1%} | {top3:.1%} |")
    print(f"\nSame top 3, same order, in both: {same} of {len(queries)} queries.\n")


def write_index_site(work: Path, size: int) -> tuple[Path, float]:
    """The site's search files for ``size`` real-sized runbooks, behind a bare page."""
    from opskb.build.generated import ASSETS
    from opskb.build.searchbox import index_files
    from opskb.gate.checker import check_tree

    root = make_tree(work / f"kb-{size}", size)
    kb, _ = check_tree(root)
    site = work / f"site-{size}"
    assets = site / "assets" / "opskb"
    started = time.perf_counter()
    for uri, text in index_files(kb, root / "docs", False):
        (assets / uri).parent.mkdir(parents=True, exist_ok=True)
        (assets / uri).write_text(text, encoding="utf-8")
    seconds = time.perf_counter() - started
    shutil.copy(ASSETS / "search.js", assets / "search.js")
    (site / "index.html").write_text(
        '<!doctype html><script src="assets/opskb/search.js"></script>\n', encoding="utf-8"
    )
    return site, seconds


# Chrome DevTools' "Fast 3G" profile, for the page served over HTTP.
FAST_3G = {"offline": False, "latency": 562.5 / 3.75, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}


def _run_query(browser: object, url: str, query: str, network: bool) -> tuple[list[str], dict]:
    """The URLs one query loaded, and its answer, in a fresh context with the CPU slowed 4x.

    The search box is focused first, as a person clicks it before typing: that loads the
    manifest (counted in the bytes, not in the time)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    loaded: list[str] = []
    tab.on("request", lambda r: loaded.append(r.url))
    tab.goto(url)
    session = context.new_cdp_session(tab)
    session.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    if network:
        session.send("Network.enable")
        session.send("Network.emulateNetworkConditions", FAST_3G)
    loaded[:] = [u for u in loaded if u.endswith("search.js")]  # loaded with the page, counted
    tab.evaluate("() => opskbSearch.ready()")
    answer = tab.evaluate(
        "async q => { const t = performance.now(); const a = await opskbSearch.search(q, 10);"
        " return {ms: performance.now() - t, n: a.total}; }",
        query,
    )
    context.close()
    return loaded, answer


def bench_scale(work: Path, browser: object, size: int) -> None:
    from site_helpers import serve

    site, seconds = write_index_site(work, size)
    files = list((site / "assets" / "opskb" / "search").iterdir())
    total = sum(f.stat().st_size for f in files)
    print(f"### Scale: {size:,} real-sized runbooks\n")
    print(
        f"Index: {len(files)} files, {total / 1e6:.1f} MB in all, {total / 1e6 / (size / 1000):.2f} MB per 1,000 "
        f"runbooks (written in {seconds:.1f} s). Each query in a fresh browser context (nothing cached), "
        "CPU slowed 4x, the search box focused first (which loads the manifest); time from the "
        'query to ranked results with titles, from file:// and served over HTTP on a "Fast 3G" '
        "network (150 ms latency, 1.6 Mbit/s); bytes: every index file the query needed, with "
        "search.js and the manifest:\n"
    )
    print("| query | files loaded | bytes loaded | results | file:// | Fast 3G |")
    print("|---|---:|---:|---:|---:|---:|")
    with serve(site) as base:
        for query in scale_queries(size):
            loaded, local = _run_query(browser, (site / "index.html").as_uri(), query, False)
            _, slow = _run_query(browser, f"{base}/index.html", query, True)
            paths = {Path(unquote(urlparse(u).path)) for u in loaded}
            size_bytes = sum(p.stat().st_size for p in paths)
            print(
                f"| `{query}` | {len(paths)} | {size_bytes / 1e3:,.0f} KB | {local['n']:,} "
                f"| {local['ms']:.0f} ms | {slow['ms']:.0f} ms |"
            )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runbooks", type=int, default=10_000)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print_reference()

    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is not installed: search benchmark skipped")
        return 0
    work = Path(tempfile.mkdtemp(prefix="opskb-search-bench-"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            bench_quality(work, browser)
            bench_scale(work, browser, args.runbooks)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
