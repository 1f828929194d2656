"""Worked deadlines for a runbook page: its chain's deadlines for fixed registration
moments, as static text computed at build time (readable without JavaScript).

The times come from ``opskb.escalation.escalation_plan.plan``, the function ``opskb escalate`` prints,
so the page and the command agree for the same moment. The moments are chosen from the
calendar of the build year, the same for every runbook on a clock:

* the reference week is the first week of the year whose Friday is a working day followed
  by a public holiday on the Monday (the SLA calendar's holidays; for a 24x7 policy, those
  of the first calendar of escalation/sla.yaml that has them); without holidays, the first
  week of the year whose five days all work;
* in it: a working-day morning (the week's first working day, an hour after the calendar
  opens), the Friday afternoon (two hours before it closes) and Friday 23:00.

A working-hours clock then carries over the weekend and the holiday; a 24x7 clock runs
straight through the night, which is what the reader needs to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from ..escalation.clocks import Clock, ClockError, WorkingCalendar, calendar_from, holiday_calendar
from ..escalation.escalation_plan import PlanError, display_zone, plan, route_clock
from ..model.kb import Entity, KnowledgeBase
from .labels import Labels

ANCHOR = "worked-deadlines"
NIGHT = time(23, 0)
DEFAULT_OPEN, DEFAULT_CLOSE = time(9, 0), time(18, 0)


@dataclass(frozen=True)
class ReferenceWeek:
    """The week the moments are taken from, and the holiday that follows its Friday."""

    year: int
    friday: date
    morning: date
    holiday: date | None = None
    holiday_names: tuple[tuple[str, str], ...] = ()

    def holiday_name(self, language: str) -> str:
        return dict(self.holiday_names).get(language, "")


@dataclass(frozen=True)
class Start:
    """One registration moment, as wall-clock time in the zone the chain is shown in."""

    key: str
    wall: datetime


def reference_calendar(kb: KnowledgeBase, clock: Clock) -> WorkingCalendar | None:
    """The calendar whose holidays pick the week: the clock's own, else the first with holidays."""
    if isinstance(clock, WorkingCalendar) and clock.country:
        return clock
    for ident in sorted(kb.calendars):
        data = kb.calendars[ident].data
        if data.get("holidays"):
            try:
                return calendar_from(data)
            except ClockError:
                continue
    return clock if isinstance(clock, WorkingCalendar) else None


@cache
def reference_week(calendar: WorkingCalendar | None, year: int) -> ReferenceWeek:
    """The first week of ``year`` whose working Friday comes before a holiday Monday."""
    friday = date(year, 1, 1)
    friday += timedelta(days=(4 - friday.weekday()) % 7)
    fridays = [friday + timedelta(weeks=n) for n in range(53) if (friday + timedelta(weeks=n)).year == year]
    if calendar is not None and calendar.country:
        for candidate in fridays:
            monday = candidate + timedelta(days=3)
            if calendar.is_working_day(candidate) and not calendar.is_working_day(monday):
                return ReferenceWeek(
                    year, candidate, _first_working(calendar, candidate), monday, _names(calendar, monday)
                )
    for candidate in fridays:
        week = [candidate - timedelta(days=n) for n in range(4, -1, -1)]
        if calendar is None or all(calendar.is_working_day(d) for d in week):
            return ReferenceWeek(year, candidate, week[0])
    return ReferenceWeek(year, fridays[0], fridays[0])


def _first_working(calendar: WorkingCalendar, friday: date) -> date:
    for offset in range(4, -1, -1):
        candidate = friday - timedelta(days=offset)
        if calendar.is_working_day(candidate):
            return candidate
    return friday


def _names(calendar: WorkingCalendar, day: date) -> tuple[tuple[str, str], ...]:
    names = []
    for language, package_language in (("en", "en_US"), ("ru", "ru")):
        try:
            found = holiday_calendar(calendar.country, years=day.year, language=package_language)
        except (NotImplementedError, ValueError):
            continue
        # A day can carry several names joined by "; ": the first is enough here.
        name = (found.get(day) or "").split("; ")[0]
        if name:
            names.append((language, name))
    return tuple(names)


