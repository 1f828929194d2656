"""Escaping for text that comes from YAML and ends up in generated Markdown or HTML.

Every string in the content is data, never markup. Generated pages are Markdown (so that
MkDocs builds the table of contents, checks the links and anchors, and the search plugin
indexes sections), which means a YAML string has to be inert for three readers at once:

* the HTML parser (``<script>``, ``onerror=`` attributes),
* Python-Markdown and pymdownx (links ``[x](javascript:...)``, emphasis, code spans,
  admonitions, attribute lists ``{: onclick=...}``, tables),
* Jinja, should a page ever be rendered by mkdocs-macros (``{{ ... }}``, ``{% ... %}``).

:func:`md` turns every ASCII punctuation character that any of them gives meaning to into
a numeric character reference. Entities are left alone by Markdown, decoded by the
browser (and by the search indexer) back to the original characters, so the reader sees
exactly what the YAML says. Newlines become ``<br>`` so that a string can never start a
Markdown block of its own (a heading, a list, an indented code block).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# Characters with a meaning in HTML, Markdown, pymdownx or Jinja. Letters, digits, space,
# comma, full stop, slash, semicolon and non-ASCII text stay readable in
# the generated source; none of them can open a construct once the others are escaped.
_SPECIAL = "&<>\"'`*_{}[]()#+-!?|~^=:$%@\\"
_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in _SPECIAL}

_NEWLINES = re.compile(r"\s*\n\s*")


def md(text: object) -> str:
    """YAML text as inert inline Markdown/HTML: shown literally, never interpreted."""
    value = str(text).strip()
    value = _NEWLINES.sub("\n", value)
    escaped = value.translate(_TABLE).replace("\n", "<br>")
    # "1. text" at the start of a line would open an ordered list wherever a template puts
    # the string first on a line; a leading digit as a reference cannot.
    if escaped[:1].isdigit():
        escaped = f"&#{ord(escaped[0])};{escaped[1:]}"
    return escaped


def attr(text: object) -> str:
    """A value for a double-quoted HTML attribute (also safe inside Markdown raw HTML)."""
    return md(text).replace("<br>", "&#10;")


def code(text: object) -> str:
    """YAML text shown as inline code (alert names, commands): escaped, in ``<code>``."""
    return f"<code>{md(text)}</code>"


def pre(text: object) -> str:
    """A block of YAML text kept with its line breaks (message templates, queries).

    Markdown leaves raw ``<pre>`` blocks alone, so only HTML escaping is needed, plus the
    Jinja braces in case the page is ever rendered by macros.
    """
    escaped = html.escape(str(text).rstrip("\n"), quote=True)
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


def safe_url(url: object) -> str | None:
    """The URL when it is an http(s), mailto or tel link; None otherwise.

    Browsers ignore control characters and whitespace inside a scheme
    (``java\\tscript:``), so the scheme is read after removing them; anything that is not
    on the allow-list (``javascript:``, ``data:``, ``vbscript:``, relative paths) is
    dropped and the caller shows the text instead.
    """
    text = str(url).strip()
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", text)
    try:
        scheme = urlsplit(squeezed).scheme.lower()
    except ValueError:
        return None
    if scheme not in _SAFE_SCHEMES or squeezed != text:
        return None
    return text


def link(label: object, url: object) -> str:
    """A Markdown-safe HTML link when the URL is safe, otherwise the label as text."""
    safe = safe_url(url)
    if safe is None:
        return md(label)
    return f'<a href="{attr(safe)}">{md(label)}</a>'


_MERMAID_KEEP = re.compile(r"[^\w ./-]+", re.UNICODE)


def mermaid_label(text: object) -> str:
    """A state label for a Mermaid diagram: word characters, space, dot, slash and dash.

    Mermaid parses its own syntax (quotes, colons, ``#entity;`` codes, HTML in labels);
    status codes are API identifiers, so anything else is replaced rather than escaped.
    """
    return _MERMAID_KEEP.sub("_", str(text)).strip() or "_"
