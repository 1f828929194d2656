"""Where a generated page comes from: the YAML file a reader proposes a change to.

With ``repo_url`` and ``edit_uri`` set in mkdocs.yml, MkDocs gives every page an
``edit_url`` (``repo_url`` + ``edit_uri`` + the page's path in docs/), which the theme shows
as "Edit this page". A generated page has no file in docs/, so its ``File.edit_uri`` is set
to the path of its YAML source relative to the docs folder (``../runbooks/ID.yaml``):
``edit_uri`` points into docs/, and URL resolution of ``docs/../runbooks/ID.yaml`` lands
on the YAML path from the repository root, wherever the content root is. The page also
says so in words, with a link (``suggest_block``), for readers who never noticed the icon.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from ..model.addresses import CARD, ESCALATION_MAP, INTERNAL, TEAMS
from ..model.kb import KnowledgeBase
from .render import Renderer

CONTRIBUTING = "contributing.md"
ASK_ANCHOR = "ask-for-a-change"


def yaml_source(kb: KnowledgeBase, src_uri: str) -> str | None:
    """The content file (relative to the content root) a generated page is made from."""
    folder, _, name = src_uri.rpartition("/")
    ident = name[: -len(".md")]
    entity = None
    if src_uri == INTERNAL:
        entity = kb.internal
    elif folder == "runbooks":
        entity = kb.runbooks.get(ident)
    elif folder == "marketplaces":
        entity = kb.marketplaces.get(ident)
    elif src_uri == TEAMS:
        entity = next(iter(kb.teams.values()), None)
    elif src_uri in (ESCALATION_MAP, CARD):
        entity = next(iter(kb.routes.values()), None)
    return entity.file if entity is not None else None


def edit_uri(kb: KnowledgeBase, src_uri: str, docs_dir: Path, root: Path) -> str | None:
    """The YAML source of a generated page relative to the docs folder, for ``File.edit_uri``
    (``docs_dir`` and ``root`` resolved)."""
    source = yaml_source(kb, src_uri)
    if source is None:
        return None
    return _relative(str(root), source, str(docs_dir))


# Cached: asked for every generated page at every build of `mkdocs serve`.
@functools.lru_cache(maxsize=1 << 16)
def _relative(root: str, source: str, docs_dir: str) -> str:
    return Path(os.path.relpath(Path(root) / source, docs_dir)).as_posix()


def suggest_block(renderer: Renderer, edit_url: str | None, source: str | None, contributing: str | None) -> str:
    """One paragraph linking the page's YAML source, and the contributing guide's section on
    asking for a change (``contributing``: its relative URL) when given; how it reads is
    ``templates/partials/suggest.html``, in the build's language."""
    if not edit_url or not source:
        return ""
    return renderer.render("partials/suggest.html", edit_url=edit_url, source=source, contributing=contributing)
