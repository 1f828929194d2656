"""One theme render for many pages: a page shell with slots, filled page by page.

Thousands of runbook and alert pages differ, once the theme has wrapped them, in a few
places only: the title, the body, the table of contents, the edit link, the page's own
URL. The ``Stamper`` renders the theme once for a group of such pages with a sentinel in
each of those places, checks that filling the shell gives, for a real page of the group,
exactly what the theme renders for it, and then fills the shell for the rest
(``Shell.fill``: joining strings, no template run). Anything the check cannot vouch for
is rendered by the theme as before. Only pre-rendered pages (prerendered.py) are stamped.

INVARIANT: a stamped page is byte-identical to the page MkDocs' own loop renders with
the theme (``stamp: false``). Held by
tests/test_site_stamp.py::test_a_stamped_site_is_the_site_the_theme_renders (the
repository's content and a payload in every free-text field, with a team override).
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import posixpath
import re
from collections.abc import Iterator, Mapping
from types import SimpleNamespace
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .prerendered import PreRenderedPage

log = logging.getLogger("mkdocs.plugins.opskb")


class Shell:
    """A rendered page cut at its sentinels: literal text and named slots, in order."""

    def __init__(self, pieces: list[str], slots: list[str]) -> None:
        # pieces[0] slot[0] pieces[1] slot[1] ... pieces[-1]
        self.pieces = pieces
        self.slots = slots

    @classmethod
    def cut(cls, rendered: str, sentinels: Mapping[str, str]) -> Shell:
        """``rendered`` with every occurrence of every sentinel (slot name -> unique text)
        turned into a slot."""
        by_text = {text: name for name, text in sentinels.items()}
        pattern = re.compile("|".join(re.escape(text) for text in sorted(by_text, key=len, reverse=True)))
        pieces, slots, pos = [], [], 0
        for match in pattern.finditer(rendered):
            pieces.append(rendered[pos : match.start()])
            slots.append(by_text[match.group(0)])
            pos = match.end()
        pieces.append(rendered[pos:])
        return cls(pieces, slots)

    def fill(self, values: Mapping[str, str]) -> str:
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(values[slot])
            out.append(piece)
        return "".join(out)


class Stamper:
    """The theme's page for every PreRenderedPage, rendered once per group of pages the theme
    wraps alike and filled for each (``Shell``). A group's shell is rendered from a copy
    of its first page with a sentinel in each place that differs between pages (title,
    body, table of contents, edit link, URL); it is used only if filling it for that real
    page gives exactly what the theme renders for it, and for any page only if the rest of
    the page's context is the same as the group's. Otherwise the theme renders the page."""

    def __init__(self, env: Any, nonce: str) -> None:
        self.env = env
        self.mark = f"opskb{nonce}"
        self.shells: dict[tuple[Any, ...], tuple[Shell, dict[str, Any]] | None] = {}
        self.toc_shells: dict[tuple[Any, ...], Shell | None] = {}
        self.partials: dict[str, Any] = {}
        self.stamped = 0
        self.rendered = 0

    def render(self, context: dict[str, Any], page: PreRenderedPage, stamp: bool = True) -> str:
        template = self.env.get_template(page.theme_template)
        if not stamp:
            self.rendered += 1
            return template.render(context)
        key = self._group(context, page)
        if key not in self.shells:
            self.shells[key] = self._shell(template, context, page)
        found = self.shells[key]
        if found is not None:
            shell, lang = found
            output = shell.fill(self._values(context, page, lang))
            if self.mark not in output:  # no sentinel the theme changed is left over
                self.stamped += 1
                return output
        self.rendered += 1
        return template.render(context)

    def _group(self, context: dict[str, Any], page: PreRenderedPage) -> tuple[Any, ...]:
        meta = {k: v for k, v in page.meta.items() if k not in ("title", "kb_tags")}
        toc = list(page.toc)
        others = []
        for name, value in sorted(context.items()):
            # The page and its tags are what the sentinels stand for; MkDocs' build time is a
            # new value for every page, which the theme does not print (a template that did
            # would show the group's first value).
            if name in ("page", "build_date_utc") or (name == "tags" and self._partial("tags") is not None):
                continue
            others.append((name, _frozen(value)))
        return (
            page.theme_template,
            posixpath.dirname(page.url),
            json.dumps(meta, sort_keys=True, default=str),
            bool(toc),
            bool(toc) and toc[0].level == 1,
            page.edit_url is None,
            page.canonical_url is None,
            "<h1" in (page.content or ""),
            tuple(others),
        )

    def _sentinel_page(self, page: PreRenderedPage) -> Page:
        mark = self.mark
        sentinel = copy.copy(page)
        sentinel.file = copy.copy(page.file)
        sentinel.file.url = posixpath.join(posixpath.dirname(page.url), f"{mark}u.html")
        # A title with markup and an entity: a place where the theme escapes or strips it
        # leaves a broken sentinel behind, and the page is rendered, not stamped.
        sentinel.meta = {**page.meta, "title": f"{mark}t&amp;<b>{mark}</b>"}
        sentinel.content = f'<h1 id="{mark}h">{mark}c</h1>'
        sentinel.toc = get_toc([{"level": 1, "id": f"{mark}k", "name": "x", "html": "x", "children": []}])
        sentinel.edit_url = None if page.edit_url is None else f"https://{mark}e.invalid/edit"
        if page.canonical_url is not None:
            sentinel.canonical_url = f"https://{mark}c.invalid/{mark}u.html"
            sentinel.abs_url = f"/{mark}a/{mark}u.html"
        return sentinel

    def _shell(self, template: Any, context: dict[str, Any], page: PreRenderedPage) -> tuple[Shell, dict] | None:
        mark, sentinel = self.mark, self._sentinel_page(page)
        # One tag with sentinel text: a theme that prints tags anywhere but through its tags
        # partial leaves the sentinel in the shell, and no page is filled from it.
        tags = [SimpleNamespace(name=f"{mark}g", url=f"{mark}g.html", hidden=False)]
        lang_context = {**context, "page": sentinel, "tags": tags}
        lang = {"lang": self.env.get_template("partials/language.html").make_module(lang_context)}
        features = {"features": context["config"].theme.get("features") or []}
        sentinels = {
            "title": sentinel.meta["title"],
            "content": sentinel.content,
            "skip": f"{mark}k",
            "url": f"{mark}u.html",
        }
        full = {**lang_context, **lang, **features}
        for slot in ("toc", "tags"):
            part = self._render_partial(slot, full)
            if part:
                sentinels[slot] = part
        if sentinel.edit_url:
            sentinels["edit"] = sentinel.edit_url
        if sentinel.canonical_url:
            sentinels["canonical"] = sentinel.canonical_url
            sentinels["abs_url"] = sentinel.abs_url or ""
        shell = Shell.cut(template.render(lang_context), sentinels)
        found = (shell, {**lang, **features})
        # The shell must give what the theme gives, for this page at least.
        if shell.fill(self._values(context, page, found[1])) != template.render(context):
            log.debug("opskb: the theme's page for %s is rendered for each page", page.file.src_uri)
            return None
        return found

    def _partial(self, name: str) -> Any:
        if name not in self.partials:  # one stamper per build: the theme does not change
            try:
                self.partials[name] = self.env.get_template(f"partials/{name}.html")
            except jinja2.TemplateNotFound:  # a theme without it: the page has no such slot
                self.partials[name] = None
        return self.partials[name]

    def _render_partial(self, name: str, context: dict[str, Any]) -> str | None:
        template = self._partial(name)
        return None if template is None else template.render(context)

    def _page_toc(self, context: dict[str, Any], page: PreRenderedPage) -> str | None:
        """The theme's table of contents of ``page`` (``context``: the group's, ``lang``
        included): a shell per shape of table (the nesting of its items) filled with the
        page's titles and anchors, vouched for by the first page of that shape as the page
        shells are; else the partial's render."""
        key = (id(context["lang"]), _toc_shape(page.toc))
        if key not in self.toc_shells:
            self.toc_shells[key] = self._toc_shell(context, page)
        shell = self.toc_shells[key]
        if shell is not None:
            output = shell.fill(_toc_values(page.toc))
            if self.mark not in output:
                return output
        return self._render_partial("toc", context)

    def _toc_shell(self, context: dict[str, Any], page: PreRenderedPage) -> Shell | None:
        sentinel = copy.copy(page)
        sentinel.toc = get_toc(_sentinel_tokens(page.toc, self.mark))
        rendered = self._render_partial("toc", {**context, "page": sentinel})
        if rendered is None:
            return None
        shell = Shell.cut(rendered, _toc_values(sentinel.toc))
        if shell.fill(_toc_values(page.toc)) != self._render_partial("toc", context):
            return None
        return shell

    def _values(self, context: dict[str, Any], page: PreRenderedPage, extra: dict[str, Any]) -> dict[str, str]:
        full = {**context, **extra}
        toc = self._page_toc(full, page)
        return {
            "title": str(page.meta["title"]),
            "content": page.content or "",
            "skip": next(iter(page.toc)).id if page.toc else "",
            "url": posixpath.basename(page.url),
            "toc": toc or "",
            "tags": self._render_partial("tags", full) or "",
            "edit": page.edit_url or "",
            "canonical": page.canonical_url or "",
            "abs_url": page.abs_url or "",
        }


