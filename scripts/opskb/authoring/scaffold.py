"""Templates for `opskb new`: commented, schema-valid files that pass `opskb check`.

A new runbook borrows real ids from the knowledge base it is added to (a route, its owner
team and a system that team owns), so it checks clean the moment it is written; the
TODO texts are what the author fills in. The escalation and status-model files are for
starting a knowledge base from nothing and are consistent with each other.

A team or a route is one entry of a file that already exists: `entry` makes its text, and
`append_entry` adds it at the end of the file's list as written, so every comment and
every other entry stays byte for byte what it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..model.durations import today as _today

KINDS = ("runbook", "marketplace", "team", "route", "teams", "sla", "routes", "internal")
NEEDS_ID = ("runbook", "marketplace", "team", "route")
# One entry added to an existing file: (the file, the top-level list it goes in).
ENTRIES = {"team": ("escalation/teams.yaml", "teams"), "route": ("escalation/routes.yaml", "routes")}
LINES = ("L1", "L2", "L3")


class ScaffoldError(ValueError):
    """The file cannot be made (bad id, missing references); the message says what to do."""


@dataclass(frozen=True)
class Scaffold:
    path: Path  # relative to the content root
    text: str
    # For an entry: the top-level list it joins; the text is then the entry alone.
    list_key: str | None = None


def make(
    kind: str,
    ident: str | None,
    kb: Any,
    *,
    title: str | None = None,
    route: str | None = None,
    line: str | None = None,
    sla: str | None = None,
    owner: str | None = None,
    language: str = "en",
) -> Scaffold:
    """The file for ``kind`` (with ``ident`` for a runbook or marketplace), or the entry for
    a team or route (``list_key`` set: add it to the existing file with `append_entry`).
    Defaults come from the knowledge base itself: its time zone (``home_timezone``) and
    ``language``, the site's (a second symptom line in Russian for a Russian site)."""
    today = _today()
    if kind in NEEDS_ID:
        if not ident:
            raise ScaffoldError(f"`new {kind}` needs an id, e.g. opskb new {kind} my-{kind}")
        _check_id(ident)
    if kind == "runbook":
        return Scaffold(Path("runbooks") / f"{ident}.yaml", _runbook(ident, kb, title, route, today, language))
    if kind == "marketplace":
        return Scaffold(Path("status_mappings") / f"{ident}.yaml", _marketplace(ident, kb, title, today))
    if kind in ENTRIES:
        assert ident is not None
        path, key = ENTRIES[kind]
        known = kb.teams if kind == "team" else kb.routes
        if ident in known:
            raise ScaffoldError(f"{path} already has a {kind} {ident!r}")
        text = _team(ident, title, line, kb) if kind == "team" else _route(ident, kb, title, sla, owner)
        return Scaffold(Path(path), text, list_key=key)
    if kind in ("teams", "sla", "routes"):
        return Scaffold(Path("escalation") / f"{kind}.yaml", _FILES[kind].format(timezone=home_timezone(kb)))
    if kind == "internal":
        return Scaffold(Path("status_mappings") / "internal.yaml", _FILES[kind])
    raise ScaffoldError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")


def _check_id(ident: str) -> None:
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", ident):
        raise ScaffoldError(f"id {ident!r}: use lower-case letters, digits and dashes (e.g. prices-not-applied)")


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def home_timezone(kb: Any) -> str:
    """The knowledge base's own time zone: its first working-hours calendar's, else its
    first team's, else UTC (what `opskb init --timezone` wrote, or what the team keeps)."""
    for calendar in kb.calendars.values():
        return str(calendar.data["timezone"])
    for team in kb.teams.values():
        return str(team.data["hours"]["timezone"])
    return "UTC"


# The second symptom placeholder: a Russian site's L1 searches in both languages.
_SECOND_SYMPTOM = {
    "en": "TODO: the same in the words of the people who report it",
    "ru": "TODO: то же самое по-русски",
}


# Only for a knowledge base that keeps status mappings.
_MARKETPLACES = """\
# Marketplace ids from status_mappings/ this applies to, or all. Uncomment when it applies.
# marketplaces: all
"""


