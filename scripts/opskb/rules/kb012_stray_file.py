from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import ESCALATION_FILES
from ..model.problems import ERROR

RULE = Rule(
    code="KB012",
    name="stray-file",
    level=ERROR,
    summary="A YAML file where the layout expects none, so its content would be silently ignored.",
    message="this file is not part of the layout and would be ignored",
    hint="content folders are flat, and escalation/ holds only "
    + ", ".join(ESCALATION_FILES)
    + "; move or rename the file",
    why=(
        "opskb reads only the files the layout names: a team list saved as escalation/oncall.yaml or a "
        "runbook in a subfolder is never loaded, so the team or runbook does not exist for the site or for "
        "escalation."
    ),
    fix=(
        "Move the content into the file the layout expects (teams into escalation/teams.yaml, runbooks flat "
        "in runbooks/) or rename the file; keep notes as .md files, which opskb does not read."
    ),
    bad=Example(files={"escalation/oncall.yaml": "teams: []\n"}, expect="escalation/oncall.yaml:1:1"),
    good=Example(files={"escalation/README.md": "Teams, SLA policies and routes live in three files.\n"}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for document in kb.strays:
        yield Finding(document)
