"""Templates: how a generated page looks, given what it says (the page model).

Its own Jinja2 environment, not MkDocs' (which runs with autoescape off): autoescape on,
``StrictUndefined`` (a misspelt variable fails the build instead of printing nothing),
and a ``finalize`` that makes every plain string from the content inert in a raw HTML
block (HTML-escaped, braces as references, newlines as ``<br>``; see ``escape``).

Templates live in ``templates/`` beside this module. A site overrides any of them by
putting a file of the same path under ``opskb/`` in its theme's ``custom_dir``
(``overrides/opskb/runbook/do_not.html``): the loader looks there first, the way
mkdocs-material resolves its own partials. The few pieces that go into Markdown rather
than into an HTML block (the inline code and links of the handwritten pages' macros,
``templates/handbook/``) come from the same folders, with ``escape.md`` in place of
``escape.h`` (``environment(markdown=True)``).

A page template writes Markdown headings through ``heading()`` and search sections
without a heading through ``search_section()``; both are framed by markers carrying a
random per-build nonce, so no content can forge one. :func:`split` turns the rendered
text back into the parts ``pages`` assembles: headings (Markdown: table of contents,
anchors, search sections) and HTML blocks (put back after Markdown, never parsed by it).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..model import inline
from . import escape, phrases
from .headings import Heading
from .labels import Labels

TEMPLATES = Path(__file__).parent / "templates"
# The folder of a theme's custom_dir that holds opskb's overrides.
OVERRIDE_FOLDER = "opskb"
# The small pieces every template uses (link, table, code...), as globals.
MACROS = "macros.html"


def template_signature(override_dirs: list[Path]) -> tuple[tuple[str, int], ...]:
    """The override templates a site has, with their modification times."""
    found = []
    for folder in override_dirs:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                found.append((str(path), path.stat().st_mtime_ns))
    return tuple(found)


class TemplateProblem(Exception):
    """A template (most likely a site's override) that does not render: which and why."""


def problem(template: str, error: jinja2.TemplateError) -> TemplateProblem:
    """What a failing template says: its file and line when it does not parse."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return TemplateProblem(f"{error.filename or error.name}:{error.lineno}: {error.message}")
    return TemplateProblem(f"{template} (or a template it includes): {error}")


# A string with none of these needs no escaping at all (most labels, ids, names).
_NEEDS_ESCAPE = re.compile(r"[&<>\"'{}\n\r]|^\s|\s$")


def _finalize(value: Any) -> Any:
    # Plain strings are content: the policy of escape.h, in one place. Markup (from a
    # filter or a nested template) is already safe; other values go to autoescape.
    if type(value) is str:
        return Markup(value if _NEEDS_ESCAPE.search(value) is None else escape.h(value))
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(escape.h(value))
    return value


def _finalize_markdown(value: Any) -> Any:
    # The same policy for a fragment of a handwritten page, which Markdown and the Jinja
    # of mkdocs-macros read as well: plain strings become inert Markdown (escape.md).
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(escape.md(value))
    return value


def override_dirs(custom_dir: str | None) -> list[Path]:
    """``opskb/`` under the theme's custom_dir, when there is one: a team's own versions
    of the packaged templates, looked up first, as Material looks up its partials."""
    if not custom_dir:
        return []
    folder = Path(custom_dir) / OVERRIDE_FOLDER
    return [folder] if folder.is_dir() else []


def environment(override_dirs: list[Path] | None = None, markdown: bool = False) -> jinja2.Environment:
    """The packaged templates behind a team's overrides, autoescaped; ``markdown``: for
    fragments that go into Markdown (escape.md) rather than into a raw HTML block."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(d)) for d in override_dirs or []]
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_finalize_markdown if markdown else _finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        # One environment per build: templates cannot change during it, so no stat()
        # of every included file at every render (a third of the time at 1,000 pages).
        auto_reload=False,
    )


