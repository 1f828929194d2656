from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import KnowledgeBase
from ..model.problems import ERROR
from ._tree import SLA

RULE = Rule(
    code="KB221",
    name="unknown-holiday-calendar",
    level=ERROR,
    summary=(
        "A working-hours calendar names a country, or a subdivision of one, whose public holidays the holidays "
        "package does not know."
    ),
    message="no public-holiday calendar for '{country}'",
    hint=(
        "use a country code the holidays package supports (DE, FR, US...), or a country and one of its "
        "subdivisions (DE-BE, US-CA), or leave holidays out"
    ),
    why=(
        "A business-hours SLA clock stops on public holidays; for a country the holidays package does not "
        "know, it knows no holiday, so deadlines run through the New Year break and the engineer escalates to "
        "an empty office."
    ),
    fix=(
        "Use an ISO 3166 country code the holidays package supports (DE, FR, US...), or a country and the "
        "subdivision part of its ISO 3166-2 code where holidays differ by region (DE-BE for Berlin, US-CA), "
        "or leave holidays: out for a calendar that keeps no public holidays."
    ),
    bad=Example(replace={SLA: [("holidays: DE", "holidays: DE-XX")]}, expect=f"{SLA}:6:15"),
    good=Example(replace={SLA: [("holidays: DE", "holidays: DE-BE")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..escalation.clocks import holidays_exist

    for calendar in kb.calendars.values():
        country = calendar.data.get("holidays")
        if country and not holidays_exist(country):
            yield Finding(calendar, ("holidays",), {"country": country})
