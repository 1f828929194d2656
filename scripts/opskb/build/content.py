"""What the adapter adds to a page's HTML: a generated page's blocks back in place of
their placeholders (site/pages.py: only headings go through Markdown) and its "suggest a
change" block; the home page's lead; the untranslated-page note; and in the written
page, the search box in the header (searchbox.py) and the vendored Mermaid, loaded only
on pages that have a diagram, before the theme bundle, so that the theme never fetches
it from its CDN."""

from __future__ import annotations

import logging
import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from ..model.addresses import HOME
from ..site import sources
from .generated import ASSET_DIR
from .prerendered import PreRenderedPage
from .searchbox import with_search_box
from .state import Build

log = logging.getLogger("mkdocs.plugins.opskb")

# Vendored, MIT-licensed (licences beside them), so that nothing is fetched at view time:
# `npm pack mermaid@11.17.2` -> package/dist/mermaid.min.js (mkdocs-material 9.8 expects
# Mermaid 11) and `npm pack iframe-worker@1.0.4` -> package/shim/index.js. To update,
# pack the new version, replace the file and change the name here.
MERMAID = "vendor/mermaid-11.17.2.min.js"
IFRAME_WORKER = "vendor/iframe-worker-1.0.4-shim.js"
# What mkdocs-material's offline plugin adds for search from file://; served locally.
CDN_IFRAME_WORKER = "https://unpkg.com/iframe-worker/shim"

_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')


def page_content(build: Build, html: str, page: Page, files: Files) -> str:
    """A page's HTML once Markdown (or opskb) made it; a pre-rendered page's goes on the
    shelf until its writing (prerendered.py)."""
    if build.macro_errors:  # macros rendered this page's Markdown just before
        raise PluginError("opskb: a macro in docs/ failed:\n" + "\n".join(build.macro_errors))
    assert build.site is not None
    served = build.served.get(page.file.src_uri)
    if served is not None and served.untranslated:  # shown in another language: say so
        html = _after_title(html, build.site.untranslated_note(served.language))
    if page.file.src_uri == HOME and page.file.generated_by is None:
        return _after_title(html, build.home_lead)
    if isinstance(page, PreRenderedPage):
        generated = page.markdown_page  # blocks to put back, when Markdown rendered it
    else:
        generated = build.generated.pop(page.file.src_uri, None)  # its blocks are needed once
        if generated is None or page.file.generated_by is None:
            return html
    log.debug("opskb: rendered %s", page.file.src_uri)
    if generated is not None:
        html = generated.expand(html)
    html += _suggest(build, page, files)
    return page.pack(html) if isinstance(page, PreRenderedPage) else html


def _suggest(build: Build, page: Page, files: Files) -> str:
    """ "Suggest a change" under a generated page: its YAML source (site/sources.py)."""
    assert build.site is not None
    guide = files.get_file_from_path(sources.CONTRIBUTING)
    contributing = get_relative_url(guide.url, page.url) + f"#{sources.ASK_ANCHOR}" if guide else None
    source = sources.yaml_source(build.kb, page.file.src_uri)
    return sources.suggest_block(build.site.renderer, page.edit_url, source, contributing)


def _after_title(html: str, block: str) -> str:
    """``block`` right after the page's first heading (or first, without one)."""
    end = html.find("</h1>")
    if end < 0:
        return block + html
    end += len("</h1>")
    return html[:end] + block + html[end:]


def post_page(build: Build, output: str, page: Page) -> str:
    """The written page with the search box, and Mermaid where it has a diagram."""
    if isinstance(page, PreRenderedPage):
        page.release()
        if page.passed_over:
            return ""  # written already: MkDocs writes nothing for an empty page
    output = with_search_box(output, build.search_box)
    if 'class="mermaid"' not in output:
        return output
    src = get_relative_url(f"{ASSET_DIR}/{MERMAID}", page.url)
    tag = f'<script src="{src}"></script>'
    match = _BUNDLE.search(output)
    if match is None:
        return output.replace("</body>", f"{tag}</body>", 1)
    return output[: match.start()] + tag + output[match.start() :]


def local_polyfill(config: MkDocsConfig) -> None:
    """The vendored iframe-worker in place of the CDN copy that mkdocs-material's offline
    plugin adds (for search from file://)."""
    polyfills = config.extra.get("polyfills")
    if isinstance(polyfills, list):
        config.extra["polyfills"] = [
            f"{ASSET_DIR}/{IFRAME_WORKER}" if url == CDN_IFRAME_WORKER else url for url in polyfills
        ]
