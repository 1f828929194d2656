"""Paths of the example tree (tests/fixtures/minimal) that rule examples edit."""

RUNBOOK = "runbooks/prices-not-applied.yaml"
TEAMS = "escalation/teams.yaml"
SLA = "escalation/sla.yaml"
ROUTES = "escalation/routes.yaml"
INTERNAL = "status_mappings/internal.yaml"
OZON = "status_mappings/ozon.yaml"
