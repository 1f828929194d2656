from ..gate.registry import Example, Rule
from ..model.problems import ERROR

RULE = Rule(
    code="KB010",
    name="empty-file",
    level=ERROR,
    summary="The file holds no data (empty, or only comments).",
    message="file is empty",
    hint="fill it in (`opskb new runbook ID` writes a valid start) or delete it",
    why=(
        "An empty file in runbooks/ looks like a runbook to whoever browses the folder but gives the site "
        "nothing to show and L1 nothing to follow; a placeholder left by accident hides that the incident has "
        "no runbook yet."
    ),
    fix=(
        "Fill it in (`opskb new runbook ID` writes a valid start with every required field), or delete the "
        "file until the runbook is written."
    ),
    detected_by=("opskb.model.yamldoc.load_document",),
    bad=Example(files={"runbooks/todo.yaml": "# to be written\n"}, expect="runbooks/todo.yaml:1:1"),
    good=Example(),
)