def _toc_items(toc: Any) -> Iterator[Any]:
    """A table of contents' items, depth first: the order its shell's slots are numbered in."""
    for item in toc:
        yield item
        yield from _toc_items(item.children)


def _toc_shape(toc: Any) -> tuple[Any, ...]:
    return tuple((item.level, _toc_shape(item.children)) for item in toc)


def _sentinel_tokens(toc: Any, mark: str) -> list[dict[str, Any]]:
    """Tokens of a table of the same shape whose every title and anchor is a sentinel. A
    title holds markup, so that the theme's plain-text form of it (an item's aria-label,
    ``striptags | e``) differs from the title and is a slot of its own."""
    numbers = itertools.count()  # depth first, as _toc_items numbers the slots

    def tokens(items: Any) -> list[dict[str, Any]]:
        found = []
        for item in items:
            n = next(numbers)
            title = f"{mark}T{n}x<b>{mark}</b>"
            below = tokens(item.children)
            found.append({"level": item.level, "id": f"{mark}U{n}x", "name": title, "html": title, "children": below})
        return found

    return tokens(toc)


def _toc_values(toc: Any) -> dict[str, str]:
    """Slot name -> text for each item: its title as HTML, its URL and, as Jinja2's
    ``striptags | e`` prints it, its title as text."""
    values = {}
    for n, item in enumerate(_toc_items(toc)):
        values[f"t{n}"] = item.title
        values[f"u{n}"] = item.url
        if item.children:  # only an item with children has an aria-label
            values[f"a{n}"] = str(escape(Markup(item.title).striptags()))
    return values


def _frozen(value: Any) -> Any:
    """A context value as a key: equal values of plain data are equal keys; a list of
    documentation files (the ``pages`` of every context) counts by its length; any other
    object by its identity (the same navigation, the same config)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], File):  # thousands of them: not item by item
            return ("files", len(value))
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return ("object", id(value))