def starts(week: ReferenceWeek, calendar: WorkingCalendar | None) -> list[Start]:
    """The registration moments of a reference week, as wall-clock times."""
    opens = calendar.start if calendar else DEFAULT_OPEN
    closes = calendar.end if calendar else DEFAULT_CLOSE
    morning = (datetime.combine(week.morning, opens) + timedelta(hours=1)).time()
    afternoon = (datetime.combine(week.friday, closes) - timedelta(hours=2)).time()
    night = "night" if week.holiday else "night_plain"
    return [
        Start("morning", datetime.combine(week.morning, morning)),
        Start("afternoon", datetime.combine(week.friday, max(afternoon, opens))),
        Start(night, datetime.combine(week.friday, NIGHT)),
    ]


def worked_plans(
    kb: KnowledgeBase, runbook: Entity, year: int
) -> tuple[ReferenceWeek, list[tuple[Start, dict[str, Any]]]]:
    """The reference week and, for each of its moments, the plan `opskb escalate` prints."""
    chain = route_clock(kb, runbook)
    route, _, clock = chain
    zone = display_zone(kb, route, clock)
    calendar = reference_calendar(kb, clock)
    week = reference_week(calendar, year)
    own = clock if isinstance(clock, WorkingCalendar) else None
    moments = starts(week, own or calendar)
    return week, [(start, plan(kb, runbook, start.wall.replace(tzinfo=zone), zone, chain=chain)) for start in moments]


def for_runbook(part: dict[str, Any], runbook: Entity) -> dict[str, Any]:
    """A route's worked deadlines on one of its runbooks: the command to try them with."""
    return {**part, "command_at": f'opskb escalate {runbook.id} --at "{part["night"]:%Y-%m-%d %H:%M}"'}


def route_part(kb: KnowledgeBase, runbook: Entity, year: int, labels: Labels) -> dict[str, Any] | None:
    """The worked deadlines of ``runbook``'s route as plain text (nothing escaped yet), in
    the language of ``labels`` (the clock they count on is the page's SLA clock, which the
    page describes already), or None when there is no route or SLA clock to count on.
    They depend on the route only (its hops, policy and clock): one runbook's serve
    every runbook of that route, with ``for_runbook`` adding the command to try them."""
    t = labels.get
    try:
        week, plans = worked_plans(kb, runbook, year)
    except (PlanError, ClockError):
        return None
    first = plans[0][1]
    headers = [t("worked.opened"), t("worked.react_by")]
    headers += [t("worked.hop_by", line=hop["line"], team=hop["name"]) for hop in first["hops"] if hop["due"]]
    headers.append(t("worked.resolve_by"))
    rows = []
    for start, result in plans:
        cells = [
            _cell(result["registered"], labels, t(f"worked.start_{start.key}")),
            _cell(result["react_by"]["at"], labels),
        ]
        for hop in (hop for hop in result["hops"] if hop["due"]):
            cells.append(_cell(hop["due"]["at"], labels, _outside_hours_note(hop, labels)))
        cells.append(_cell(result["resolve_or_escalate_by"]["at"], labels))
        rows.append(cells)
    if week.holiday:
        reference = t(
            "worked.reference_holiday",
            year=week.year,
            holiday=week.holiday_name(labels.language),
            holiday_day=labels.day(datetime.combine(week.holiday, time())),
        )
    else:
        reference = t("worked.reference_plain", year=week.year)
    return {
        "anchor": ANCHOR,
        "command": "opskb escalate",
        "zone": first["zone"],
        "reference": reference,
        "night": plans[-1][0].wall,
        # One object per route: the page template renders it once (``shared``).
        "table": {"headers": headers, "rows": rows},
    }


# contact field -> its label, in the order a note offers them
_WRITTEN_CONTACTS = (("chat", "contact.chat"), ("email", "contact.mail"), ("ticket_queue", "contact.queue"))


def _outside_hours_note(hop: dict[str, Any], labels: Labels) -> str | None:
    """A hop due outside the team's hours: phone them, or, for a team without a phone,
    the ways they do have (never "phone them" for a team that has none)."""
    if not hop.get("outside_hours"):
        return None
    contacts = hop["contacts"]
    if contacts.get("phone"):
        return labels.get("worked.outside_hours", hours=hop["outside_hours"])
    kinds = ", ".join(labels.get(label) for field, label in _WRITTEN_CONTACTS if contacts.get(field))
    return labels.get("worked.outside_hours_no_phone", hours=hop["outside_hours"], contacts=kinds)


def _cell(iso: str, labels: Labels, note: str | None = None) -> dict[str, Any]:
    return {"iso": iso, "text": labels.moment(datetime.fromisoformat(iso)), "note": note}
