from collections.abc import Iterator
from typing import Any

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.problems import ERROR
from ._tree import SLA, TEAMS

RULE = Rule(
    code="KB330",
    name="working-day-ends-before-start",
    level=ERROR,
    summary="A working-hours calendar or a team's working hours end at or before they start.",
    message="the working day ends at {end}, not after it starts at {start}",
    hint="give an end later than the start on the same day; a night shift needs a 24x7 schedule",
    why=(
        "A working day that ends before it starts has no working minutes: business-hours deadlines never run, "
        "or the team is never on duty, so escalation waits for ever."
    ),
    fix=(
        "Give an end later than the start on the same day; a night shift that crosses midnight needs a 24x7 schedule."
    ),
    bad=Example(replace={SLA: [('    end: "18:00"', '    end: "09:00"')]}, expect=f"{SLA}:5:10"),
    good=Example(replace={TEAMS: [('      end: "18:00"', '      end: "17:30"')]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    for calendar in kb.calendars.values():
        yield from _reversed(calendar, calendar.data, ())
    for team in kb.teams.values():
        hours = team.data["hours"]
        if hours["schedule"] == "working_hours":
            yield from _reversed(team, hours, ("hours",))


def _reversed(entity: Entity, hours: dict[str, Any], at: tuple[str, ...]) -> Iterator[Finding]:
    # HH:MM, zero-padded (the schema's clock_time): text order is time order
    if hours["end"] <= hours["start"]:
        yield Finding(entity, (*at, "end"), {"start": hours["start"], "end": hours["end"]})
