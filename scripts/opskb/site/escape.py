"""Escaping for text that comes from YAML and ends up in generated Markdown or HTML.

Every string in the content is data, never markup. Generated pages are Markdown files
whose headings are Markdown (so MkDocs builds the table of contents and the search plugin
indexes sections) and whose bodies are raw HTML blocks, which Python-Markdown passes
through without interpreting Markdown inside them (and without the per-character inline
processing that made large sites slow). So a YAML string meets two kinds of reader:

* in a raw HTML block (:func:`h`, :func:`pre`): the HTML parser only, so HTML escaping is
  enough; braces become references as well, in case a page ever reaches Jinja;
* in a Markdown heading or the front matter title (:func:`md`, :func:`attr`): the HTML
  parser, Python-Markdown and pymdownx (links ``[x](javascript:...)``, emphasis, code
  spans, attribute lists ``{: onclick=...}``) and Jinja (``{{ ... }}``). Every ASCII
  punctuation character any of them gives meaning to becomes a numeric character
  reference, which Markdown leaves alone and the browser (and the search indexer)
  decodes back, so the reader sees exactly what the YAML says.

A page title meets a third reader, the theme's templates, which print it without
autoescape in the navigation, the footer and the tabs, and with ``| e`` in the footer's
labels: :func:`page_title` escapes it once and marks it as markup, so both print the text.

Newlines become ``<br>`` so that a string can never start a Markdown block of its own
(a heading, a list, a fenced or indented code block). Markup itself (code, links) is
written by templates (``templates/``), never here: this module only escapes text.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from markupsafe import Markup

from ..model.links import SCHEMES

# Characters with a meaning in HTML, Markdown, pymdownx or Jinja. Letters, digits, space,
# comma, full stop, slash, semicolon and non-ASCII text stay readable in
# the generated source; none of them can open a construct once the others are escaped.
_SPECIAL = "&<>\"'`*_{}[]()#+-!?|~^=:$%@\\"
_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in _SPECIAL}

# pre(): also the characters that open a fence or a macro, as character references
_FENCE_TABLE = {ord(ch): f"&#{ord(ch)};" for ch in "{}`~"}
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


def h(text: object) -> str:
    """YAML text inside a raw HTML block: HTML-escaped, braces neutralized, one line."""
    return h_part(trimmed(text))


def trimmed(text: object) -> str:
    """The text :func:`h` escapes: stripped, each line break with its spaces one newline."""
    return _NEWLINES.sub("\n", str(text).strip())


def h_part(value: str) -> str:
    """A piece of :func:`trimmed` text, escaped as :func:`h` escapes the whole."""
    escaped = html.escape(value, quote=True).replace("{", "&#123;").replace("}", "&#125;")
    return escaped.replace("\n", "<br>")


def attr(text: object) -> str:
    """A value for a double-quoted HTML attribute (also safe inside Markdown raw HTML)."""
    return md(text).replace("<br>", "&#10;")


def page_title(text: object) -> Markup:
    """A page title for the navigation, the footer and the tabs: escaped once, and marked
    as markup so the theme's ``| e`` (footer labels) does not escape it a second time.

    Material prints ``nav_item.title`` and ``page.next_page.title`` as they are (its
    templates run without autoescape), so a title from YAML must arrive escaped.
    """
    return Markup(attr(text))


def pre(text: object) -> str:
    """A block of YAML text kept with its line breaks (message templates, examples).

    HTML-escaped; braces, backticks and tildes become references too, because the
    fence preprocessor reads every line of the page, raw HTML included, and a template
    line starting with three backticks would otherwise open a code block.
    """
    return pre_part(str(text).rstrip("\n"))


def pre_part(value: str) -> str:
    """A piece of a block's text, escaped as :func:`pre` escapes the whole."""
    return html.escape(value, quote=True).translate(_FENCE_TABLE)


_SAFE_SCHEMES = frozenset(SCHEMES)  # the one allow-list (opskb.model.links), as the gate has it


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


_MERMAID_KEEP = re.compile(r"[^\w ./-]+", re.UNICODE)


def mermaid_label(text: object) -> str:
    """A state label for a Mermaid diagram: word characters, space, dot, slash and dash.

    Mermaid parses its own syntax (quotes, colons, ``#entity;`` codes, HTML in labels);
    status codes are API identifiers, so anything else is replaced rather than escaped.
    """
    return _MERMAID_KEEP.sub("_", str(text)).strip() or "_"
