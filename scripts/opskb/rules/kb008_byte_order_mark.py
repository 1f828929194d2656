from ..gate.registry import Example, Rule
from ..model.problems import ERROR

RULE = Rule(
    code="KB008",
    name="byte-order-mark",
    level=ERROR,
    summary="The file starts with a UTF-8 byte-order mark, which some tools read as text.",
    message="file starts with a byte-order mark",
    hint="save as UTF-8 without BOM",
    why=(
        "Tools that do not expect the invisible mark read it as part of the first key (\\ufeffid instead of "
        "id), so the same file has an id for opskb and none for them."
    ),
    fix=(
        "Save the file as UTF-8 without BOM (VS Code: the encoding in the status bar, then Save with "
        "Encoding, UTF-8), or strip the mark: `sed -i '1s/^\\xEF\\xBB\\xBF//' FILE`."
    ),
    detected_by=("opskb.model.yamldoc._decode",),
    bad=Example(binary={"runbooks/bom.yaml": b"\xef\xbb\xbfid: bom\n"}, expect="runbooks/bom.yaml:1:1"),
    good=Example(),
)
