from ..gate.registry import Example, Rule
from ..model.problems import ERROR
from ._tree import RUNBOOK

RULE = Rule(
    code="KB003",
    name="ambiguous-scalar",
    level=ERROR,
    summary=(
        "An unquoted value that YAML 1.1 tools read differently than a person does: "
        "yes/no/on/off become booleans, 010 an octal 8, 1:20 the number 80."
    ),
    message="unquoted {value} reads differently in YAML 1.1 tools",
    hint='write true/false for a flag, or quote the value ("{value}") if it is text',
    why=(
        "Editors, linters and other YAML 1.1 tools read `no` as false, `010` as 8 and `1:20` as 80, so the "
        "same file means one thing to opskb and another to the tool beside it: a country code NO or a time "
        "09:30 silently turns into a boolean or a number."
    ),
    fix=('Write true or false for a flag; quote a value that is text, a code or a time ("no", "010", "09:30").'),
    detected_by=("opskb.model.yamldoc.scan_events",),
    bad=Example(
        replace={RUNBOOK: [("    changes_system: true", "    changes_system: yes")]}, expect=f"{RUNBOOK}:24:21"
    ),
    good=Example(replace={RUNBOOK: [("    changes_system: true", "    changes_system: true")]}),
)
