"""Where every page of the site is, and where the site is published.

The one place that knows page addresses: the site writes its pages here, the alert links
(`runbook_url`) point here, the search index and the gate's page-collision rule read them.
It sits in the content model, below all of them, so that none of them depends on another
to know an address.

An alert links to ``alerts/NAME.html``, not to a runbook page: the alert page lists the
runbooks that handle the alert, so a link written into a rule file survives a runbook
being renamed or split (the kube-prometheus model: one runbook URL per alert name).
Alert names are arbitrary strings in Prometheus; the page name keeps letters, digits,
``_`` and ``-`` and writes every other character as ``.`` and its UTF-8 bytes in hex, so
two names never share a page by construction; names that differ only in letter case
would on a case-insensitive disk, and the checker reports them (KB516).

The site's address comes from mkdocs.yml (or ``--site-url``), read as a node tree with
the rule-file reader: mkdocs.yml carries tags no safe loader constructs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .ruleyaml import Node, YamlError, read_stream

HOME = "index.md"
RUNBOOK_INDEX = "runbooks/index.md"
BY_SYSTEM = "browse/systems.md"
BY_MARKETPLACE = "browse/marketplaces.md"
BY_SEVERITY = "browse/severity.md"
BY_TAG = "browse/tags.md"
ESCALATION_MAP = "escalation/index.md"
TEAMS = "escalation/teams.md"
CARD = "escalation/card.md"
MARKETPLACES = "marketplaces/index.md"
INTERNAL = "marketplaces/internal.md"
RULES = "reference/rules.md"
# Every page generated besides one per runbook and marketplace: an id whose page would be
# one of these is refused by `opskb check` (KB331).
FIXED_PAGES = (
    RUNBOOK_INDEX,
    BY_SYSTEM,
    BY_MARKETPLACE,
    BY_SEVERITY,
    BY_TAG,
    ESCALATION_MAP,
    TEAMS,
    CARD,
    MARKETPLACES,
    INTERNAL,
    RULES,
)


def runbook_uri(runbook_id: str) -> str:
    return f"runbooks/{runbook_id}.md"


def marketplace_uri(marketplace_id: str) -> str:
    return f"marketplaces/{marketplace_id}.md"


def page_url(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a page (the rule of ``File.url``), relative to the site root."""
    stem = src_uri[: -len(".md")]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


ALERTS = "alerts"
_KEEP = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# A file name stays well under every file system's 255-byte limit.
_MAX_NAME = 150


def alert_page_name(alert: str) -> str:
    """The page name of an alert: the name itself when it is plain, escaped otherwise."""
    if alert and len(alert) <= _MAX_NAME and _KEEP.issuperset(alert):
        return alert  # most are plain; asked for every alert at every build and check
    return escaped_page_name(alert)


def escaped_page_name(alert: str) -> str:
    """``alert_page_name`` spelled out, character by character."""
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
        return self.url + page_url(src_uri, self.directory_urls)

    def alert_url(self, alert: str) -> str:
        return self.page(alert_page_uri(alert))

    def runbook_url(self, runbook_id: str) -> str:
        return self.page(runbook_uri(runbook_id))

    def links(self, alerts: Iterable[str], runbook_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Every alert and runbook page URL of the site -> ("alert", name) or ("runbook", id)."""
        pages = {self.alert_url(alert): ("alert", alert) for alert in alerts}
        for runbook_id in runbook_ids:
            pages[self.runbook_url(runbook_id)] = ("runbook", runbook_id)
        return pages


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
