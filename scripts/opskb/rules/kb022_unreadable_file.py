from ..problems import ERROR
from ..registry import Example, Rule

RULE = Rule(
    code="KB022",
    name="unreadable-file",
    level=ERROR,
    summary="A content file that cannot be read (no permission, a link loop or a link to nowhere readable).",
    message="cannot read the file: {reason}",
    hint="give the user that runs opskb read permission on the file, or fix the link",
    bad=Example(links={"runbooks/loop.yaml": "loop.yaml"}, expect="runbooks/loop.yaml:1:1"),
    good=Example(),
)
