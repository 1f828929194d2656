from ..problems import ERROR
from ..registry import Example, Rule

RULE = Rule(
    code="KB008",
    name="byte-order-mark",
    level=ERROR,
    summary="The file starts with a UTF-8 byte-order mark, which some tools read as text.",
    message="file starts with a byte-order mark",
    hint="save as UTF-8 without BOM",
    bad=Example(binary={"runbooks/bom.yaml": b"\xef\xbb\xbfid: bom\n"}, expect="runbooks/bom.yaml:1:1"),
    good=Example(),
)
