"""Alert rules and runbooks, linked both ways: which runbooks handle an alert, and the page a
`runbook_url` names. The addresses themselves are in ``opskb.model.addresses``."""

from __future__ import annotations

from urllib.parse import urlsplit


def without_fragment(url: str) -> str:
    """The page a URL names: its query and fragment left off."""
    parts = urlsplit(url)
    return parts._replace(query="", fragment="").geturl()


def runbooks_by_alert(runbooks: dict) -> dict[str, list[str]]:
    """Alert name -> the ids of the runbooks that list it, in id order."""
    found: dict[str, list[str]] = {}
    for ident in sorted(runbooks):
        for alert in runbooks[ident].data.get("alerts", []):
            found.setdefault(alert, [])
            if ident not in found[alert]:
                found[alert].append(ident)
    return found
