"""SLA clocks: when a deadline falls, counted on calendar time or on working hours.

Two clocks exist (escalation/sla.yaml): ``24x7`` counts every minute; a working-hours
calendar counts only the minutes between ``start`` and ``end`` on working days in its time
zone, skipping weekends and the public holidays of a country (the ``holidays`` package).
"4 working hours" from Friday 16:00 on a 09:00-18:00 calendar ends Monday 11:00.

Everything here is a pure function of its inputs so that the CLI and the site give the
same answer for the same moment.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property, lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from ..model.durations import parse_duration

CLOCK_24X7 = "24x7"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
# A clock that finds no working minute in ten years is misconfigured; stop rather than spin.
_MAX_DAYS_SEARCHED = 3660
# No deadline is counted further than this from its start, so no deadline costs more than
# this many days of the walk below. The longest duration the schemas allow (999d) is 2.7
# years on 24x7 and about 4 years of working days on a mon-fri calendar; one working
# minute a week and 9999h would be 11,000 years (every deadline past the year 9999, each
# a walk over millions of days). `opskb check` refuses a calendar and duration that need
# more than 4 years without holidays (KB334), which leaves a year for the holidays.
HORIZON_DAYS = 5 * 366
_ONE_DAY = timedelta(days=1)
# A calendar's working days are tabled this many years at a time (from 1 January of the
# start's year): well inside HORIZON_DAYS and _MAX_DAYS_SEARCHED, so a deadline the table
# answers is one the walk would have reached too.
_TABLE_YEARS = 3
_TABLES_KEPT = 64  # tables of one calendar (a table is about 1,100 days): dropped beyond


class ClockError(ValueError):
    """A calendar that cannot be used (unknown time zone or holiday country, end <= start)."""


@dataclass(frozen=True)
class WorkingCalendar:
    """Working hours on working days in a time zone, with a public-holiday calendar."""

    id: str
    timezone: str
    start: time
    end: time
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(5)))
    country: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    @cached_property
    def opens(self) -> timedelta:
        """The start of the working day, from midnight."""
        return timedelta(hours=self.start.hour, minutes=self.start.minute)

    @cached_property
    def closes(self) -> timedelta:
        return timedelta(hours=self.end.hour, minutes=self.end.minute)

    @property
    def day_length(self) -> timedelta:
        return _at(date.min, self.end) - _at(date.min, self.start)

    def is_working_day(self, day: date) -> bool:
        """A listed weekday that is not a holiday, or a weekend day the country moved work to."""
        if self.country is None:
            return day.weekday() in self.weekdays
        return _working_day(self.country, self.weekdays, day)

    @property
    def week_length(self) -> timedelta:
        """Working time in a week without holidays: the most a week can count."""
        return self.day_length * len(self.weekdays)

    @cached_property
    def _tables(self) -> dict[int, WorkingDays | None]:
        return {}

    def working_days(self, year: int) -> WorkingDays | None:
        """The table of this calendar's working days from 1 January of ``year``; None near
        the year 9999, where the walk is left to say where the calendar ends."""
        tables = self._tables
        if year not in tables:
            if len(tables) >= _TABLES_KEPT:
                tables.clear()  # dates over many centuries cost time, never memory
            tables[year] = WorkingDays.of(self, year) if year <= date.max.year - _TABLE_YEARS else None
        return tables[year]

    def describe(self) -> str:
        days = ",".join(WEEKDAYS[i] for i in sorted(self.weekdays))
        where = f", {self.country} holidays" if self.country else ""
        return f"{self.start:%H:%M}-{self.end:%H:%M} {days} {self.timezone}{where}"


Clock = str | WorkingCalendar


@dataclass(frozen=True)
class WorkingDays:
    """A few years of a calendar's working days, each answered by
    ``WorkingCalendar.is_working_day``: a deadline that runs past its first day counts whole
    working days by their index here instead of walking day by day."""

    first: int  # the ordinal of the first day tabled (1 January)
    working: bytes  # per day from ``first``: 1 for a working day
    next_index: array  # per day from ``first``: index in ``midnights`` of the first working day on or after it
    midnights: list[datetime]  # each working day's start, aware, in the calendar's zone

    @classmethod
    def of(cls, calendar: WorkingCalendar, year: int) -> WorkingDays:
        first = date(year, 1, 1)
        count = (date(year + _TABLE_YEARS, 1, 1) - first).days
        working = bytes(calendar.is_working_day(first + timedelta(days=i)) for i in range(count))
        midnights: list[datetime] = []
        next_index = array("i", bytes(4 * count))
        zone = calendar.zone
        for i in range(count - 1, -1, -1):  # backwards: each day points at the next working one
            if working[i]:
                midnights.append(datetime.combine(first + timedelta(days=i), time.min, tzinfo=zone))
            next_index[i] = len(midnights)
        midnights.reverse()
        total = len(midnights)
        for i in range(count):
            next_index[i] = total - next_index[i]  # counted from the end while going backwards
        return cls(first.toordinal(), working, next_index, midnights)


def calendar_from(data: dict[str, Any]) -> WorkingCalendar:
    """A ``WorkingCalendar`` from a calendar entry of escalation/sla.yaml (schema-valid)."""
    start = time.fromisoformat(data["start"])
    end = time.fromisoformat(data["end"])
    if end <= start:
        # Overnight shifts would need a different model; say so instead of guessing.
        raise ClockError(f"calendar {data['id']}: end {data['end']} is not after start {data['start']}")
    weekdays = frozenset(WEEKDAYS.index(d) for d in data.get("weekdays", DEFAULT_WEEKDAYS))
    country = data.get("holidays")
    calendar = WorkingCalendar(data["id"], data["timezone"], start, end, weekdays, country)
    calendar.zone  # noqa: B018  fail early on an unknown zone
    if country:
        _holidays(country)
    return calendar


def clock_of(kb: Any, policy: dict[str, Any]) -> Clock:
    """The clock an SLA policy runs on: ``"24x7"`` or its working-hours calendar."""
    name = policy["clock"]
    if name == CLOCK_24X7:
        return CLOCK_24X7
    entity = kb.calendars.get(name)
    if entity is None:
        raise ClockError(f"SLA policy {policy['id']}: unknown calendar {name!r}")
    return calendar_from(entity.data)


def deadline(start: datetime, duration: timedelta, clock: Clock) -> datetime:
    """The moment ``duration`` of clock time has passed since ``start``.

    ``start`` must be time-zone aware. On ``24x7`` the result is in ``start``'s zone and
    counts real elapsed time (a DST change does not add or lose an hour). On a working
    calendar the result is in the calendar's zone.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ClockError("start time needs a time zone")
    if duration < timedelta(0):
        raise ClockError("duration must not be negative")
    if not isinstance(clock, WorkingCalendar) and clock != CLOCK_24X7:
        raise ClockError(f"unknown clock {clock!r}")
    return counted_deadline(start, duration, clock)