def _runbook(ident: str, kb: Any, title: str | None, route_id: str | None, today: date, language: str) -> str:
    if not kb.routes:
        raise ScaffoldError("no escalation routes yet: create them first (opskb new teams, sla, routes)")
    if route_id is None:
        route_id = sorted(kb.routes)[0]
    if route_id not in kb.routes:
        raise ScaffoldError(f"no route {route_id!r}; routes: {', '.join(sorted(kb.routes))}")
    hops = kb.routes[route_id].data["hops"]
    owner = next((h["team"] for h in hops if h["line"] == "L2"), hops[0]["team"])
    owned = kb.teams[owner].data.get("owns", []) if owner in kb.teams else []
    system = owned[0] if owned else next(iter(sorted(kb.system_owners())), None)
    if system is None:
        raise ScaffoldError("no team owns a system yet: add owns: [...] to a team in escalation/teams.yaml")
    title = title or ident.replace("-", " ").capitalize()
    return _RUNBOOK.format(
        id=ident,
        title=_q(title),
        system=system,
        route=route_id,
        owner=owner,
        today=today.isoformat(),
        second_symptom=_q(_SECOND_SYMPTOM.get(language, _SECOND_SYMPTOM["en"])),
        marketplaces=_MARKETPLACES if kb.has_status_mappings else "",
    )


def _marketplace(ident: str, kb: Any, name: str | None, today: date) -> str:
    internal = kb.internal.data if kb.internal else None
    if internal is None:
        raise ScaffoldError("no internal status model yet: create it first (opskb new internal)")
    statuses = {s["id"]: s for s in internal["statuses"]}
    final = [s["id"] for s in internal["statuses"] if s.get("terminal")]
    cancelled = next((s for s in final if "cancel" in s), final[0] if final else None)
    if cancelled is None:
        raise ScaffoldError("the internal model has no terminal status to map a cancellation to")
    first = internal["initial"] if internal["initial"] in statuses else next(iter(statuses))
    return _MARKETPLACE.format(
        id=ident,
        name=_q(name or ident.replace("-", " ").title()),
        initial=first,
        cancelled=cancelled,
        today=today.isoformat(),
    )


def _team(ident: str, name: str | None, line: str | None, kb: Any) -> str:
    line = line or "L2"
    if line not in LINES:
        raise ScaffoldError(f"line {line!r}: one of {', '.join(LINES)}")
    name = _q(name or ident.replace("-", " ").capitalize())
    return _TEAM.format(id=ident, name=name, line=line, timezone=home_timezone(kb))


def _route(ident: str, kb: Any, name: str | None, sla: str | None, owner: str | None) -> str:
    if not kb.sla_policies:
        raise ScaffoldError("no SLA policies yet: create them first (opskb new sla)")
    sla = sla or sorted(kb.sla_policies)[0]
    if sla not in kb.sla_policies:
        raise ScaffoldError(f"no SLA policy {sla!r}; policies: {', '.join(sorted(kb.sla_policies))}")
    by_line = {line: sorted(t.id for t in kb.teams.values() if t.data["line"] == line) for line in LINES}
    if not by_line["L1"]:
        raise ScaffoldError("no L1 team in escalation/teams.yaml: a route starts with L1")
    if owner is None:
        if not by_line["L2"]:
            raise ScaffoldError("no L2 team in escalation/teams.yaml: add one (opskb new team ID) or pass --owner")
        owner = by_line["L2"][0]
    if owner not in kb.teams:
        raise ScaffoldError(f"no team {owner!r} in escalation/teams.yaml")
    owner_line = kb.teams[owner].data["line"]
    if owner_line == "L1":
        raise ScaffoldError(f"team {owner!r} is L1; the owner a route escalates to is an L2 or L3 team")
    return _ROUTE.format(
        id=ident,
        name=_q(name or ident.replace("-", " ").capitalize()),
        sla=sla,
        first=by_line["L1"][0],
        owner=owner,
        owner_line=owner_line,
        # at the latest when the policy says resolve or escalate: KB304 allows no later
        after=kb.sla_policies[sla].data["resolve_within"],
    )


@dataclass(frozen=True)
class Appended:
    text: str  # the whole file with the entry added
    first_line: int  # 1-based line where the entry starts


