"""mkdocs-macros functions for the handwritten pages in docs/: figures from the YAML.

Loaded with ``plugins: - macros: modules: [opskb.site.macros]``. Every value returned is
either a number, a duration in words in the site's language (``15 minutes``, ``15 минут``,
built from a schema-checked ``15m``) or YAML text passed through ``escape.md``: a macro
never puts raw content into a page. `opskb check` knows every literal call in docs/
(KB222, from ``MACRO_ARGUMENT_KINDS``), so an unknown id fails the gate first; should a
macro fail anyway (an id computed in the template), the opskb plugin fails the build with
one located line, not mkdocs-macros' traceback.

The knowledge base is the one the ``opskb`` plugin loaded and checked (it must come
before ``macros`` in the plugin list); nothing here reads YAML on its own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..kb import Entity, KnowledgeBase
from ..layout import DOCS
from .escape import md
from .handbook import Handbook, inline_macros
from .labels import Labels, language_of
from .render import override_dirs

# The kind of entity (a key of opskb.kb.TABLES) each macro's first argument names.
MACRO_ARGUMENT_KINDS = {
    "sla_react": "sla",
    "sla_resolve": "sla",
    "sla_clock": "sla",
    "sla_name": "sla",
    "team_name": "team",
    "runbook_title": "runbook",
    "pair_precedence": "marketplace",
}


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
    except (KeyError, TypeError):
        known = ", ".join(sorted(table)) or "none"
        raise LookupError(f"unknown {kind} {ident!r} (known: {known})") from None


def _failing_quietly(env: Any, macro: Callable[..., str]) -> Callable[..., str]:
    """``macro``, but an error is handed to the opskb plugin, which fails the build with it:
    mkdocs-macros would print a Python traceback for it."""
    errors = getattr(env.conf.plugins.get("opskb"), "macro_errors", None)

    @functools.wraps(macro)
    def quiet(*args: Any, **kwargs: Any) -> str:
        try:
            return macro(*args, **kwargs)
        except Exception as err:
            if errors is None:
                raise
            page = getattr(getattr(env, "page", None), "file", None)
            where = f"{DOCS}/{page.src_uri}" if page is not None else DOCS
            arguments = ", ".join(map(repr, args))
            errors.append(f"{where}: {macro.__name__}({arguments}): {err}")
            return ""

    return quiet


def site_language(env: Any) -> str:
    """``theme.language`` of mkdocs.yml (en or ru): the language the macros write in."""
    try:
        return language_of(env.conf["theme"]["language"])
    except (KeyError, TypeError, AttributeError):
        return "en"


def _override_dirs(env: Any) -> list[Path]:
    try:
        return override_dirs(env.conf["theme"].custom_dir)
    except (KeyError, TypeError, AttributeError):
        return []


def _page_uri(env: Any) -> str:
    page = getattr(env, "page", None)
    return getattr(getattr(page, "file", None), "src_uri", None) or "index.md"


def define_env(env: Any) -> None:
    """Register the variables and macros (called by mkdocs-macros in its on_config)."""
    kb = _kb(env)
    env.variables["runbook_count"] = len(kb.runbooks)
    env.variables["marketplace_count"] = len(kb.marketplaces)
    env.variables["team_count"] = len(kb.teams)
    env.variables["route_count"] = len(kb.routes)

    labels = Labels(site_language(env))

    def policy(policy_id: str) -> dict[str, Any]:
        return _get(kb.sla_policies, "SLA policy", policy_id).data

    def register(macro: Callable[..., str]) -> Callable[..., str]:
        env.macro(_failing_quietly(env, macro))  # named by functools.wraps
        return macro

    @register
    def sla_react(policy_id: str) -> str:
        """Time to react under an SLA policy, e.g. '15 minutes'."""
        return labels.duration(policy(policy_id)["react_within"])

    @register
    def sla_resolve(policy_id: str) -> str:
        """Time to resolve or escalate under an SLA policy, e.g. '30 minutes'."""
        return labels.duration(policy(policy_id)["resolve_within"])

    @register
    def sla_clock(policy_id: str) -> str:
        """The clock of an SLA policy: '24x7 calendar hours' or 'working hours (calendar)'."""
        clock = policy(policy_id)["clock"]
        return labels.get("clock.24x7") if clock == "24x7" else labels.get("clock.unknown", id=md(clock))

    @register
    def sla_name(policy_id: str) -> str:
        """The human name of an SLA policy."""
        return md(policy(policy_id)["name"])

    @register
    def team_name(team_id: str) -> str:
        """The name of a team."""
        return md(_get(kb.teams, "team", team_id).data["name"])

    @register
    def runbook_title(runbook_id: str) -> str:
        """The title of a runbook (link to it with runbooks/ID.md)."""
        return md(_get(kb.runbooks, "runbook", runbook_id).data["title"])

    @functools.cache
    def inline() -> Any:
        # At the first macro call, not here: a broken override then fails like a macro
        # (one located line from the opskb plugin), not with mkdocs-macros' traceback.
        return inline_macros(_override_dirs(env))

    def handbook(language: str | None) -> Handbook:
        return Handbook(kb, language or site_language(env), _page_uri(env), inline())

    @register
    def team_table(language: str | None = None) -> str:
        """Every team by line: hours, time zone and contacts (a Markdown table)."""
        return handbook(language).team_table()

    @register
    def sla_table(language: str | None = None) -> str:
        """Every SLA policy: priority, react, resolve, clock, runbooks and routes (a Markdown table)."""
        return handbook(language).sla_table()

    @register
    def policies_for(priority: str, language: str | None = None) -> str:
        """Each SLA policy of a priority with its own figures, e.g. both critical policies."""
        return handbook(language).policies_for(priority)

    @register
    def policies_on(clock: str, language: str | None = None) -> str:
        """The names of the SLA policies that run on a clock ('24x7' or a calendar id)."""
        return handbook(language).policies_on(clock)

    @register
    def clock_text(clock: str, language: str | None = None) -> str:
        """A clock in words: '24x7 calendar time...' or a calendar's hours, days and zone."""
        return handbook(language).known_clock(clock)

    @register
    def pair_precedence(marketplace_id: str, language: str | None = None) -> str:
        """How a marketplace's two-field status codes resolve, with a worked example."""
        return handbook(language).pair_precedence(marketplace_id)

    @register
    def pair_precedences(language: str | None = None) -> str:
        """The two-field precedence of every marketplace that has one, with worked examples."""
        return handbook(language).pair_precedences()
