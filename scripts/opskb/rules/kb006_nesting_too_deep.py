from ..problems import ERROR
from ..registry import Example, Rule

RULE = Rule(
    code="KB006",
    name="nesting-too-deep",
    level=ERROR,
    summary="Collections nest deeper than any content kind allows (32 levels).",
    message="nesting deeper than {limit} levels",
    hint="flatten the structure; no content kind nests this deep",
    bad=Example(
        files={"runbooks/deep.yaml": "id: deep\ntags: " + "[" * 40 + "]" * 40 + "\n"}, expect="runbooks/deep.yaml:2:39"
    ),
    good=Example(),
)
