from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import TEAMS

_COPY = """
  - id: jobs-owner
    name: Jobs owner (old entry)
    line: L2
    contacts:
      chat: "#jobs-old"
    hours:
      schedule: 24x7
      timezone: Europe/Berlin
"""

RULE = Rule(
    code="KB207",
    name="duplicate-id",
    level=ERROR,
    summary="Two things of one kind share an id (teams, routes, policies, statuses, or steps and checks of a runbook).",
    message="{kind} id '{id}' is already used at {first}",
    hint="give each {kind} its own id; references would otherwise pick one at random",
    why=(
        "References go by id: with two teams called jobs-owner, a route may reach the stale entry's "
        "contacts, and which one wins depends on file order; the site shows one and hides the other."
    ),
    fix=("Give each entry its own id, or delete the stale copy; then check that references name the id that is meant."),
    bad=Example(
        replace={TEAMS: [('      end: "19:00"', '      end: "19:00"' + _COPY)]}, expect=f"{TEAMS}:36:9", also=("KB214",)
    ),
    good=Example(),
)


def _where(entity, *sub: str | int) -> str:
    line, _ = entity.locate(*sub, "id")
    return f"{entity.file}:{line}"


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for (kind, ident), claimants in kb.claims.items():
        for later in claimants[1:]:
            yield Finding(later, ("id",), {"kind": kind.replace("_", " "), "id": ident, "first": _where(claimants[0])})
    for runbook in kb.runbooks.values():
        for key, kind in (("steps", "step"), ("checks", "check")):
            seen: dict[str, int] = {}
            for index, item in enumerate(runbook.data.get(key, [])):
                if item["id"] in seen:
                    first = _where(runbook, key, seen[item["id"]])
                    yield Finding(runbook, (key, index, "id"), {"kind": kind, "id": item["id"], "first": first})
                else:
                    seen[item["id"]] = index
