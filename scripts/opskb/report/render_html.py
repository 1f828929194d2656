"""``--format html``: one static page a project manager can be mailed and print.

No script, no fonts or files from elsewhere: the style is inline and each chart is an SVG
drawn here as numbers (bar positions and heights) that the template puts into elements.
The template (``templates/sla.html``) runs in its own Jinja2 environment with autoescape
on and StrictUndefined, so every value from an export (keys, summaries, names) is text.
The page is in English; a run of words in another language (a Russian system name, a
ticket's summary) goes through the ``phrase`` filter, which marks it with its ``lang``
so that a screen reader speaks it in that language, as the site does (WCAG 3.1.2).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..model.textlanguage import runs
from .render_text import _when

TEMPLATES = Path(__file__).parent / "templates"
BAR, GAP, LEFT, TOP, PLOT = 34, 10, 34, 14, 110
# The language of the page's own words (<html lang>).
PAGE_LANGUAGE = "en"


def phrase(text: object) -> Markup:
    """``text`` escaped, each run of words in another language than the page's in a
    ``<span lang>`` (for HTML content, not for an attribute or an SVG text)."""
    return Markup("").join(
        escape(piece)
        if language in (None, PAGE_LANGUAGE)
        else Markup('<span lang="{}">{}</span>').format(language, piece)
        for piece, language in runs(str(text))
    )


def chart(system: str, weekly: list[dict[str, Any]], weeks: list[str]) -> dict[str, Any]:
    """One system's bars: SLA % per week (no bar where no ticket was judged that week)."""
    by_week = {row["week"]: row for row in weekly}
    bars = []
    for index, week in enumerate(weeks):
        row = by_week.get(week)
        percent = row["percent"] if row else None
        # a week of nothing but breaches still shows: a red line on the axis, not no bar
        height = 0 if percent is None else max(2, round(PLOT * percent / 100, 1))
        x = LEFT + GAP + index * (BAR + GAP)
        bars.append(
            {
                "x": x,
                "y": TOP + PLOT - height,
                "height": height,
                "percent": percent,
                "label": "–" if percent is None else f"{percent:g}",
                "week": date.fromisoformat(week).strftime("%d.%m"),
                "tickets": row["tickets"] if row else 0,
                "low": percent is not None and percent < 100,
                "middle": x + BAR / 2,
            }
        )
    return {
        "system": system,
        "width": LEFT + GAP + len(weeks) * (BAR + GAP),
        "height": TOP + PLOT + 34,
        "bars": bars,
        "bar": BAR,
        "top": TOP,
        "plot": PLOT,
        "left": LEFT,
        "half": TOP + PLOT / 2,
        "bottom": TOP + PLOT,
    }


def render(data: dict[str, Any]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["phrase"] = phrase
    systems: dict[str, list[dict[str, Any]]] = {}
    for row in data["weekly"]:
        systems.setdefault(row["system"], []).append(row)
    charts = [chart(system, rows, data["weeks"]) for system, rows in sorted(systems.items())]
    return environment.get_template("sla.html").render(
        data=data, charts=charts, when=_when, page_language=PAGE_LANGUAGE
    )
