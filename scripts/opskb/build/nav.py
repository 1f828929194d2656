"""The navigation setting and the knowledge base: every marketplace page added to the nav
section that lists the marketplace index, and the pages the setting names."""

from __future__ import annotations

from typing import Any

from ..model.addresses import MARKETPLACES, marketplace_uri
from ..model.kb import KnowledgeBase, markets_in_order
from ..site.escape import page_title


def extend_nav(nav: list[Any] | None, kb: KnowledgeBase) -> None:
    """Append every marketplace page to the nav section that lists the marketplace index."""
    if not nav:
        return
    # A nav title is the page's title everywhere the theme shows it (the navigation, the
    # footer, the tabs), printed unescaped: it arrives escaped, like the front matter's.
    pages = [{page_title(m.data["name"]): marketplace_uri(m.id)} for m in markets_in_order(kb)]

    def visit(items: list[Any]) -> bool:
        for item in items:
            children = _target(item)
            if isinstance(children, list):
                if any(_target(child) == MARKETPLACES for child in children):
                    children.extend(pages)
                    return True
                if visit(children):
                    return True
        return False

    visit(nav)


def nav_uris(items: list[Any]) -> set[str]:
    """Every page path the ``nav`` setting names (titles aside, sections walked)."""
    found: set[str] = set()
    for item in items:
        target = _target(item)
        if isinstance(target, list):
            found |= nav_uris(target)
        elif isinstance(target, str):
            found.add(target)
    return found


def _target(item: Any) -> Any:
    if isinstance(item, dict):
        return next(iter(item.values()))
    return item
