from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import SLA, TEAMS

RULE = Rule(
    code="KB220",
    name="unknown-time-zone",
    level=ERROR,
    summary="A team's hours or a working-hours calendar name a time zone the IANA database does not have.",
    message="time zone '{zone}' is not in the IANA time zone database",
    hint="use a zone name such as Europe/Berlin or Asia/Yekaterinburg (the TZ identifier, case as written there)",
    why=(
        "Working hours and SLA clocks are computed in the time zone; with a zone that does not exist, who is "
        "on duty now and every business-hours deadline are undefined."
    ),
    fix=(
        "Use an IANA zone name spelt as the database spells it (Europe/Berlin, Asia/Yekaterinburg); "
        "`timedatectl list-timezones` lists them."
    ),
    bad=Example(
        replace={TEAMS: [("      timezone: Europe/Berlin", "      timezone: Mars/Olympus")]}, expect=f"{TEAMS}:12:17"
    ),
    good=Example(replace={SLA: [("timezone: Europe/Berlin", "timezone: Asia/Yekaterinburg")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..escalation.clocks import zone_exists

    for team in kb.teams.values():
        zone = team.data["hours"]["timezone"]
        if not zone_exists(zone):
            yield Finding(team, ("hours", "timezone"), {"zone": zone})
    for calendar in kb.calendars.values():
        zone = calendar.data["timezone"]
        if not zone_exists(zone):
            yield Finding(calendar, ("timezone",), {"zone": zone})
