"""One page per alert name, alerts/NAME.html: what `runbook_url` links to.

The page leads to every runbook that lists the alert, so a link written into a rule file
keeps working when a runbook is renamed, split or merged: only the page's list changes.
It is not a search document: the site's search (shared with `opskb find`) finds the
runbooks themselves by the alert names they list.
"""

from __future__ import annotations

from ..alertlinks import alert_page_uri, runbooks_by_alert
from .escape import code, h, md
from .pages import GeneratedPage, Site, _front_matter, _Section, _ul

ALERT_CLASS = "opskb-alert-page"


def alert_pages(site: Site) -> list[GeneratedPage]:
    """A page for every alert some runbook lists, in name order."""
    return [alert_page(site, alert, ids) for alert, ids in sorted(runbooks_by_alert(site.kb.runbooks).items())]


def alert_page(site: Site, alert: str, runbook_ids: list[str]) -> GeneratedPage:
    src = alert_page_uri(alert)
    runbooks = [site.kb.runbooks[ident] for ident in runbook_ids]
    items = [
        f'{site.runbook_link(src, r.id)} <span class="opskb-sev opskb-sev-{r.data["severity"]}">'
        f"{r.data['severity']}</span> {code(r.id)}"
        for r in runbooks
    ]
    lead = "The runbook for this alert:" if len(runbooks) == 1 else f"{len(runbooks)} runbooks handle this alert:"
    out = [
        _front_matter(f"Alert {alert}"),
        f"# Alert {md(alert)}",
        _Section("runbooks", alert),
        f'<div class="{ALERT_CLASS}"><p>When <code>{h(alert)}</code> fires, follow {lead}</p>'
        f"{_ul(items, 'opskb-alert-runbooks')}"
        "<p>This page is the alert's <code>runbook_url</code> (<code>opskb alerts annotate</code> writes it "
        "into the rule files); it stays put when runbooks are renamed or split.</p></div>",
    ]
    return site.finish(src, out, in_nav=False)
