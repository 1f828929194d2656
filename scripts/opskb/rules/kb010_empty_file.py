from ..problems import ERROR
from ..registry import Example, Rule

RULE = Rule(
    code="KB010",
    name="empty-file",
    level=ERROR,
    summary="The file holds no data (empty, or only comments).",
    message="file is empty",
    hint="fill it in (`opskb new runbook ID` writes a valid start) or delete it",
    bad=Example(files={"runbooks/todo.yaml": "# to be written\n"}, expect="runbooks/todo.yaml:1:1"),
    good=Example(),
)
