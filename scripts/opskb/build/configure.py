"""A build's configuration (on_config): the knowledge base checked by the same code as
`opskb check` (any error aborts the build with the checker's ``path:line:col: CODE
message`` lines; warnings are logged at info level, so that --strict does not fail on
them), the theme folders, the site's script and styles, the build's language, and the
marketplace pages in the navigation."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from ..gate.checker import check_tree
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR, CommandError, Problem
from .generated import ASSET_DIR, SITE_PACKAGE
from .languages import set_language
from .nav import extend_nav
from .preview import BuildCache
from .state import Build

log = logging.getLogger("mkdocs.plugins.opskb")

# The theme template of the pre-rendered pages (prerendered.STAMPED_TEMPLATE).
THEME_DIR = SITE_PACKAGE / "theme"


def configure(
    config: MkDocsConfig,
    root: Path,
    cache: BuildCache | None,
    loaded: tuple[KnowledgeBase, list[Problem]] | None,
    languages: list[str],
    language: str | None,
) -> Build:
    """The build of ``config``: its knowledge base (``loaded``: checked already, by the
    first language's build), the theme and the page scripts set up."""
    if cache is not None:
        cache.collector.cancel()
    try:
        kb, problems = loaded if loaded is not None else check_tree(root, cache=cache.loads if cache else None)
    except CommandError as err:  # an unreadable schema: one line, as opskb check says it
        raise PluginError(str(err)) from None
    errors = [p for p in problems if p.level == ERROR]
    for problem in problems:
        if problem.level != ERROR:
            log.info("opskb: %s", problem.as_text())
    if errors:
        lines = "\n".join(p.as_text() for p in errors)
        raise PluginError(f"opskb: the content under {root} has errors:\n{lines}")
    config.theme.dirs.append(str(THEME_DIR))  # last: it only adds the stamped template
    set_language(config, languages, language)
    config.extra_css.append(f"{ASSET_DIR}/opskb.css")
    config.extra_javascript.append(f"{ASSET_DIR}/opskb.js")
    config.extra_javascript.append(f"{ASSET_DIR}/search.js")
    extend_nav(config.nav, kb)
    return Build(kb, problems, root)
