from ..problems import ERROR
from ..registry import Example, Rule
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
    bad=Example(
        replace={RUNBOOK: [("    changes_system: true", "    changes_system: yes")]}, expect=f"{RUNBOOK}:24:21"
    ),
    good=Example(replace={RUNBOOK: [("    changes_system: true", "    changes_system: true")]}),
)