class Renderer:
    """The template environment of one build: overrides, language and part markers."""

    def __init__(self, nonce: str, labels: Labels, override_dirs: list[Path] | None = None) -> None:
        self.nonce = nonce
        # What the templates are: a renderer is reused only while this is unchanged.
        self.signature = template_signature(override_dirs or [])
        self.env = environment(override_dirs)
        self.labels = labels
        self._open = f"\x1eopskb{nonce}"
        self._close = f"\x1eopskb{nonce}e\x1e"
        self._parts = re.compile(re.escape(self._open) + r"([hHs])\x1e(.*?)" + re.escape(self._close), re.S)
        self._shared: dict[tuple[str, str], tuple[dict[str, Any], Markup]] = {}
        self.env.globals.update(
            shared=self.shared,
            t=labels.get,
            tm=self.label_markup,
            heading=self.heading,
            markdown=self.markdown,
            search_section=self.search_section,
        )
        self.env.filters.update(
            # step text, first response, "do not": the safe Markdown subset (opskb.model.inline)
            inline=lambda text: inline.to_html(text, self.phrase),
            pre=lambda text: self.phrase(text, block=True),
            safe_url=escape.safe_url,
            mermaid_label=escape.mermaid_label,
            json_attr=lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":")),
            # content text whose words may be in another language than the page's
            phrase=self.phrase,
        )

    def phrase(self, text: object, block: bool = False) -> Markup:
        """Content text, escaped, each run of words in another language than the page's
        marked with it (``phrases``) by the ``language_span`` macro."""
        runs = phrases.marked(text, self.labels.language, block=block)
        if all(language is None for _, language in runs):
            return Markup("").join(piece for piece, _ in runs)
        span = self.env.globals["language_span"]
        return Markup("").join(piece if language is None else span(piece, language) for piece, language in runs)

    def label_markup(self, key: str, **fields: Any) -> Markup:
        """A label whose fields are markup (a ``code()`` macro's): the label's text and any
        plain field are escaped, Markup fields are kept (markupsafe's ``format``)."""
        return Markup.escape(self.labels.raw(key)).format(**fields)

    def heading(self, level: int, text: str, anchor: str = "", classes: str = "") -> Markup:
        """A heading with an explicit id; its text is inert Markdown (``headings.Heading``)."""
        return Markup(f"{self._open}H\x1e{level}\x1f{escape.md(text)}\x1f{anchor}\x1f{classes}{self._close}")

    def markdown(self, source: str) -> Markup:
        """A line the template passes to Markdown as it is (a heading, a directive)."""
        return Markup(f"{self._open}h\x1e{source}{self._close}")

    def search_section(self, anchor: str, title: str) -> Markup:
        """A search section for an element inside an HTML block (``id=anchor``)."""
        return Markup(f"{self._open}s\x1e{anchor}\x1f{html.escape(title)}{self._close}")

    def shared(self, template: str, key: str, **context: Any) -> Markup:
        """``template`` rendered once for pages that show it alike (the escalation chain of
        a route is the same on each of its runbooks; a runbook's row in every index at the
        same depth). It sees only ``context``, and is rendered again whenever the context
        under ``key`` differs from the one it was rendered with, so it is safe to keep from
        one build to the next (`mkdocs serve` reuses the renderer)."""
        found = self._shared.get((template, key))
        if found is None or found[0] != context:
            found = self._shared[(template, key)] = (context, Markup(self.env.get_template(template).render(**context)))
        return found[1]

    # The macros of macros.html (a team's override of it, if any) are globals of every
    # template: an import in each included one would cost Jinja2 a comparison of every
    # global at each include (a tenth of a runbook page). An override may still import.
    _macros_installed = False

    def _install_macros(self) -> None:
        module = self.env.get_template(MACROS).module
        self.env.globals.update({k: v for k, v in vars(module).items() if isinstance(v, jinja2.runtime.Macro)})
        self._macros_installed = True

    def render(self, template: str, **context: Any) -> str:
        try:
            if not self._macros_installed:
                self._install_macros()
            return self.env.get_template(template).render(**context)
        except jinja2.TemplateError as error:
            raise problem(template, error) from None

    def split(self, rendered: str) -> Iterator[tuple[str, Any]]:
        """("heading", Heading), ("md", line), ("section", (anchor, title)) and ("html",
        block) parts in order."""
        pos = 0
        for match in self._parts.finditer(rendered):
            block = rendered[pos : match.start()].strip()
            if block:
                yield "html", block
            if match.group(1) == "H":
                level, text, anchor, classes = match.group(2).split("\x1f")
                yield "heading", Heading(int(level), text, anchor, classes)
            elif match.group(1) == "h":
                yield "md", match.group(2)
            else:
                anchor, title = match.group(2).split("\x1f", 1)
                yield "section", (anchor, title)
            pos = match.end()
        block = rendered[pos:].strip()
        if block:
            yield "html", block