def counted_deadline(start: datetime, duration: timedelta, clock: Clock) -> datetime:
    """``deadline`` without its checks of the arguments, for a caller that has made them
    once for all its calls (a report: aware starts, a policy's known clock and durations,
    a million tickets). ClockError only for a deadline past the year 9999."""
    if clock.__class__ is not WorkingCalendar:  # 24x7
        try:
            return (start.astimezone(UTC) + duration).astimezone(start.tzinfo)
        except OverflowError as err:
            raise ClockError("the deadline falls after the year 9999") from err
    return _working_deadline(start, duration, clock)


def deadline_for(start: datetime, text: str, clock: Clock) -> datetime:
    """``deadline`` for a duration as the content writes it (15m, 4h, 2d)."""
    return deadline(start, clock_duration(text, clock), clock)


def clock_duration(text: str, clock: Clock) -> timedelta:
    """A duration as the content writes it, in the clock's time (what ``deadline`` takes).

    On a working calendar a day means one working day (``end - start``), which is how
    people read "2d" next to working hours; on 24x7 it is 24 hours.
    """
    if isinstance(clock, WorkingCalendar) and text.endswith("d"):
        return clock.day_length * int(text[:-1])
    return parse_duration(text)


def counted_deadlines(start: datetime, durations: Sequence[timedelta], clock: Clock) -> list[datetime]:
    """``counted_deadline`` of each duration from one start (a ticket's reaction and
    resolution): the start is placed on the calendar once."""
    if clock.__class__ is WorkingCalendar:
        return _working_deadlines(start, durations, clock)
    since = start.astimezone(UTC)  # 24x7: once for every duration
    try:
        return [(since + duration).astimezone(start.tzinfo) for duration in durations]
    except OverflowError as err:
        raise ClockError("the deadline falls after the year 9999") from err


