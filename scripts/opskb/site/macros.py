"""mkdocs-macros functions for the handwritten pages in docs/: figures from the YAML.

Loaded with ``plugins: - macros: modules: [opskb.site.macros]``. Every value returned is
either a number, a humanized duration (``15 minutes``, built from a schema-checked
``15m``) or YAML text passed through ``escape.md``: a macro never puts raw content into a
page. An unknown id raises, which fails the build (``on_error_fail: true``), just like an
undefined variable does with ``on_undefined: strict``.

The knowledge base is the one the ``opskb`` plugin loaded and checked (it must come
before ``macros`` in the plugin list); nothing here reads YAML on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..durations import humanize
from ..kb import Entity, KnowledgeBase
from .escape import md


def _kb(env: Any) -> KnowledgeBase:
    plugin = env.conf.plugins.get("opskb")
    kb = getattr(plugin, "kb", None)
    if kb is None:
        # The opskb plugin is missing or listed after macros: check the tree ourselves so
        # the figures are still from validated content.
        from ..checker import check_tree

        kb, _ = check_tree(Path(env.conf.config_file_path).resolve().parent)
    return kb


def _get(table: dict[str, Entity], kind: str, ident: str) -> Entity:
    try:
        return table[ident]
    except KeyError:
        known = ", ".join(sorted(table)) or "none"
        raise KeyError(f"opskb macros: unknown {kind} {ident!r} (known: {known})") from None


def define_env(env: Any) -> None:
    """Register the variables and macros (called by mkdocs-macros in its on_config)."""
    kb = _kb(env)
    env.variables["runbook_count"] = len(kb.runbooks)
    env.variables["marketplace_count"] = len(kb.marketplaces)
    env.variables["team_count"] = len(kb.teams)
    env.variables["route_count"] = len(kb.routes)

    def policy(policy_id: str) -> dict[str, Any]:
        return _get(kb.sla_policies, "SLA policy", policy_id).data

    @env.macro
    def sla_react(policy_id: str) -> str:
        """Time to react under an SLA policy, e.g. '15 minutes'."""
        return humanize(policy(policy_id)["react_within"])

    @env.macro
    def sla_resolve(policy_id: str) -> str:
        """Time to resolve or escalate under an SLA policy, e.g. '30 minutes'."""
        return humanize(policy(policy_id)["resolve_within"])

    @env.macro
    def sla_clock(policy_id: str) -> str:
        """The clock of an SLA policy: '24x7 calendar hours' or 'working hours (calendar)'."""
        clock = policy(policy_id)["clock"]
        return "24x7 calendar hours" if clock == "24x7" else f"working hours ({md(clock)})"

    @env.macro
    def sla_name(policy_id: str) -> str:
        """The human name of an SLA policy."""
        return md(policy(policy_id)["name"])

    @env.macro
    def team_name(team_id: str) -> str:
        """The name of a team."""
        return md(_get(kb.teams, "team", team_id).data["name"])

    @env.macro
    def runbook_title(runbook_id: str) -> str:
        """The title of a runbook (link to it with runbooks/ID.md)."""
        return md(_get(kb.runbooks, "runbook", runbook_id).data["title"])
