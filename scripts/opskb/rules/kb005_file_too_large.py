from ..problems import ERROR
from ..registry import Example, Rule

RULE = Rule(
    code="KB005",
    name="file-too-large",
    level=ERROR,
    summary="The file is larger than a content file can reasonably be (1 MiB).",
    message="file is {size} bytes; the limit is {limit}",
    hint="split the content into several files, or remove what was pasted by mistake",
    bad=Example(binary={"runbooks/huge.yaml": b"# padding\n" * 110_000}, expect="runbooks/huge.yaml:1:1"),
    good=Example(),
)
