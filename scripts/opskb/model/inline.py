"""The small Markdown subset a runbook's step text, first response and "do not" may use:
inline code, bold and emphasis, and links to http(s) addresses. Nothing else is markup.

Parsed with markdown-it-py (CommonMark's inline grammar, HTML off), then read through an
allow-list of token types: whatever the parser makes that is not on it (an image, a
link to any other scheme, raw HTML, which with HTML off is text anyway) is shown as its
text, escaped. So ``<script>`` is text, ``[x](javascript:...)`` is the text ``x``, and
the gate reports the link (rule KB336) at the field.

The parser here accepts a link to any destination (markdown-it's own ``validateLink``
would silently turn ``[x](javascript:...)`` into text) so that every written link is
seen: the same tokens are rendered, indexed and checked. A destination is allowed when,
after the parser's own decoding (entities, backslash escapes), it is an absolute http or
https URL with nothing before its scheme.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

from .links import is_text_or_link, scheme_of

ALLOWED_SCHEMES = ("http", "https")
# The inline token types that are markup; any other shows as text.
_TAGS = {
    "strong_open": "<strong>",
    "strong_close": "</strong>",
    "em_open": "<em>",
    "em_close": "</em>",
}


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = lambda url: True  # every link is seen, then judged by link_allowed
    return parser


# No inline rule of the CommonMark preset starts at any other character (text runs to the
# next of these), and normalisation changes only \r and NUL: a text without any of them is
# one text token, which the parser takes a millisecond to say (most step text is such).
_MARKUP = frozenset("\n\r\x00\\`*_&<![]")
# Linkify being off, a link is an inline link, whose label's "]" is right before its
# "(", or an autolink: an address with a scheme ("<https://...>") or an e-mail address
# ("<a@b.org>"), with no space, control character, "<" or ">" in it. Parsed alone, a text
# has no reference definitions for a reference link to use. A text with neither has no
# link, whatever else it marks up: most "[" in runbooks are PromQL ranges, and most "<"
# comparisons or placeholders ("sku:<sku>").
_AUTOLINK = re.compile(r"<[^<>\x00-\x20]*[:@][^<>\x00-\x20]*>")


def _tokens(text: str) -> list[Token]:
    text = str(text)
    if _MARKUP.isdisjoint(text):
        return [Token("text", "", 0, content=text)] if text else []
    parsed = _parser().parseInline(text)
    return list(parsed[0].children or []) if parsed else []


def parsed_tokens(text: str) -> list[Token]:
    """``text``'s tokens as the parser makes them, every time (what ``_tokens`` must equal)."""
    parsed = _parser().parseInline(str(text))
    return list(parsed[0].children or []) if parsed else []


def link_allowed(href: str) -> bool:
    """An absolute http(s) URL written plainly: the schemes of the site's allow-list
    (opskb.model.links, which reads a scheme as a browser would) narrowed to web addresses."""
    if scheme_of(href) not in ALLOWED_SCHEMES or not is_text_or_link(href):
        return False
    try:
        return bool(urlsplit(href).netloc)
    except ValueError:
        return False


@dataclass(frozen=True)
class Link:
    text: str
    href: str


def links(text: str) -> list[Link]:
    """Every link written in ``text``, allowed or not, with its plain text."""
    text = str(text)
    if "](" not in text and ("<" not in text or _AUTOLINK.search(text) is None):
        return []
    found: list[Link] = []
    tokens = _tokens(text)
    for index, token in enumerate(tokens):
        if token.type == "link_open":
            found.append(Link(_plain_until_close(tokens, index + 1), str(token.attrGet("href") or "")))
    return found


def bad_links(text: str) -> list[str]:
    """The destinations of links that the site will not make clickable."""
    return [link.href for link in links(text) if not link_allowed(link.href)]


def _plain_until_close(tokens: list[Token], start: int) -> str:
    depth = 1
    words: list[str] = []
    for token in tokens[start:]:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
            if depth == 0:
                break
        words.append(_text_of(token))
    return "".join(words)


def _text_of(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type == "softbreak":
        return " "
    if token.type == "hardbreak":
        return "\n"
    if token.type == "image":
        return "".join(_text_of(child) for child in token.children or [])
    return ""


def plain(text: str) -> str:
    """What the text says without its markup: for search and for places that show text only."""
    return "".join(_text_of(token) for token in _tokens(text))


def _escape(text: str) -> str:
    # the policy of escape.h: HTML-escaped, braces as references in case Jinja reads it
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def to_html(text: object, words: Callable[[str], str] | None = None) -> Markup:
    """``text`` as HTML: the subset rendered, everything else escaped; newlines as <br>.
    ``words`` writes a run of plain text as HTML (the site's: escaped, and a run in the
    other language marked with it); by default it is only escaped."""
    return Markup("".join(_html_parts(_tokens(str(text).strip()), words or _escape)))


def _html_parts(tokens: list[Token], words: Callable[[str], str]) -> Iterator[str]:
    open_links: list[bool] = []  # per open link: was it rendered as <a>?
    for token in tokens:
        kind = token.type
        if kind == "text":
            # the writer may trim its text (the site's does): the spaces around a run stay
            core = token.content.strip()
            lead = token.content[: len(token.content) - len(token.content.lstrip())]
            trail = token.content[len(token.content.rstrip()) :]
            yield f"{_escape(lead)}{words(core) if core else ''}{_escape(trail)}"
        elif kind == "code_inline":
            yield f"<code>{_escape(token.content)}</code>"
        elif kind in ("softbreak", "hardbreak"):
            yield "<br>"
        elif kind in _TAGS:
            yield _TAGS[kind]
        elif kind == "link_open":
            href = str(token.attrGet("href") or "")
            # no link inside a link (CommonMark forbids it; an autolink in a label is text)
            allowed = link_allowed(href) and not any(open_links)
            open_links.append(allowed)
            if allowed:
                yield f'<a href="{_escape(href)}" rel="noopener noreferrer">'
        elif kind == "link_close":
            if open_links and open_links.pop():
                yield "</a>"
        else:
            yield _escape(_text_of(token) or token.content or token.markup)