def _working_deadline(start: datetime, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    return _working_deadlines(start, (duration,), calendar)[0]


def _working_deadlines(start: datetime, durations: Sequence[timedelta], calendar: WorkingCalendar) -> list[datetime]:
    # Wall-clock time of the calendar's zone: working hours are wall-clock hours. An aware
    # midnight in the zone plus a timedelta is wall-clock arithmetic (the zone's offset is
    # looked up only when the result is compared or printed), as the walk's sums are.
    zone = calendar.zone
    local = start.astimezone(zone)
    day = local.date()
    midnight = datetime.combine(day, time.min, tzinfo=zone)
    now = local - midnight  # same tzinfo: the wall-clock time of day
    opens, closes = calendar.opens, calendar.closes
    table = calendar.working_days(day.year)
    if table is None:
        return [_walk(day, now, duration, calendar) for duration in durations]
    at = day.toordinal() - table.first
    midnights = table.midnights
    length = closes - opens
    found = []
    for duration in durations:
        index = table.next_index[at]
        remaining = duration
        if table.working[at]:
            begin = now if now > opens else opens
            if begin < closes:
                available = closes - begin
                if duration <= available:  # most deadlines end on the day they start
                    found.append(midnight + (begin + duration))
                    continue
                remaining = duration - available
            index += 1
        # every later working day counts whole from opening: the walk's sums, by index
        offset = opens
        if remaining:
            days, part = divmod(remaining, length)
            if not part:  # ends at closing time, not at the next day's opening
                days, part = days - 1, length
            index += days
            offset += part
        if index < len(midnights):
            found.append(midnights[index] + offset)
        else:  # past the table: the walk, which also knows the horizon and the year 9999
            found.append(_walk(day, now, duration, calendar))
    return found


def _walk(day: date, now: timedelta, duration: timedelta, calendar: WorkingCalendar) -> datetime:
    """The deadline counted day by day from ``now`` (time of day) on ``day``: the
    definition the tables must agree with, and the answer beyond them."""
    zone = calendar.zone
    opens, closes = calendar.opens, calendar.closes
    remaining = duration
    # Counted from the last working minute, not from the start: a long duration on a
    # calendar of one working day a week must still end, a calendar with none must not spin.
    idle_days = 0
    last = day + timedelta(days=HORIZON_DAYS) if day < date.max - timedelta(days=HORIZON_DAYS) else date.max
    while idle_days < _MAX_DAYS_SEARCHED:
        idle_days += 1
        if day > last:
            raise ClockError(
                f"calendar {calendar.id}: {duration} of working time ends more than {HORIZON_DAYS} days "
                "after the start; give the calendar more working time or the policy a shorter duration"
            )
        if calendar.is_working_day(day):
            begin = max(now, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return (datetime.combine(day, time.min) + begin + remaining).replace(tzinfo=zone)
                remaining -= available
                idle_days = 0
        if day == date.max:
            raise ClockError("the deadline falls after the year 9999")
        day += _ONE_DAY
        now = timedelta(0)
    raise ClockError(f"calendar {calendar.id}: no working time in {_MAX_DAYS_SEARCHED} days")


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


def zone_exists(name: str) -> bool:
    """Whether ``name`` is a time zone of the IANA database this Python reads."""
    return _found(_zone, name)


def holidays_exist(country: str) -> bool:
    """Whether the holidays package has a public-holiday calendar for this code: a country
    (``DE``) or a country and one of its subdivisions (``DE-BE``, Berlin)."""
    return _found(_holidays, country)


def holiday_calendar(code: str, **options: Any) -> holidays.HolidayBase:
    """The public holidays of ``code``, ``DE`` or ``DE-BE`` (ISO 3166-1, then the
    subdivision part of ISO 3166-2); ``options`` go to the holidays package (years,
    language). NotImplementedError for a country or subdivision it does not know."""
    country, _, subdivision = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None, **options)


def _found(lookup: Callable[[str], object], name: str) -> bool:
    try:
        lookup(name)
    except ClockError:
        return False
    return True


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise ClockError(f"unknown time zone {name!r}") from err


@lru_cache(maxsize=8192)
def _working_day(country: str, weekdays: frozenset[int], day: date) -> bool:
    # cached: a report asks about the same few hundred days for every ticket of a year
    calendar = _holidays(country)
    holiday = day in calendar  # first: the lookup loads the year, moved workdays too
    if day in calendar.weekend_workdays:
        return True
    return day.weekday() in weekdays and not holiday


@cache
def _holidays(country: str) -> holidays.HolidayBase:
    try:
        # Years are filled in lazily by the package as dates are looked up.
        return holiday_calendar(country)
    except NotImplementedError as err:
        raise ClockError(f"no public-holiday calendar for {country!r}") from err
