"""The site's alert pages: alerts/NAME.html for every alert a runbook lists, leading to
each of its runbooks, escaped, found by search; runbook pages link to them. Built with
`mkdocs build --strict` in a subprocess, as the other site tests do."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from opskb.model.addresses import alert_page_name
from site_helpers import copy_minimal, mkdocs_build, write_config
from test_site_build import broken_links

pytestmark = pytest.mark.xdist_group("site")

PLAIN = "MarketplacePricesAcceptedBelowSent"
HOSTILE = "Prices <script>alert('x')</script> / ../../index"
SHARED = "PriceFeed:Stalled.v2"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_minimal(tmp_path_factory.mktemp("alerts") / "content")
    runbook = root / "runbooks" / "prices-not-applied.yaml"
    text = runbook.read_text(encoding="utf-8")
    runbook.write_text(
        text.replace(f"alerts: [{PLAIN}]", f"alerts: [{PLAIN}, {json.dumps(HOSTILE)}, {json.dumps(SHARED)}]"),
        encoding="utf-8",
    )
    second = text.replace("id: prices-not-applied", "id: prices-late").replace(
        f"alerts: [{PLAIN}]", f"alerts: [{SHARED}]"
    )
    (root / "runbooks" / "prices-late.yaml").write_text(second.replace("title: Prices", "title: Late prices"), "utf-8")
    config = write_config(root)
    out = root.parent / "site"
    result = mkdocs_build(config, out)
    assert result.returncode == 0, result.stderr
    return out


def _page(site: Path, alert: str) -> str:
    return (site / "alerts" / f"{alert_page_name(alert)}.html").read_text(encoding="utf-8")


def test_each_alert_has_a_page_that_leads_to_its_runbook(site: Path) -> None:
    page = _page(site, PLAIN)
    assert 'href="../runbooks/prices-not-applied.html"' in page
    runbook = (site / "runbooks" / "prices-not-applied.html").read_text(encoding="utf-8")
    assert f'href="../alerts/{PLAIN}.html"' in runbook


def test_an_alert_listed_by_two_runbooks_leads_to_both(site: Path) -> None:
    page = _page(site, SHARED)
    assert 'href="../runbooks/prices-not-applied.html"' in page and 'href="../runbooks/prices-late.html"' in page
    assert (site / "alerts" / "PriceFeed.3AStalled.2Ev2.html").is_file()


def test_any_alert_name_is_a_safe_file_name_and_shows_as_text(site: Path) -> None:
    names = sorted(p.name for p in (site / "alerts").iterdir())
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+\.html", n) for n in names), names
    page = _page(site, HOSTILE)
    assert "<script>alert(" not in page
    assert HOSTILE in html.unescape(re.sub(r"<[^>]+>", "", page))


def test_search_for_an_alert_name_leads_to_every_runbook_of_its_page(site: Path, cli) -> None:
    """The site's search and `opskb find` share one index, in which the runbooks carry their
    alert names: the name finds the runbooks the alert page lists (the page itself is not
    a search document, so it never stands between the engineer and the runbook)."""
    result = cli("find", SHARED, "--root", site.parent / "content", "--format", "json")
    assert result.code == 0, result.err
    found = [hit["url"] for hit in json.loads(result.out)["results"]][:2]
    assert sorted(found) == ["runbooks/prices-late.html", "runbooks/prices-not-applied.html"]
    page = _page(site, SHARED)
    assert all(f'href="../{url}"' in page for url in found)


def test_alert_pages_link_nowhere_broken(site: Path) -> None:
    assert broken_links(site) == []
