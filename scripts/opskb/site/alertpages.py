"""One page per alert name, alerts/NAME.html: what `runbook_url` links to.

The page leads to every runbook that lists the alert, so a link written into a rule file
keeps working when a runbook is renamed, split or merged: only the page's list changes.
It is not a search document: the site's search (shared with `opskb find`) finds the
runbooks themselves by the alert names they list. How it looks is
``templates/alerts/page.html``.
"""

from __future__ import annotations

from ..alertlinks import alert_page_uri
from .pages import GeneratedPage, Site


def alert_page(site: Site, alert: str, runbook_ids: list[str]) -> GeneratedPage:
    """The page of one alert (``Site.plan`` lists one for every alert some runbook lists)."""
    src = alert_page_uri(alert)
    runbooks = [
        {"id": ident, "link": site.runbook_link(src, ident), "severity": site.kb.runbooks[ident].data["severity"]}
        for ident in runbook_ids
    ]
    return site.finish(
        src,
        "alerts/page.html",
        {"title": site.t("alert.title", alert=alert)},
        {"alert": alert, "runbooks": runbooks},
        in_nav=False,
    )
