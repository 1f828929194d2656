from ..gate.registry import Example, Rule
from ..model.problems import ERROR

_ALIASES = ", ".join(["*tag"] * 21)

RULE = Rule(
    code="KB004",
    name="alias-budget",
    level=ERROR,
    summary="More aliases than a content file needs: the shape of an alias bomb (billion laughs).",
    message="more than {limit} aliases in one file",
    hint="write the values out; content files need no anchors or aliases",
    why=(
        "Each alias repeats its anchor's content, so a few nested anchors expand into gigabytes (the billion "
        "laughs attack) and stall the check, the site build and every command that loads the content. Content "
        "files have nothing to share this way."
    ),
    fix=(
        "Write the repeated values out and remove the & anchors and * aliases; a block that really repeats "
        "belongs in one place that others refer to by id."
    ),
    detected_by=(
        "opskb.model.yamldoc.scan_events",
        "opskb.model.yamldoc._rs_finding",
        "opskb.model.ruleyaml._documents",
    ),
    bad=Example(
        files={"runbooks/aliases.yaml": f"id: aliases\ntags: &tag [x]\nrelated: [{_ALIASES}]\n"},
        expect="runbooks/aliases.yaml:3:131",
    ),
    good=Example(),
)
