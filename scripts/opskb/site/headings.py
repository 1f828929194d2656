"""A generated page's HTML, table of contents and anchors without running Markdown.

A generated page is headings and HTML blocks (see ``pages._assemble``). Its Markdown is
the headings alone, each with an explicit id and classes (``## Do not { #do-not .lead }``),
whose text is inert (``escape.md``: character references only). What Python-Markdown's
``toc`` and ``attr_list`` extensions make of such a heading is fixed and small, so
``render`` writes it directly: the same HTML, the same table-of-contents tokens and the
same anchor ids, at a fraction of the cost of a Markdown run per page (most of a large
build). tests/test_site_headings.py holds every generated page of the sample sites to
Python-Markdown's own output, with the site's configuration.

Only the ``toc`` settings this module reproduces are accepted (``HeadingStyle.from_toc``);
with any other, or with a page that has Markdown of its own (a tags listing), the adapter
lets MkDocs render the page as before.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique

_ANCHOR = re.compile(r'\sid="([^"]*)"')


@dataclass(frozen=True)
class Heading:
    """One heading of a generated page: ``text`` is inert inline HTML (``escape.md``)."""

    level: int
    text: str
    anchor: str = ""
    classes: str = ""

    def markdown(self) -> str:
        extra = f" .{self.classes}" if self.classes else ""
        ident = f" {{ #{self.anchor}{extra} }}" if self.anchor else ""
        return f"{'#' * self.level} {self.text}{ident}"


@dataclass(frozen=True)
class HeadingStyle:
    """The settings of Python-Markdown's ``toc`` extension that shape a heading."""

    permalink: bool | str = False
    permalink_class: str = "headerlink"
    permalink_title: str = "Permanent link"
    toc_top: int = 1
    toc_bottom: int = 6
    slugify: Callable[[str, str], str] = slugify
    separator: str = "-"

    # the settings of the toc extension whose effect render() does not reproduce
    _OTHERS = ("marker", "title", "title_class", "toc_class", "anchorlink", "anchorlink_class", "permalink_leading")

    @classmethod
    def from_toc(cls, settings: dict[str, Any] | None) -> HeadingStyle | None:
        """The style of these ``toc`` settings, or None when they ask for more than this
        module writes (an anchor link, a marker, leading permalinks...)."""
        settings = dict(settings or {})
        if any(settings.get(name) for name in cls._OTHERS if name != "marker") or settings.get("marker", "") not in (
            "",
            "[TOC]",
        ):
            return None
        top, bottom = _depth(settings.get("toc_depth", 6))
        return cls(
            permalink=settings.get("permalink", False),
            permalink_class=settings.get("permalink_class", "headerlink"),
            permalink_title=settings.get("permalink_title", "Permanent link"),
            toc_top=top,
            toc_bottom=bottom,
            slugify=settings.get("slugify", slugify),
            separator=settings.get("separator", "-"),
        )


def _depth(value: Any) -> tuple[int, int]:
    """``toc_depth`` as the toc extension reads it: "2-3" or 3."""
    if isinstance(value, str) and "-" in value:
        top, bottom = (int(x) for x in value.split("-", 1))
        return top, bottom
    return 1, int(value)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: list[dict[str, Any]]  # the toc extension's nested tokens
    anchors: set[str]  # every id on the page, as MkDocs collects them to check links


def render(parts: Iterable[Heading | str], blocks: dict[str, str], style: HeadingStyle) -> RenderedBody:
    """The page's HTML from its parts in order: headings, and block tokens (keys of
    ``blocks``), as Markdown with the toc extension renders them, blocks put back."""
    parts = list(parts)
    anchors: set[str] = {h.anchor for h in parts if isinstance(h, Heading) and h.anchor}
    for token in parts:
        if isinstance(token, str):
            anchors.update(html.unescape(found) for found in _ANCHOR.findall(blocks[token]))
    counters: dict[str, int] = {}
    out: list[str] = []
    tokens: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, str):
            out.append(blocks[part])
            continue
        name = strip_tags(part.text)
        ident = part.anchor or unique(style.slugify(html.unescape(name), style.separator), anchors, counters)
        attributes = f' class="{part.classes}" id="{ident}"' if part.classes else f' id="{ident}"'
        permalink = ""
        if style.permalink not in (False, None):
            symbol = "&para;" if style.permalink is True else html.escape(str(style.permalink), quote=False)
            title = f' title="{html.escape(style.permalink_title)}"' if style.permalink_title else ""
            permalink = f'<a class="{style.permalink_class}" href="#{ident}"{title}>{symbol}</a>'
        out.append(f"<h{part.level}{attributes}>{part.text}{permalink}</h{part.level}>")
        if style.toc_top <= part.level <= style.toc_bottom:
            tokens.append({"level": part.level, "id": ident, "name": name, "html": part.text, "data-toc-label": ""})
    return RenderedBody("\n".join(out), nest_toc_tokens(tokens), anchors)
