"""Paths of the example tree (tests/fixtures/example) that rule examples edit: a neutral
knowledge base (a job queue, a partner shop), since the examples are the rule reference
every team publishes."""

RUNBOOK = "runbooks/jobs-not-processed.yaml"
TEAMS = "escalation/teams.yaml"
SLA = "escalation/sla.yaml"
ROUTES = "escalation/routes.yaml"
INTERNAL = "status_mappings/internal.yaml"
MARKET = "status_mappings/partner-shop.yaml"

# Alert rule examples (KB403, KB5xx): a rule file beside the example tree, checked with
# --alert-rules; SITE is an mkdocs.yml that gives the site's address for runbook_url links.
ALERT_RULES = "monitoring/rules.yaml"
ALERT_ARGS = ("--alert-rules", ALERT_RULES)
SITE = {"mkdocs.yml": "site_name: Example\nsite_url: https://kb.example.org/\nuse_directory_urls: false\n"}
# The alert the example runbook lists, firing when fewer jobs are processed than queued.
JOBS_ALERT = """groups:
  - name: jobs
    rules:
      - alert: JobsProcessedBelowQueued
        expr: jobs_processed < jobs_queued
        for: 10m
        labels:
          severity: critical
"""
RUNBOOK_URL = "https://kb.example.org/alerts/JobsProcessedBelowQueued.html"


def alert_example(rules: str, expect: str = "", files: dict[str, str] | None = None):
    """An example that checks ``rules`` as the rule file, reported at ``expect`` (line:col)."""
    from ..gate.registry import Example

    where = f"{ALERT_RULES}:{expect}" if expect else ""
    return Example(files={**(files or {}), ALERT_RULES: rules}, args=ALERT_ARGS, expect=where)