def append_entry(document: Any, key: str, entry: str) -> Appended:
    """``entry`` (a list item written at indent 0) added after the last item of the
    block-style list ``key``, which must be the file's last top-level key, indented as its
    first item is. Refuses (ScaffoldError) when the file cannot take it as written."""
    text, data = document.text, document.data
    if text is None or not isinstance(data, dict):
        raise ScaffoldError(f"{document.rel} does not load; fix it first (opskb check)")
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ScaffoldError(f"{document.rel} has no entries under {key}:; add the first one by hand")
    if list(data)[-1] != key:
        raise ScaffoldError(f"{document.rel}: {key}: is not the last key of the file; add the entry by hand")
    first_item = text.splitlines()[document.locate((key, 0))[0] - 1]
    indent = first_item[: len(first_item) - len(first_item.lstrip())]
    if not first_item.lstrip().startswith("- "):
        raise ScaffoldError(f"{document.rel}: {key}: is not a block list (one `- ` item per entry); add it by hand")
    newline = "\r\n" if "\r\n" in text else "\n"  # the file's own: CRLF stays CRLF
    body = text.rstrip("\r\n")
    block = newline.join(indent + row if row else row for row in entry.rstrip("\n").split("\n"))
    start = body.count("\n") + 3  # after the last line and one blank line
    return Appended(f"{body}{newline}{newline}{block}{newline}", start)


_TEAM = """\
# Team {id}: fill in the TODOs. Schema: teams.schema.json (`opskb schemas export DIR`).
- id: {id}
  name: {name}
  line: {line}
  role: "TODO: what this team does in support, in one sentence"
  # Ids of the systems this team owns; runbooks name them under systems:.
  owns: []
  contacts:
    chat: "#{id}"
    email: {id}@example.org
  hours:
    schedule: working_hours
    timezone: {timezone}
    start: "09:00"
    end: "18:00"
"""

_ROUTE = """\
# Route {id}: the chain for one family of incidents. `after` counts on the SLA clock.
- id: {id}
  name: {name}
  sla: {sla}
  hops:
    - line: L1
      team: {first}
    - line: {owner_line}
      team: {owner}
      after: {after}
      when: "TODO: when L1 hands over earlier than that"
"""

_RUNBOOK = """\
# Runbook: one typical incident and the agreed response to it.
# The file name is the id. Schema: runbook.schema.json (`opskb schemas export DIR`).
# Fill in every TODO, then run `opskb check` (and `opskb find` with the words L1 would type).
id: {id}
# Short title in the words of the incident, as L1 would say it.
title: {title}
# ITSM ticket type: incident, service_request, problem or change.
kind: incident
# critical, high, medium or low. A critical runbook needs do_not and an L2 owner on its route.
severity: medium
# Systems involved; each must be owned by a team (owns: in escalation/teams.yaml).
systems: [{system}]
{marketplaces}# Monitoring alert names that open this runbook, exactly as the alert is named.
alerts: []
# What L1 sees, in the words they would search for.
symptoms:
  - "TODO: what L1 sees on the dashboard or hears from the business"
  - {second_symptom}
# What it costs: money, customers, orders.
impact: "TODO: what an hour of this costs"
# Escalation route id (escalation/routes.yaml): decides whom to call and the SLA clock.
route: {route}
# What L1 does in the first minutes, before the numbered steps.
first_response:
  - "TODO: the first thing to look at"
# The response algorithm, in order. A step that changes a system (restart, resend, edit
# data) says changes_system: true; `opskb run` never performs it.
steps:
  - id: diagnose
    title: "TODO: what this step establishes"
    do: "TODO: what to do, naming the tool to look in"
    tool: "TODO: Grafana, Kibana, Redash..."
    # check: the id of a check below that verifies this step
  - id: hand-over
    title: Hand over to the owner
    do: "TODO: what to send the owner (ticket queue, chat), with the evidence gathered"
    line: L2
# Executable diagnostics for `opskb run {id}`: http, sql (one SELECT) or prometheus.
# Sources are named here and configured outside the content (OPSKB_SOURCE_<NAME> or
# opskb.local.yaml). Example:
#   - id: feed-lag
#     title: The feed is less than 5 minutes behind
#     type: prometheus
#     source: prometheus
#     query: max(feed_lag_seconds)
#     condition: {{left: value, op: "<", right: 300}}
#     on_fail: hand-over
checks: []
# What must not be done during this incident, and why.
do_not:
  - action: "TODO: the tempting action that makes it worse"
    why: "TODO: what happens if it is done"
# Who is told what, where and how often.
communication:
  channel: "TODO: incident chat or the business mailbox"
  audience: "TODO: who receives the updates"
  cadence: 1h
  template: "[{{time}}] TODO: what happened, impact, what is being done. Next update at {{next_update}}."
# Ids of related runbooks.
related: []
# Who keeps this runbook true, and when it was last checked.
review:
  owner: {owner}
  last_reviewed: "{today}"
  interval_days: 90
tags: []
"""

