from ..gate.registry import Example, Rule
from ..model.problems import ERROR

RULE = Rule(
    code="KB007",
    name="not-utf8",
    level=ERROR,
    summary="The file is not UTF-8 text (another encoding, or binary data).",
    message="byte {byte} is not UTF-8",
    hint="save the file as UTF-8 (e.g. iconv -f cp1251 -t utf-8)",
    why=(
        "Text saved in cp1251 or another code page shows as mojibake on the site and in search results, and "
        "Russian symptom words stop matching; opskb does not guess encodings."
    ),
    fix=(
        "Save the file as UTF-8 in the editor, or convert it: `iconv -f cp1251 -t utf-8 FILE > FILE.new && mv "
        "FILE.new FILE`; set the editor's default encoding to UTF-8."
    ),
    detected_by=("opskb.model.yamldoc._decode", "opskb.model.ruleyaml.read_stream"),
    bad=Example(
        binary={"runbooks/cp1251.yaml": "id: cp1251\ntitle: «Queue»\n".encode("cp1251")},
        expect="runbooks/cp1251.yaml:2:8",
    ),
    good=Example(),
)
