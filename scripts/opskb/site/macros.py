"""mkdocs-macros functions for the handwritten pages in docs/: figures from the YAML.

Loaded with ``plugins: - macros: modules: [opskb.site.macros]``. Every value returned is
either a number, a duration in words in the site's language (``15 minutes``, ``15 минут``,
built from a schema-checked ``15m``) or YAML text passed through ``escape.md``: a macro
never puts raw content into a page. `opskb check` holds every call in docs/ to each
macro's signature and to the type each parameter is annotated with (KB222, KB224), so a
wrong id or a missing or extra argument fails the gate first; should a macro fail anyway
(an id computed in the template), the opskb plugin fails the build with one located
line, not mkdocs-macros' traceback.

The knowledge base is the one the ``opskb`` plugin loaded and checked (it must come
before ``macros`` in the plugin list); nothing here reads YAML on its own.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..escalation.clocks import CLOCK_24X7
from ..model.addresses import plugin_settings
from ..model.kb import TABLES, Entity, KnowledgeBase
from ..model.layout import DOCS
from .docrefs import CallArgument, MacroCall
from .escape import md
from .handbook import Handbook, inline_macros
from .labels import LANGUAGES, Labels, language_of
from .pages import SEVERITIES
from .render import override_dirs


class Names(str):
    """What a macro parameter takes, declared as its annotation: a literal argument in a
    docs/ page is checked against ``accepts`` by `opskb check` (KB222), and its number and
    names against the macro's own signature (KB224), so the gate and the build read the
    same declaration and cannot drift apart."""

    # what one of these is called in a message ("SLA policy")
    noun: ClassVar[str] = ""
    # the kind of entity (a key of opskb.model.kb.TABLES) whose ids it takes, if any
    kind: ClassVar[str | None] = None

    @classmethod
    def fixed(cls) -> tuple[str, ...]:
        """Values it takes besides ids of ``kind``."""
        return ()

    @classmethod
    def accepts(cls, kb: KnowledgeBase, value: str) -> bool:
        return value in cls.fixed() or (cls.kind is not None and kb.is_known(cls.kind, value))

    @classmethod
    def known(cls, kb: KnowledgeBase) -> list[str]:
        ids = sorted(getattr(kb, TABLES[cls.kind])) if cls.kind is not None else []
        return [*cls.fixed(), *ids]


class PolicyId(Names):
    noun, kind = "SLA policy", "sla"


class TeamId(Names):
    noun, kind = "team", "team"


class RunbookId(Names):
    noun, kind = "runbook", "runbook"


class MarketplaceId(Names):
    noun, kind = "marketplace", "marketplace"


class ClockId(Names):
    """'24x7' or a working-hours calendar's id."""

    noun, kind = "clock", "calendar"

    @classmethod
    def fixed(cls) -> tuple[str, ...]:
        return (CLOCK_24X7,)


class Priority(Names):
    noun = "priority"

    @classmethod
    def fixed(cls) -> tuple[str, ...]:
        return SEVERITIES


class Language(Names):
    """A language the site has labels in (en, ru)."""

    noun = "language"

    @classmethod
    def fixed(cls) -> tuple[str, ...]:
        return LANGUAGES


def variables(kb: KnowledgeBase) -> dict[str, int]:
    """The figures a page writes as ``{{ runbook_count }}`` (variables, not macros)."""
    return {
        "runbook_count": len(kb.runbooks),
        "marketplace_count": len(kb.marketplaces),
        "team_count": len(kb.teams),
        "route_count": len(kb.routes),
    }


def _kb(env: Any) -> KnowledgeBase:
    plugin = env.conf.plugins.get("opskb")
    kb = getattr(plugin, "kb", None)
    if kb is None:
        # The opskb plugin is missing or listed after macros: check the tree ourselves so
        # the figures are still from validated content.
        from ..gate.checker import check_tree

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


def _macro(method: Callable[..., str]) -> Callable[..., str]:
    """Mark a method of ``Macros`` as a macro of the docs/ pages."""
    method.is_macro = True  # type: ignore[attr-defined]
    return method