_MARKETPLACE = """\
# Status mapping of one marketplace onto the internal order statuses.
# Schema: marketplace.schema.json (`opskb schemas export DIR`). List every status the API can return, spelled as
# the API spells it, each mapped once: exact, or closest with a note saying why.
id: {id}
name: {name}
# marketplace (horizontal) or online_pharmacy (vertical aggregator).
kind: marketplace
# True while the statuses are not read from the real API; the site says so.
illustrative: true
# Where the status list comes from, and when it was read.
source:
  api: "TODO: API and field, e.g. Seller API v3, order.status"
  read_on: "{today}"
# The API fields that make up a status code. Two fields are written first/second in codes
# and need precedence: (rule: in words; decides_alone: final second-field values that
# decide whatever the first says; unlisted_pair: first_alone or unknown).
key:
  fields: [status]
initial: NEW
statuses:
  - code: NEW
    label: "TODO: what the buyer sees, as the API's documentation words it"
    maps_to: {initial}
    match: exact
  - code: CANCELLED
    label: "TODO: what the buyer sees"
    maps_to: {cancelled}
    match: exact
    terminal: true
  # Add every other status here. When you add next: lists (transitions), add them to
  # every non-final status: `opskb check` verifies the internal model allows each move.
"""

_TEAMS = """\
# Teams and roles that take part in support, by line. Schema: teams.schema.json.
# Use placeholder contacts (example.org) in samples.
teams:
  - id: l1-desk
    name: L1 service desk
    line: L1
    role: Watches alerts, follows the runbooks, escalates what it cannot resolve.
    owns: [monitoring]
    contacts:
      chat: "#l1-desk"
      email: l1@example.org
    hours:
      schedule: 24x7
      timezone: {timezone}
  - id: system-owner
    name: System owner
    line: L2
    # Ids of the systems this team owns: runbooks name them under systems:.
    owns: [example-system]
    contacts:
      chat: "#system-owner"
      email: owner@example.org
    hours:
      schedule: working_hours
      timezone: {timezone}
      start: "09:00"
      end: "18:00"
"""

_SLA = """\
# SLA policies and the working-hours calendars their clocks run on.
# Schema: sla.schema.json. Durations: 15m, 4h, 2d.
calendars:
  - id: business-hours
    timezone: {timezone}
    start: "09:00"
    end: "18:00"
    weekdays: [mon, tue, wed, thu, fri]
    # Public holidays that stop the clock (the holidays package): a country, DE, or a
    # country and its subdivision, DE-BE.
    # holidays: DE-BE
policies:
  - id: critical-24x7
    name: Critical situation, any hour
    priority: critical
    react_within: 15m
    resolve_within: 30m
    clock: 24x7
  - id: high-business
    name: High priority, working hours
    priority: high
    react_within: 1h
    resolve_within: 4h
    clock: business-hours
"""

_ROUTES = """\
# The escalation map: for each family of incidents, the chain L1 -> L2 (-> L3).
# Schema: routes.schema.json. `after` counts on the route's SLA clock.
routes:
  - id: default
    name: Incidents of the example system
    sla: critical-24x7
    hops:
      - line: L1
        team: l1-desk
      - line: L2
        team: system-owner
        after: 30m
        when: L1 cannot restore the service with the runbook's steps.
"""

_INTERNAL = """\
# The company's own order statuses as a state machine.
# Schema: internal-statuses.schema.json. Polling can skip states: list forward jumps.
initial: new
statuses:
  - id: new
    name: New
    next: [assembling, cancelled]
  - id: assembling
    name: Assembling
    next: [shipped, cancelled]
  - id: shipped
    name: Shipped
    next: [delivered]
  - id: delivered
    name: Delivered
    terminal: true
  - id: cancelled
    name: Cancelled
    terminal: true
"""

_FILES = {"teams": _TEAMS, "sla": _SLA, "routes": _ROUTES, "internal": _INTERNAL}
