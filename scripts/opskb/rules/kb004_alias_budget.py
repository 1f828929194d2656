from ..problems import ERROR
from ..registry import Example, Rule

_ALIASES = ", ".join(["*tag"] * 21)

RULE = Rule(
    code="KB004",
    name="alias-budget",
    level=ERROR,
    summary="More aliases than a content file needs: the shape of an alias bomb (billion laughs).",
    message="more than {limit} aliases in one file",
    hint="write the values out; content files need no anchors or aliases",
    bad=Example(
        files={"runbooks/aliases.yaml": f"id: aliases\ntags: &tag [x]\nrelated: [{_ALIASES}]\n"},
        expect="runbooks/aliases.yaml:3:131",
    ),
    good=Example(),
)
