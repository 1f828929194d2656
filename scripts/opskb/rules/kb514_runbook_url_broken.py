from collections.abc import Iterator

from ..alerts.alertlinks import runbooks_by_alert, without_fragment
from ..gate.registry import Finding, Rule
from ..model.alertrules import alerts_of
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import JOBS_ALERT, RUNBOOK_URL, SITE, alert_example

_ANNOTATED = JOBS_ALERT + f"        annotations:\n          runbook_url: {RUNBOOK_URL}\n"

RULE = Rule(
    code="KB514",
    name="runbook-url-broken",
    level=ERROR,
    summary=(
        "An alert's runbook_url leads into the site but to no page, or to a runbook that does not handle the alert."
    ),
    message="runbook_url of '{alert}' {problem}",
    hint="run `opskb alerts annotate --write` to point it at {expected}",
    why=(
        "The alert's notification links to a page that does not exist, or to a runbook that does not handle "
        "the alert: L1 follows it during the incident and reads the wrong instructions."
    ),
    fix=(
        "Run `opskb alerts annotate --write RULES` to point every runbook_url at its alert's page, and list "
        "the alert in alerts: of the runbook that handles it."
    ),
    bad=alert_example(_ANNOTATED.replace("alerts/JobsProcessedBelowQueued", "alerts/JobsLate"), "10:24", files=SITE),
    good=alert_example(_ANNOTATED, files=SITE),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    if kb.site is None:
        return
    by_alert = runbooks_by_alert(kb.runbooks)
    pages = kb.site.links(by_alert, kb.runbooks)
    for rule_file, alert in alerts_of(kb.alert_rules):
        url = alert.url
        if alert.runbook_url is None or not url or not url.startswith(kb.site.url):
            continue  # no link, or a link elsewhere (a wiki): not ours to judge
        handlers = by_alert.get(alert.name, [])
        problem = _problem(pages.get(without_fragment(url)), alert.name, handlers)
        if problem:
            expected = kb.site.alert_url(alert.name) if handlers else "its runbook (list the alert in one first)"
            at = (alert.runbook_url.line, alert.runbook_url.column)
            yield Finding(rule_file, at, {"alert": alert.name, "problem": problem, "expected": expected})


def _problem(page: tuple[str, str] | None, alert: str, handlers: list[str]) -> str:
    if page is None:
        return "names no page of the site"
    kind, name = page
    if kind == "alert" and name == alert and handlers:
        return ""
    if kind == "alert":
        return f"leads to the page of alert '{name}'"
    if name in handlers:
        return ""
    listed = ", ".join(handlers) or "no runbook"
    return f"leads to runbook {name}, which does not list it (listed by: {listed})"
