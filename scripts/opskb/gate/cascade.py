"""One mistake, one finding: problems that follow from another one are folded under it,
and the problems that explain others come first.

What the knowledge base already leaves out (references into a file that cannot be
read, rules that would conclude from an entity that failed its schema) never becomes a
problem. What is left here is what only the list of problems shows:

* the same dangling reference at many places (a renamed team that 20 hops name) is one
  problem, the first place, with the others listed under it;
* a warning about the definition that a dangling reference most likely meant (the
  renamed team, now "used by nobody") is the same mistake seen from the other end;
* a file that cannot be read comes before its schema errors, which come before the
  cross-file errors, which come before warnings: the first problem is the one to fix
  first. Within each, by file, line and column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from ..model.problems import WARNING, Problem

# Codes whose message names the missing thing: the same message is the same cause.
_REFERENCE_FAMILY = "KB2"


def root_causes_first(problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` with follow-ons folded under their cause (``Problem.also``), causes first."""
    ordered = sorted(set(problems), key=_order)
    kept: dict[tuple[str, str], Problem] = {}
    follow_ons: dict[tuple[str, str], list[str]] = {}
    meant = {p.related: p for p in ordered if p.related and p.level != WARNING}
    for problem in ordered:
        cause = meant.get(f"{problem.path}:{problem.line}") if problem.level == WARNING else None
        if cause is not None:
            follow_ons.setdefault(_key(cause), []).append(f"{problem.where} {problem.code}")
            continue
        key = _key(problem)
        if key in kept:
            follow_ons[key].append(problem.where)
            continue
        kept[key] = problem
        follow_ons.setdefault(key, [])
    return [replace(problem, also=(*problem.also, *follow_ons[key])) for key, problem in kept.items()]


def _key(problem: Problem) -> tuple[str, str]:
    if problem.code.startswith(_REFERENCE_FAMILY):
        return (problem.code, problem.message)
    return (problem.code, f"{problem.where} {problem.message}")


def _order(problem: Problem) -> tuple[int, str, int, int, str, str]:
    if problem.code.startswith("KB0"):
        tier = 0
    elif problem.code.startswith("KB1"):
        tier = 1
    else:
        tier = 3 if problem.level == WARNING else 2
    return (tier, problem.path, problem.line, problem.column, problem.code, problem.message)
