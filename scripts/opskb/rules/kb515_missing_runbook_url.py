from collections.abc import Iterator

from ..alerts.alertlinks import runbooks_by_alert
from ..gate.registry import Finding, Rule
from ..model.alertrules import alerts_of
from ..model.kb import KnowledgeBase
from ..model.problems import WARNING
from ._tree import JOBS_ALERT, RUNBOOK_URL, SITE, alert_example

RULE = Rule(
    code="KB515",
    name="missing-runbook-url",
    level=WARNING,
    summary="An alert a runbook handles has no runbook_url: the notification does not lead L1 to the runbook.",
    message="alert '{alert}' has a runbook but no runbook_url annotation",
    hint="run `opskb alerts annotate --write {file}` (it adds {url})",
    why=(
        "Without runbook_url the notification (Alertmanager, chat, phone) does not lead L1 to the runbook, "
        "who then has to search for it while the alert fires."
    ),
    fix=(
        "Run `opskb alerts annotate --write RULES`: it adds runbook_url, pointing at the alert's page on the "
        "site, to every alert a runbook lists."
    ),
    bad=alert_example(JOBS_ALERT, "4:16", files=SITE),
    good=alert_example(JOBS_ALERT + f"        annotations:\n          runbook_url: {RUNBOOK_URL}\n", files=SITE),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if kb.site is None:
        return  # no site address (mkdocs.yml site_url or --site-url): nothing to link to
    handled = runbooks_by_alert(kb.runbooks)
    for rule_file, alert in alerts_of(kb.alert_rules):
        if alert.name in handled and not alert.url:
            at = (alert.name_node.line, alert.name_node.column)
            params = {"alert": alert.name, "file": rule_file.rel, "url": kb.site.alert_url(alert.name)}
            yield Finding(rule_file, at, params)
