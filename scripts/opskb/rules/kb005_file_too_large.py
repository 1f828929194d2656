from ..gate.registry import Example, Rule
from ..model.problems import ERROR

RULE = Rule(
    code="KB005",
    name="file-too-large",
    level=ERROR,
    summary="The file is larger than a content file can reasonably be (1 MiB).",
    message="file is {size} bytes; the limit is {limit}",
    hint="split the content into several files, or remove what was pasted by mistake",
    why=(
        "No runbook or mapping comes near 1 MiB: a file that large is a pasted log, export or binary, and "
        "reading it slows every check and build for everyone."
    ),
    fix=(
        "Remove what was pasted by mistake (keep logs in the ticket and link to them); if the content is "
        "real, split it into several files, one runbook per incident."
    ),
    detected_by=("opskb.model.yamldoc.load_document", "opskb.model.ruleyaml.read_stream"),
    bad=Example(binary={"runbooks/huge.yaml": b"# padding\n" * 110_000}, expect="runbooks/huge.yaml:1:1"),
    good=Example(),
)
