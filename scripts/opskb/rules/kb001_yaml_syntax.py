from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB001",
    name="yaml-syntax",
    level=ERROR,
    summary="The file is not valid YAML (or cannot be read).",
    message="not valid YAML: {reason}",
    hint="fix the syntax at this position; quote text that contains ': ', '#', '[' or '{{'",
    why=(
        "A file that does not parse is left out whole: its runbook disappears from the site and from `opskb "
        "find`, and everything that refers to it is judged against nothing. One unclosed bracket or an "
        "unquoted ': ' is enough."
    ),
    fix=(
        "Go to the reported line and column; the cause often opens a little earlier (a bracket or quote never "
        "closed). Quote text that starts with [ { * & ! or contains ': ' or ' #', then run `opskb check` "
        "again until the file loads."
    ),
    detected_by=(
        "opskb.model.yamldoc.scan_events",
        "opskb.model.yamldoc._syntax_finding",
        "opskb.model.yamldoc._rs_finding",
        "opskb.model.ruleyaml.read_stream",
        "opskb.model.ruleyaml._documents",
        "opskb.model.ruleyaml._merge",
    ),
    bad=Example(
        replace={RUNBOOK: [("title: Queued jobs are not processed", "title: [Queued jobs are not processed")]},
        expect=f"{RUNBOOK}:3:5",
    ),
    good=Example(
        replace={RUNBOOK: [("title: Queued jobs are not processed", 'title: "[Partner] Jobs not processed"')]},
    ),
)