class Macros:
    """The macros, for one knowledge base and site. Each method marked ``_macro`` is one,
    under its own name; its parameters and their annotations (``PolicyId``...) are what
    `opskb check` holds every call in docs/ to (``signature``)."""

    def __init__(self, kb: KnowledgeBase, language: str, handbook: Callable[[str | None], Handbook]) -> None:
        self.kb = kb
        self.labels = Labels(language)
        self._handbook = handbook

    def _policy(self, policy_id: str) -> dict[str, Any]:
        return _get(self.kb.sla_policies, "SLA policy", policy_id).data

    @_macro
    def sla_react(self, policy_id: PolicyId) -> str:
        """Time to react under an SLA policy, e.g. '15 minutes'."""
        return self.labels.duration(self._policy(policy_id)["react_within"])

    @_macro
    def sla_resolve(self, policy_id: PolicyId) -> str:
        """Time to resolve or escalate under an SLA policy, e.g. '30 minutes'."""
        return self.labels.duration(self._policy(policy_id)["resolve_within"])

    @_macro
    def sla_clock(self, policy_id: PolicyId) -> str:
        """The clock of an SLA policy: '24x7 calendar hours' or 'working hours (calendar)'."""
        clock = self._policy(policy_id)["clock"]
        return self.labels.get("clock.24x7") if clock == "24x7" else self.labels.get("clock.unknown", id=md(clock))

    @_macro
    def sla_name(self, policy_id: PolicyId) -> str:
        """The human name of an SLA policy."""
        return md(self._policy(policy_id)["name"])

    @_macro
    def team_name(self, team_id: TeamId) -> str:
        """The name of a team."""
        return md(_get(self.kb.teams, "team", team_id).data["name"])

    @_macro
    def runbook_title(self, runbook_id: RunbookId) -> str:
        """The title of a runbook (link to it with runbooks/ID.md)."""
        return md(_get(self.kb.runbooks, "runbook", runbook_id).data["title"])

    @_macro
    def team_table(self, language: Language | None = None) -> str:
        """Every team by line: hours, time zone and contacts (a Markdown table)."""
        return self._handbook(language).team_table()

    @_macro
    def sla_table(self, language: Language | None = None) -> str:
        """Every SLA policy: priority, react, resolve, clock, runbooks and routes (a Markdown table)."""
        return self._handbook(language).sla_table()

    @_macro
    def policies_for(self, priority: Priority, language: Language | None = None) -> str:
        """Each SLA policy of a priority with its own figures, e.g. both critical policies."""
        return self._handbook(language).policies_for(priority)

    @_macro
    def policies_on(self, clock: ClockId, language: Language | None = None) -> str:
        """The names of the SLA policies that run on a clock ('24x7' or a calendar id)."""
        return self._handbook(language).policies_on(clock)

    @_macro
    def clock_text(self, clock: ClockId, language: Language | None = None) -> str:
        """A clock in words: '24x7 calendar time...' or a calendar's hours, days and zone."""
        return self._handbook(language).known_clock(clock)

    @_macro
    def pair_precedence(self, marketplace_id: MarketplaceId, language: Language | None = None) -> str:
        """How a marketplace's two-field status codes resolve, with a worked example."""
        return self._handbook(language).pair_precedence(marketplace_id)

    @_macro
    def pair_precedences(self, language: Language | None = None) -> str:
        """The two-field precedence of every marketplace that has one, with worked examples."""
        return self._handbook(language).pair_precedences()


MACROS = tuple(name for name, member in vars(Macros).items() if getattr(member, "is_macro", False))


@functools.cache
def signature(name: str) -> inspect.Signature:
    """The parameters of macro ``name`` as a page calls it (without ``self``), annotations
    resolved to their types."""
    full = inspect.signature(getattr(Macros, name), eval_str=True)
    return full.replace(parameters=list(full.parameters.values())[1:])


def usage(name: str) -> str:
    """How a page calls macro ``name``: ``policies_for(priority: Priority, language: Language = None)``."""
    shown = []
    for parameter in signature(name).parameters.values():
        names, optional = names_of(parameter)
        text = f"{parameter.name}: {names.__name__}" if names is not None else parameter.name
        shown.append(text + (" = None" if optional else ""))
    return f"{name}({', '.join(shown)})"


