"""Which SLA policy, runbook, systems and team a ticket belongs to, from the knowledge base.

A ticket that names a runbook (its id, or one of its alert names, in any column or label)
gets that runbook's route's policy and systems: the escalation map decided it. Otherwise
its priority decides: the export's name for it maps to a policy priority
(``priorities``), and where several policies share that priority the one marked
``default_for_priority`` (KB340 keeps that to exactly one). Systems and teams are matched
to the knowledge base by id or name, case and punctuation aside; a value that matches
nothing is returned as unknown, for the report to say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..model.kb import KnowledgeBase
from ..statuses.exports import normal

_WORDS = re.compile(r"[\w-]+")
_CACHE_LIMIT = 10_000


@dataclass(frozen=True, eq=False)  # one object per distinct assignment (Assigner keeps them): kept apart by identity
class Assignment:
    policy: str | None
    runbook: str | None
    systems: tuple[str, ...]
    team: str | None
    unknown_systems: tuple[str, ...] = ()
    unknown_team: str = ""
    problem: str = ""  # why no policy could be given
    problem_kind: str = ""  # the problem's kind, as the report counts rows left out


def system_names(kb: KnowledgeBase) -> dict[str, str]:
    """Every way a ticket may write a system (compared as ``normal`` reads it) -> its id:
    the ids the teams own and the runbooks name, then the names and aliases of
    escalation/teams.yaml's systems: list (KB218 keeps one system per name)."""
    found: dict[str, str] = {}
    for team in kb.teams.values():
        for system in team.data.get("owns", []):
            found.setdefault(normal(system), system)
    for runbook in kb.runbooks.values():
        for system in runbook.data.get("systems", []):
            found.setdefault(normal(system), system)
    for system in kb.systems.values():
        for name in (system.id, system.data["name"], *system.data.get("aliases", [])):
            found.setdefault(normal(name), system.id)
    return found


class Assigner:
    """The knowledge base's runbooks, alerts, priorities, systems and teams, indexed."""

    def __init__(self, kb: KnowledgeBase, priorities: dict[str, str]) -> None:
        self.kb, self.priorities = kb, priorities
        self.names: dict[str, str] = {}  # casefolded runbook id or alert name -> runbook id
        for runbook in sorted(kb.runbooks.values(), key=lambda r: r.id):
            self.names.setdefault(runbook.id.casefold(), runbook.id)
        for runbook in sorted(kb.runbooks.values(), key=lambda r: r.id):
            for alert in runbook.data.get("alerts", []):
                self.names.setdefault(alert.casefold(), runbook.id)
        self._keys = frozenset(self.names)
        self.by_level: dict[str, str] = {}
        shared: dict[str, list[Any]] = {}
        for policy in kb.sla_policies.values():
            if "priority" in policy.data:
                shared.setdefault(policy.data["priority"], []).append(policy)
        for level, policies in shared.items():
            chosen = [p for p in policies if p.data.get("default_for_priority")] if len(policies) > 1 else policies
            if len(chosen) == 1:
                self.by_level[level] = chosen[0].id
        self.systems = system_names(kb)
        self.owners = kb.system_owners()
        self.teams: dict[str, str] = {}
        for team in kb.teams.values():
            names = (team.id, team.data.get("name", ""), team.data.get("contacts", {}).get("ticket_queue", ""))
            for name in names:
                if name:
                    self.teams.setdefault(normal(name), team.id)
        self._routes: dict[str, tuple[str | None, tuple[str, ...], str | None]] = {}
        self._cache: dict[tuple[str, tuple[str, ...], str], Assignment] = {}

    def runbook_in(self, text: str) -> str | None:
        """The first runbook a ticket's cells name (its id, or an alert it lists)."""
        words = _WORDS.findall(text.casefold())
        if self._keys.isdisjoint(words):  # most tickets: one set operation in C, no loop
            return None
        names = self.names
        return next(names[word] for word in words if word in names)

    def assign(self, text: str, priority: str, systems: tuple[str, ...], team: str) -> Assignment:
        runbook = self.runbook_in(text)
        key = (runbook or "", systems, team) if runbook else (priority, systems, team)
        found = self._cache.get(key)
        if found is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()  # ever-new values cost time, never memory
            found = self._cache[key] = self._assign(runbook, priority, systems, team)
        return found

    def _assign(self, runbook: str | None, priority: str, named: tuple[str, ...], team_text: str) -> Assignment:
        known = [self.systems.get(normal(s)) for s in named]
        unknown = tuple(s for s, k in zip(named, known, strict=True) if k is None)
        team = self.teams.get(normal(team_text)) if team_text else None
        unknown_team = team_text if team_text and team is None else ""
        if runbook is not None:
            # the runbook's systems are the ticket's: what the export's column says is not read
            policy, systems, owner = self._route(runbook)
            problem = "" if policy else f"runbook {runbook} names a route with no SLA policy"
            return Assignment(policy, runbook, systems, team or owner, (), unknown_team, problem, "no SLA policy")
        systems = tuple(dict.fromkeys(k for k in known if k))
        if team is None:
            team = next((self.owners[s][0] for s in systems if self.owners.get(s)), None)
        level = self.priorities.get(normal(priority)) if priority else None
        policy = self.by_level.get(level) if level else None
        problem, kind = "", "unknown priority"
        if not priority:
            problem, kind = "no priority and no runbook named", "missing value"
        elif level is None:
            hint = f"--priority '{priority}=high', or critical, medium, low"
            problem = f"unknown priority {priority!r} (name its level: {hint})"
        elif policy is None:
            problem = f"priority {priority!r} ({level}): no SLA policy of priority {level} in escalation/sla.yaml"
            kind = "no SLA policy"
        return Assignment(policy, None, systems, team, unknown, unknown_team, problem, kind)

    def _route(self, runbook: str) -> tuple[str | None, tuple[str, ...], str | None]:
        found = self._routes.get(runbook)
        if found is None:
            sla = self.kb.sla_of(self.kb.runbooks[runbook].data["route"])
            owner = self.kb.owner_of(runbook)
            systems = tuple(self.kb.runbooks[runbook].data.get("systems", []))
            found = self._routes[runbook] = (sla.id if sla else None, systems, owner.id if owner else None)
        return found
