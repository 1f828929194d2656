"""`opskb check` as a function: load, validate, cross-check, sort."""

from __future__ import annotations

from pathlib import Path

from ..model.kb import KnowledgeBase, LoadCache, load_knowledge_base, no_cyclic_gc
from ..model.problems import Problem, sort_problems
from ..model.yamldoc import DEFAULT_LIMITS, Limits
from .registry import problem_of, run_cross_checks


def check_tree(
    root: Path,
    limits: Limits = DEFAULT_LIMITS,
    alert_rules: list[Path] | None = None,
    site_url: str | None = None,
    cache: LoadCache | None = None,
) -> tuple[KnowledgeBase, list[Problem]]:
    """Every problem in the content under ``root``, sorted by file, line and column
    (``cache``: files unchanged since an earlier load are not read again)."""
    kb, findings = load_knowledge_base(root, limits, alert_rules=alert_rules, site_url=site_url, cache=cache)
    problems = [problem_of(finding) for finding in findings]
    with no_cyclic_gc():
        # A session that checks again (``cache``: `mkdocs serve`) runs the rules here, where
        # what they keep per file (gate.registry.FileMemo) serves the next check.
        problems.extend(run_cross_checks(kb, spread=cache is None))
    return kb, sort_problems(problems)