def names_of(parameter: inspect.Parameter) -> tuple[type[Names] | None, bool]:
    """What a parameter takes (its ``Names`` type, if any) and whether None is allowed."""
    annotation = parameter.annotation
    options = typing.get_args(annotation) or (annotation,)
    found = next((o for o in options if isinstance(o, type) and issubclass(o, Names)), None)
    return found, type(None) in options


# What mkdocs-macros itself offers every page besides a module's own: its default macros
# and variables (its context.define_env), the page's objects (on_page_markdown) and its
# two filters. tests/test_gate.py builds a page that reads each, strictly.
MKDOCS_MACROS_NAMES = frozenset(
    {"context", "macros_info", "now", "fix_url", "extra", "config", "environment", "plugin", "git"}
    | {"macros", "filters", "filters_builtin", "page", "navigation", "files"}
)
MKDOCS_MACROS_FILTERS = frozenset({"pretty", "relative_url"})
# mkdocs-macros settings that add names this module does not know of, or read pages with
# other delimiters: with any of them, which names a page may read is known only in the build
_FOREIGN_SETTINGS = ("include_yaml", "module_name", "modules", "j2_")


@dataclass(frozen=True)
class PageNamespace:
    """The names a docs/ page may read under this site's mkdocs-macros settings."""

    names: frozenset[str]
    filters: frozenset[str]


def page_namespace(kb: KnowledgeBase, config: Any) -> PageNamespace | None:
    """What the pages may read when mkdocs.yml's ``config`` (its node tree) renders them with
    this module alone, strictly; None when a page's unknown name would not fail the build
    (no macros plugin, not ``on_undefined: strict``) or when other settings may define it
    (a module of the team's own, ``include_yaml``, a ``main.py`` beside mkdocs.yml)."""
    import jinja2.defaults

    settings = plugin_settings(config, "macros")
    if settings is None or settings.get("on_undefined") != "strict":
        return None
    modules = settings.get("modules") or []
    modules = [modules] if isinstance(modules, str) else modules
    foreign = [key for key in settings if key.startswith(_FOREIGN_SETTINGS) and key != "modules"]
    if foreign or set(modules) - {__name__} or (kb.root / "main.py").exists() or (kb.root / "main").is_dir():
        return None
    extra = config.get("extra")
    extra_names = {k.value for k, _ in extra.items} if extra is not None and extra.kind == "map" else set()
    return PageNamespace(
        frozenset({*MACROS, *variables(kb), *MKDOCS_MACROS_NAMES, *extra_names, *jinja2.defaults.DEFAULT_NAMESPACE}),
        frozenset({*MKDOCS_MACROS_FILTERS, *jinja2.defaults.DEFAULT_FILTERS}),
    )


def define_env(env: Any) -> None:
    """Register the variables and macros (called by mkdocs-macros in its on_config)."""
    kb = _kb(env)
    env.variables.update(variables(kb))

    @functools.cache
    def inline() -> Any:
        # At the first macro call, not here: a broken override then fails like a macro
        # (one located line from the opskb plugin), not with mkdocs-macros' traceback.
        return inline_macros(_override_dirs(env))

    def handbook(language: str | None) -> Handbook:
        return Handbook(kb, language or site_language(env), _page_uri(env), inline())

    macros = Macros(kb, site_language(env), handbook)
    for name in MACROS:
        env.macro(_failing_quietly(env, getattr(macros, name)))  # named by functools.wraps


def bind(call: MacroCall) -> list[tuple[inspect.Parameter, CallArgument]]:
    """Each argument of a call in a docs/ page with the macro parameter it fills;
    TypeError (inspect's own words: 'too many positional arguments', 'missing a required
    argument') when the call does not fit the macro's signature."""
    parameters = signature(call.macro).parameters
    positional = [a for a in call.arguments if a.keyword is None]
    keywords = {a.keyword: a for a in call.arguments if a.keyword is not None}
    unknown = [k for k in keywords if k not in parameters]
    if unknown:  # said first: a misspelt keyword is also the required argument it leaves out
        raise TypeError(f"got an unexpected keyword argument {unknown[0]!r}")
    bound = signature(call.macro).bind(*positional, **keywords)
    return [(parameters[name], argument) for name, argument in bound.arguments.items()]
