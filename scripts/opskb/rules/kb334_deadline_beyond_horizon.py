from collections.abc import Iterator

from ..gate.registry import Example, Finding, Rule
from ..model.kb import Entity, KnowledgeBase
from ..model.problems import ERROR
from ._tree import SLA

# Four years of calendar time without holidays: the clock counts up to HORIZON_DAYS (five
# years), and no country's holidays take a fifth of its working days.
YEARS = 4

RULE = Rule(
    code="KB334",
    name="deadline-beyond-horizon",
    level=ERROR,
    summary=(
        f"An SLA duration that its working-hours calendar cannot count within {YEARS} years: too little working "
        "time a week for the duration."
    ),
    message=(
        "{field} {duration} on calendar '{calendar}' ({week} of working time a week) ends at least {years} years "
        f"after it starts; deadlines are counted up to {YEARS} years"
    ),
    hint="give the calendar more working hours or days, or the policy a shorter duration",
    why=(
        "Every deadline of the routes on this policy would fall years (or millennia) away: `opskb escalate` "
        "cannot say by when to call, the runbook pages lose their worked deadlines, and each deadline costs "
        "the build a walk over every day until then."
    ),
    fix="Give the calendar the working hours it really has, or the policy the duration it really means.",
    bad=Example(
        replace={
            SLA: [
                ('end: "18:00"', 'end: "09:01"\n    weekdays: [sun]'),
                ("resolve_within: 4h", "resolve_within: 9999h"),
            ]
        },
        expect=f"{SLA}:19:21",
    ),
    good=Example(replace={SLA: [("resolve_within: 4h", "resolve_within: 999d")]}),
)


def _durations(kb: KnowledgeBase, policy: Entity) -> Iterator[tuple[Entity, tuple, str]]:
    """(entity, path, duration) of every duration counted on the policy's clock."""
    for key in ("react_within", "resolve_within"):
        yield policy, (key,), policy.data[key]
    for route in kb.routes.values():
        if route.data["sla"] == policy.id:
            for number, hop in enumerate(route.data["hops"]):
                if "after" in hop:
                    yield route, ("hops", number, "after"), hop["after"]


def _amount(minutes: int) -> str:
    from ..model.durations import humanize

    return humanize(f"{minutes // 60}h") if minutes % 60 == 0 else humanize(f"{minutes}m")


def check(kb: KnowledgeBase) -> Iterator[Finding]:
    from ..escalation.clocks import ClockError, calendar_from
    from ..model.durations import parse_duration

    for policy in kb.sla_policies.values():
        entity = kb.calendars.get(policy.data["clock"])
        if entity is None:
            continue  # 24x7, or a calendar KB203 reports
        try:
            calendar = calendar_from(entity.data)
        except ClockError:
            continue  # KB220, KB221, KB330 report it
        week = calendar.week_length
        for at, path, text in _durations(kb, policy):
            # a day on a working calendar is one working day (opskb.escalation.clocks.deadline_for)
            length = calendar.day_length * int(text[:-1]) if text.endswith("d") else parse_duration(text)
            years = length / week * 7 / 365.25
            if years > YEARS:
                params = {
                    "field": path[-1],
                    "duration": text,
                    "calendar": calendar.id,
                    "week": _amount(int(week.total_seconds() // 60)),
                    "years": f"{years:,.0f}",
                }
                yield Finding(at, path, params)
