"""Where an alert's `runbook_url` points: one stable page per alert name on the site.

An alert links to ``alerts/NAME.html``, not to a runbook page: the alert page lists the
runbooks that handle the alert, so a link written into a rule file survives a runbook
being renamed or split (the kube-prometheus model: one runbook URL per alert name).

Alert names are arbitrary strings in Prometheus; the page name keeps letters, digits,
``_`` and ``-`` and writes every other character as ``.`` and its UTF-8 bytes in hex, so
two names never share a page by construction; names that differ only in letter case
would on a case-insensitive disk, and the checker reports them (KB516).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .ruleyaml import Node, YamlError, read_stream

ALERTS = "alerts"
_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# A file name stays well under every file system's 255-byte limit.
_MAX_NAME = 150


def alert_page_name(alert: str) -> str:
    """The page name of an alert: the name itself when it is plain, escaped otherwise."""
    name = "".join(c if c in _KEEP else "".join(f".{b:02X}" for b in c.encode("utf-8", "surrogatepass")) for c in alert)
    if not name:
        name = ".empty"
    if len(name) > _MAX_NAME:
        name = name[: _MAX_NAME - 17] + "." + hashlib.sha256(alert.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return name


def alert_page_uri(alert: str) -> str:
    """The docs-relative source path of an alert's page (as MkDocs names pages)."""
    return f"{ALERTS}/{alert_page_name(alert)}.md"


@dataclass(frozen=True)
class SiteAddress:
    """Where the site is published, and how MkDocs spells its page URLs."""

    url: str  # ends with "/"
    directory_urls: bool = False

    def page(self, src_uri: str) -> str:
        from .site.pages import page_url

        return self.url + page_url(src_uri, self.directory_urls)

    def alert_url(self, alert: str) -> str:
        return self.page(alert_page_uri(alert))

    def runbook_url(self, runbook_id: str) -> str:
        from .site.pages import runbook_uri

        return self.page(runbook_uri(runbook_id))

    def links(self, alerts: Iterable[str], runbook_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Every alert and runbook page URL of the site -> ("alert", name) or ("runbook", id)."""
        pages = {self.alert_url(alert): ("alert", alert) for alert in alerts}
        for runbook_id in runbook_ids:
            pages[self.runbook_url(runbook_id)] = ("runbook", runbook_id)
        return pages


def without_fragment(url: str) -> str:
    """The page a URL names: its query and fragment left off."""
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


def site_address(root: Path, site_url: str | None = None) -> SiteAddress | None:
    """The site's address: ``site_url`` given, else mkdocs.yml's; None when neither has one."""
    config = _mkdocs_settings(root / "mkdocs.yml")
    url = site_url or config.get("site_url") or ""
    if not url:
        return None
    # MkDocs's default is directory URLs; the offline plugin turns them off (as this
    # repository's mkdocs.yml does), and without a mkdocs.yml the site is opskb's own.
    setting = config.get("use_directory_urls", "true").lower() not in ("false", "no", "off")
    directory = bool(config) and setting and not config.get("offline")
    return SiteAddress(url if url.endswith("/") else url + "/", directory)


def site_language(root: Path) -> str:
    """The site's language (theme.language of mkdocs.yml; en without one): the language
    the content is written in, which `opskb new` writes its placeholders in."""
    return _mkdocs_settings(root / "mkdocs.yml").get("language") or "en"


def mkdocs_config(path: Path) -> Node | None:
    """mkdocs.yml's top mapping as a node tree; None when the file is missing or not a map.

    Read as a node tree, not loaded: mkdocs.yml carries `!!python/name:` tags that no safe
    loader constructs."""
    if not path.is_file():
        return None
    try:
        stream = read_stream(path)
    except YamlError:
        return None
    config = stream.documents[0] if stream.documents else None
    return config if config is not None and config.kind == "map" else None


def _mkdocs_settings(path: Path) -> dict[str, str]:
    """site_url, use_directory_urls, the theme's language and whether the offline plugin
    is on, from mkdocs.yml.

    """
    config = mkdocs_config(path)
    if config is None:
        return {}
    found: dict[str, str] = {}
    for key in ("site_url", "use_directory_urls"):
        node = config.get(key)
        if node is not None and node.kind == "scalar":
            found[key] = node.text
    theme = config.get("theme")
    language = theme.get("language") if theme is not None and theme.kind == "map" else None
    if language is not None and language.kind == "scalar":
        found["language"] = language.text
    if plugin_settings(config, "offline") is not None:
        found["offline"] = "yes"
    return found


def plugin_settings(config: Node | None, name: str) -> dict[str, object] | None:
    """A plugin's settings from mkdocs.yml's node tree (scalars as text, lists of scalars as
    lists); None when the plugin is not listed."""
    plugins = config.get("plugins") if config is not None else None
    if plugins is None or plugins.kind not in ("seq", "map"):
        return None
    entries = [(k, v) for k, v in plugins.items] if plugins.kind == "map" else []
    for item in plugins.items if plugins.kind == "seq" else []:
        if item.kind == "scalar":
            entries.append((item, None))
        elif item.kind == "map":
            entries.extend(item.items)
    for key, value in entries:
        if key.kind == "scalar" and key.value == name:
            found: dict[str, object] = {}
            for k, v in value.items if value is not None and value.kind == "map" else []:
                found[k.value] = [i.value for i in v.items if i.kind == "scalar"] if v.kind == "seq" else v.value
            return found
    return None


def runbooks_by_alert(runbooks: dict) -> dict[str, list[str]]:
    """Alert name -> the ids of the runbooks that list it, in id order."""
    found: dict[str, list[str]] = {}
    for ident in sorted(runbooks):
        for alert in runbooks[ident].data.get("alerts", []):
            found.setdefault(alert, [])
            if ident not in found[alert]:
                found[alert].append(ident)
    return found
