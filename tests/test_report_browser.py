"""The HTML SLA report in real headless Chromium (Debian's package): opened from the file
system with JavaScript off and every request outside the file refused, its charts drawn and
visible, on screen and when printed. Screenshots go to test-artifacts/ (git-ignored)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from site_helpers import ARTIFACTS, CHROMIUM, chromium
from test_cli_report import JIRA, PERIOD, SERVICENOW

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (tests/system_deps.py)"),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

# Counts the pixels of a PNG that are the chart's bar colours (green met, red below 100%),
# in a page of its own: the report itself runs no script.
COUNT_BARS = """async (data) => {
  const image = new Image();
  image.src = "data:image/png;base64," + data;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let green = 0, red = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
    if (Math.abs(r - 0x2f) < 12 && Math.abs(g - 0x7d) < 12 && Math.abs(b - 0x32) < 12) green++;
    if (Math.abs(r - 0xc6) < 12 && Math.abs(g - 0x28) < 12 && Math.abs(b - 0x28) < 12) red++;
  }
  return {green, red, width: image.width, height: image.height};
}"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _html_report(cli, tmp_path: Path) -> Path:
    jira, servicenow, out = tmp_path / "jira.csv", tmp_path / "incident.csv", tmp_path / "sla.html"
    jira.write_text(JIRA, encoding="utf-8")
    servicenow.write_text(SERVICENOW, encoding="utf-8")
    result = cli("report", "sla", jira, servicenow, *PERIOD, "--format", "html", "--output", out, "--root", REPO)
    assert result.code == 1 and "Traceback" not in result.err  # rows left out on purpose in both files
    return out


def test_html_report_charts_are_visible_offline_without_script(cli, tmp_path: Path, browser: Any) -> None:
    report = _html_report(cli, tmp_path)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900})
    requests: list[str] = []

    def record(route: Any) -> None:
        requests.append(route.request.url)
        if route.request.url == report.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", record)
    page = context.new_page()
    page.goto(report.as_uri())
    assert requests == [report.as_uri()]  # nothing else fetched: fonts, styles and charts are inline
    figures = page.locator("figure.chart")
    captions = [figures.nth(i).locator("figcaption").inner_text() for i in range(figures.count())]
    # a chart per system the tickets touched (OPS-104's runbook adds marketplace-integration)
    assert captions == [
        "loyalty-processing",
        "marketplace-integration",
        "order-management",
        "pickup-points",
        "pim",
        "pricing-module",
    ]
    pricing = figures.nth(captions.index("pricing-module"))
    svg_box = pricing.locator("svg").bounding_box()
    assert svg_box and svg_box["width"] > 100 and svg_box["height"] > 100
    bars = pricing.locator("rect.bar")
    # pricing-module: week of 2 Nov, OPS-102 and INC0010001 breached: 0% (a red line on the axis);
    # week of 9 Nov, OPS-104 met: 100%, the whole plot's height
    labels = [t for t in pricing.locator("text").all_text_contents() if t.isdigit()]
    assert labels == ["0", "100"]
    heights = [bars.nth(i).bounding_box()["height"] for i in range(bars.count())]
    # six weeks from Monday 26 Oct to Monday 30 Nov; only two had tickets of the system
    assert len(heights) == 6 and [h for h in heights if h] == [pytest.approx(2), pytest.approx(110)]
    for i in range(bars.count()):
        box = bars.nth(i).bounding_box()
        assert svg_box["y"] <= box["y"] and box["y"] + box["height"] <= svg_box["y"] + svg_box["height"] + 0.5
    ARTIFACTS.mkdir(exist_ok=True)
    shot = pricing.screenshot(path=str(ARTIFACTS / "report-sla-chart.png"))
    page.screenshot(path=str(ARTIFACTS / "report-sla.png"), full_page=True)
    page.emulate_media(media="print")
    printed = pricing.screenshot()
    pdf_pages = page.pdf(format="A4")
    context.close()
    counter = browser.new_page()
    for picture in (shot, printed):
        counted = counter.evaluate(COUNT_BARS, base64.b64encode(picture).decode())
        # the 0% mark is red (34 x 2 pixels), the 100% bar green (34 x 110): both drawn, not blank
        assert counted["red"] >= 50 and counted["green"] > 3000, counted
    counter.close()
    assert pdf_pages.startswith(b"%PDF") and len(pdf_pages) > 10_000
