from ..gate.registry import Example, Rule
from ..model.problems import ERROR

RULE = Rule(
    code="KB022",
    name="unreadable-file",
    level=ERROR,
    summary="A content file that cannot be read (no permission, a link loop or a link to nowhere readable).",
    message="cannot read the file: {reason}",
    hint="give the user that runs opskb read permission on the file, or fix the link",
    why=(
        "The file's runbook or mapping is left out of the site, search and escalation, and references to it "
        "cannot be judged; on CI this is often a link committed to a path that exists only on someone's "
        "laptop."
    ),
    fix=(
        "Give the user that runs opskb read permission (`chmod a+r FILE`), or replace the broken or looping "
        "symbolic link with the file itself."
    ),
    detected_by=("opskb.model.yamldoc.load_document",),
    bad=Example(links={"runbooks/loop.yaml": "loop.yaml"}, expect="runbooks/loop.yaml:1:1"),
    good=Example(),
)
