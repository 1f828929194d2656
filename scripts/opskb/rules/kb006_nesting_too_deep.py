from ..gate.registry import Example, Rule
from ..model.problems import ERROR

RULE = Rule(
    code="KB006",
    name="nesting-too-deep",
    level=ERROR,
    summary="Collections nest deeper than any content kind allows (32 levels).",
    message="nesting deeper than {limit} levels",
    hint="flatten the structure; no content kind nests this deep",
    why=(
        "No content kind nests more than a few levels, so 32 is a mistake or an attack; very deep nesting "
        "makes YAML parsers take quadratic time or crash the process, and the CI gate with it."
    ),
    fix=(
        "Flatten the structure to the shape its schema in schemas/ describes; turn lists nested in lists into "
        "one list of entries with ids."
    ),
    detected_by=(
        "opskb.model.yamldoc.scan_events",
        "opskb.model.yamldoc.load_document",
        "opskb.model.ruleyaml.compose",
        "opskb.model.ruleyaml._documents",
    ),
    bad=Example(
        files={"runbooks/deep.yaml": "id: deep\ntags: " + "[" * 40 + "]" * 40 + "\n"}, expect="runbooks/deep.yaml:2:39"
    ),
    good=Example(),
)
