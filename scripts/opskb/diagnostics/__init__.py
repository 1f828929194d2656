"""Executable diagnostics: the declarative `checks` of a runbook, run by `opskb run`.

Three probes (``http``, ``sql``, ``prometheus``) each observe named values; a declarative
``condition`` (``conditions.py``, never eval) turns them into pass or fail. Where to
connect comes from named sources outside the content (``sources.py``). Nothing here
changes a system: HTTP is GET/HEAD only, SQL is one allow-listed SELECT (``sql_guard.py``)
in a read-only transaction with a server-side timeout, PromQL is an instant query.
"""

from .runner import CheckResult, run_checks

__all__ = ["CheckResult", "run_checks"]
