from collections.abc import Iterator
from pathlib import Path

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.layout import CONTENT_FOLDERS, unreadable_folders
from ..model.problems import ERROR
from ..model.yamldoc import Document

RULE = Rule(
    code="KB021",
    name="unreadable-folder",
    level=ERROR,
    summary=(
        "A content folder that cannot be listed (no permission, a link loop): its files would be left out unsaid."
    ),
    message="cannot list this folder: {reason}",
    hint="give the user that runs opskb read and execute permission on the folder, or fix the link",
    why=(
        "A folder opskb cannot list contributes nothing: every runbook or mapping in it is missing from the "
        "site and from the checks, and nobody would be told."
    ),
    fix=(
        "Give the user that runs opskb (and CI) read and execute permission on the folder (`chmod a+rx "
        "FOLDER`), or replace a symbolic link that loops or points nowhere with the real folder."
    ),
    bad=Example(
        remove=("runbooks/jobs-not-processed.yaml",),
        links={"runbooks": "runbooks"},
        expect="runbooks:1:1",
        also=("KB213",),
    ),
    good=Example(),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for folder in CONTENT_FOLDERS:
        for rel, reason in unreadable_folders(kb.root, folder):
            document = Document(path=Path(kb.root, rel), rel=rel, source=None, data=None)
            yield Finding(document, params={"reason": reason})
