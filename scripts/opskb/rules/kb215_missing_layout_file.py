from collections.abc import Iterator
from pathlib import Path

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import ESCALATION, ESCALATION_FILES, INTERNAL_FILE, STATUS_MAPPINGS
from ..model.problems import ERROR
from ..model.yamldoc import Document
from ._tree import SLA

RULE = Rule(
    code="KB215",
    name="missing-layout-file",
    level=ERROR,
    summary=(
        "A file every knowledge base needs is missing (teams, SLA policies, routes; the internal statuses "
        "once status_mappings/ holds a mapping)."
    ),
    message="required file {state}",
    hint="create it (`opskb new` writes a valid start for each kind)",
    why=(
        "Teams, SLA policies and routes are what every runbook refers to, and the internal statuses what "
        "every status mapping refers to: without one of these files no escalation chain, deadline or status "
        "meaning can be shown, and every reference into it fails. A team that keeps no status mappings needs "
        "no internal.yaml."
    ),
    fix=(
        "Restore the file from git if it was removed by mistake, or create it with `opskb new teams`, `sla`, "
        "`routes` or `internal` (a valid start) and fill it in."
    ),
    bad=Example(remove=(SLA,), expect=f"{SLA}:1:1", also=("KB203",)),
    good=Example(),
)

REQUIRED = [f"{ESCALATION}/{name}" for name in ESCALATION_FILES]
# Status mappings are optional; once there is one, it maps onto the internal model.
INTERNAL = f"{STATUS_MAPPINGS}/{INTERNAL_FILE}"


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    mappings = any(d.rel.startswith(f"{STATUS_MAPPINGS}/") and d.rel != INTERNAL for d in kb.documents)
    for rel in REQUIRED + ([INTERNAL] if mappings else []):
        path = kb.root / rel
        try:
            if path.is_file():
                continue
            state = "is a directory, not a file" if path.is_dir() else "is missing"
        except OSError:  # its folder cannot be searched: KB021 reports the folder
            continue
        yield Finding(Document(path=Path(path), rel=rel, source=None, data=None), params={"state": state})
