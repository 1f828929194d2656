from collections.abc import Iterator

from ..kb import KnowledgeBase
from ..problems import ERROR
from ..registry import Example, Finding, Rule
from ._tree import SLA

RULE = Rule(
    code="KB221",
    name="unknown-holiday-calendar",
    level=ERROR,
    summary="A working-hours calendar names a country whose public holidays the holidays package does not know.",
    message="no public-holiday calendar for country '{country}'",
    hint="use an ISO 3166 country code the holidays package supports (RU, KZ, BY...), or leave holidays out",
    why=(
        "A business-hours SLA clock stops on public holidays; for a country the holidays package does not "
        "know, it knows no holiday, so deadlines run through the New Year break and the engineer escalates to "
        "an empty office."
    ),
    fix=(
        "Use an ISO 3166 country code the holidays package supports (RU, KZ, BY...), or leave holidays: out "
        "for a calendar that keeps no public holidays."
    ),
    bad=Example(replace={SLA: [("holidays: RU", "holidays: XX")]}, expect=f"{SLA}:6:15"),
    good=Example(replace={SLA: [("holidays: RU", "holidays: KZ")]}),
)


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..clocks import holidays_exist  # the holidays package loads only when rules run

    for calendar in kb.calendars.values():
        country = calendar.data.get("holidays")
        if country and not holidays_exist(country):
            yield Finding(calendar, ("holidays",), {"country": country})
