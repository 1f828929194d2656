"""SLA clocks: calendar time and working hours with the Russian public-holiday calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from opskb.escalation.clocks import CLOCK_24X7, ClockError, calendar_from, deadline, deadline_for

MSK = ZoneInfo("Europe/Moscow")
BUSINESS = calendar_from(
    {"id": "msk-business", "timezone": "Europe/Moscow", "start": "09:00", "end": "18:00", "holidays": "RU"}
)
H = timedelta(hours=1)


def msk(*args: int) -> datetime:
    return datetime(*args, tzinfo=MSK)


@pytest.mark.parametrize(
    ("start", "hours", "expected", "why"),
    [
        (msk(2026, 11, 20, 16, 0), 4, msk(2026, 11, 23, 11, 0), "Friday 16:00 + 4h -> Monday 11:00"),
        (msk(2026, 11, 18, 10, 0), 4, msk(2026, 11, 18, 14, 0), "inside one working day"),
        (msk(2026, 11, 18, 14, 0), 4, msk(2026, 11, 18, 18, 0), "ends exactly at closing time"),
        (msk(2026, 11, 18, 7, 30), 1, msk(2026, 11, 18, 10, 0), "before opening: the clock starts at 09:00"),
        (msk(2026, 11, 18, 20, 0), 1, msk(2026, 11, 19, 10, 0), "after closing: next morning"),
        (msk(2026, 11, 21, 12, 0), 4, msk(2026, 11, 23, 13, 0), "registered on Saturday"),
        (
            msk(2025, 12, 30, 17, 0),
            4,
            msk(2026, 1, 12, 12, 0),
            "New Year holidays: 31 Dec and 1-9 Jan 2026 are days off, then a weekend",
        ),
        (msk(2026, 2, 20, 16, 0), 4, msk(2026, 2, 24, 11, 0), "23 Feb (Monday) is a holiday"),
        (msk(2026, 3, 6, 17, 0), 2, msk(2026, 3, 10, 10, 0), "8 March falls on Sunday: 9 March is off"),
        (msk(2026, 4, 30, 17, 0), 4, msk(2026, 5, 4, 12, 0), "1 May (Friday) is a holiday"),
        (msk(2026, 5, 8, 15, 0), 4, msk(2026, 5, 12, 10, 0), "9 May on Saturday moves the day off to 11 May"),
        (msk(2025, 10, 31, 17, 0), 2, msk(2025, 11, 1, 10, 0), "Saturday 1 Nov 2025 is a moved working day"),
        (msk(2026, 11, 20, 16, 0), 9 * 5, msk(2026, 11, 27, 16, 0), "a working week"),
    ],
)
def test_working_hours_deadlines(start: datetime, hours: int, expected: datetime, why: str) -> None:
    assert deadline(start, hours * H, BUSINESS) == expected, why


def test_start_in_another_time_zone_counts_in_the_calendar_zone() -> None:
    # 13:00 UTC on Friday is 16:00 in Moscow: 2 hours left that day, 2 on Monday.
    start = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
    assert deadline(start, 4 * H, BUSINESS) == msk(2026, 11, 23, 11, 0)
    # 23:30 on Thursday in Vladivostok is 16:30 on Thursday in Moscow.
    vladivostok = datetime(2026, 11, 19, 23, 30, tzinfo=ZoneInfo("Asia/Vladivostok"))
    assert deadline(vladivostok, 4 * H, BUSINESS) == msk(2026, 11, 20, 11, 30)


def test_date_line_crossing_start_lands_on_the_right_moscow_day() -> None:
    # Monday 01:00 in Vladivostok is still Sunday 18:00 in Moscow: the clock starts Monday 09:00.
    start = datetime(2026, 11, 23, 1, 0, tzinfo=ZoneInfo("Asia/Vladivostok"))
    assert deadline(start, H, BUSINESS) == msk(2026, 11, 23, 10, 0)


def test_24x7_counts_elapsed_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 29, 1, 30, tzinfo=berlin)  # clocks jump 02:00 -> 03:00
    end = deadline(start, 4 * H, CLOCK_24X7)
    assert end == datetime(2026, 3, 29, 6, 30, tzinfo=berlin)
    assert end.astimezone(UTC) - start.astimezone(UTC) == 4 * H  # same-zone subtraction is wall time


def test_24x7_over_a_weekend_and_holiday_ignores_them() -> None:
    assert deadline(msk(2026, 1, 1, 23, 50), timedelta(minutes=30), CLOCK_24X7) == msk(2026, 1, 2, 0, 20)


def test_days_on_a_working_calendar_are_working_days() -> None:
    assert deadline_for(msk(2026, 11, 20, 16, 0), "1d", BUSINESS) == msk(2026, 11, 23, 16, 0)
    assert deadline_for(msk(2026, 11, 20, 16, 0), "1d", CLOCK_24X7) == msk(2026, 11, 21, 16, 0)
    assert deadline_for(msk(2026, 11, 20, 16, 0), "15m", BUSINESS) == msk(2026, 11, 20, 16, 15)


def test_weekdays_can_include_saturday() -> None:
    six_days = calendar_from(
        {
            "id": "six",
            "timezone": "Europe/Moscow",
            "start": "10:00",
            "end": "16:00",
            "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"],
        }
    )
    assert deadline(msk(2026, 11, 20, 15, 0), 2 * H, six_days) == msk(2026, 11, 21, 11, 0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"holidays": "XX"}, "no public-holiday calendar"),
        ({"start": "18:00", "end": "09:00"}, "not after start"),
    ],
)
def test_bad_calendars_are_clear_errors(data: dict, message: str) -> None:
    base = {"id": "c", "timezone": "Europe/Moscow", "start": "09:00", "end": "18:00"}
    with pytest.raises(ClockError, match=message):
        calendar_from({**base, **data})


def test_naive_start_is_refused() -> None:
    with pytest.raises(ClockError, match="time zone"):
        deadline(datetime(2026, 1, 1, 12, 0), H, CLOCK_24X7)


def test_a_deadline_past_the_horizon_is_an_error_not_a_walk_to_the_year_9999() -> None:
    """One working minute on Sundays and 9999 hours: 11,000 years of Sundays. The clock
    stops at its horizon and says why (before: a walk over 3.6 million days per deadline,
    ending in 'after the year 9999')."""
    from opskb.escalation.clocks import HORIZON_DAYS

    sundays = calendar_from(
        {"id": "sunday-minute", "timezone": "UTC", "start": "09:00", "end": "09:01", "weekdays": ["sun"]}
    )
    with pytest.raises(ClockError, match=f"more than {HORIZON_DAYS} days after the start"):
        deadline_for(datetime(2026, 11, 20, 16, 0, tzinfo=UTC), "9999h", sundays)
    # the longest duration the schema allows still ends on a mon-fri calendar with holidays
    assert deadline_for(msk(2026, 11, 20, 16, 0), "999d", BUSINESS) < msk(2031, 1, 1)


CALENDARS = [
    BUSINESS,  # Moscow, RU holidays and moved working Saturdays, no DST
    calendar_from(  # Berlin: DST changes at 02:00/03:00, Berlin's public holidays
        {"id": "berlin", "timezone": "Europe/Berlin", "start": "08:00", "end": "17:30", "holidays": "DE-BE"}
    ),
    calendar_from(  # a desk open almost all day, six days a week, in a zone whose DST changes at midnight
        {
            "id": "long-days",
            "timezone": "America/Santiago",
            "start": "00:00",
            "end": "23:59",
            "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat"],
            "holidays": "CL",
        }
    ),
    calendar_from({"id": "thin", "timezone": "UTC", "start": "09:00", "end": "09:01", "weekdays": ["sun"]}),
]


def _walked(start: datetime, duration: timedelta, calendar) -> datetime | str:
    """The deadline by the day-by-day walk alone (the definition), or its error."""
    from opskb.escalation.clocks import _walk

    local = start.astimezone(calendar.zone)
    now = local.replace(tzinfo=None) - local.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    try:
        return _walk(local.date(), now, duration, calendar)
    except ClockError as err:
        return str(err)


def _tabled(start: datetime, durations: list[timedelta], calendar) -> list[datetime | str]:
    from opskb.escalation.clocks import counted_deadlines

    try:
        return list(counted_deadlines(start, durations, calendar))
    except ClockError as err:  # one of them has no deadline: each on its own, to compare each
        if len(durations) == 1:
            return [str(err)]
        return [_tabled(start, [duration], calendar)[0] for duration in durations]


def test_tabled_deadlines_agree_with_the_walk_on_many_starts_and_durations() -> None:
    """The working-day tables (a deadline past its first day found by index) against the
    day-by-day walk: random starts over four years (DST changes, holidays, moved working
    days, the turn of a table's years), each with starts at opening, at closing, a second
    before either and at midnight, and durations of nothing, minutes, exact multiples of a
    working day (ending at closing time) and years (past a table: the walk again)."""
    import random

    rng = random.Random(24)
    zones = [ZoneInfo("Europe/Moscow"), ZoneInfo("Europe/Berlin"), UTC, ZoneInfo("Asia/Vladivostok")]
    checked = 0
    for calendar in CALENDARS:
        day_length = calendar.day_length
        durations = [
            timedelta(0),
            timedelta(minutes=1),
            timedelta(minutes=15),
            H,
            4 * H,
            day_length,
            day_length * 2,
            day_length * 5 + timedelta(minutes=1),
        ] + [rng.randint(1, 30 * 60) * day_length / 60 for _ in range(6)]  # up to 30 working days
        # years of working time, walked for a few starts only (each walk is over a thousand days)
        long = [day_length * 260, day_length * 999, timedelta(hours=9999)]
        for round in range(50):
            day = datetime(2025, 1, 1) + timedelta(days=rng.randint(0, 4 * 366))
            times = [
                timedelta(minutes=rng.randint(0, 24 * 60 - 1), seconds=rng.randint(0, 59)),
                calendar.opens,
                calendar.closes,
                calendar.closes - timedelta(seconds=1),
                calendar.opens - timedelta(seconds=1),
                timedelta(0),
            ]
            for moment in times:
                start = (day + moment).replace(tzinfo=calendar.zone).astimezone(rng.choice(zones))
                these = durations + long if round % 10 == 0 and moment == times[0] else durations
                tabled = _tabled(start, these, calendar)
                for duration, found in zip(these, tabled, strict=True):
                    expected = _walked(start, duration, calendar)
                    assert found == expected, (calendar.id, start, duration)
                    if isinstance(found, datetime):
                        assert found.isoformat() == expected.isoformat(), (calendar.id, start, duration)
                    checked += 1
    assert checked > 5_000


def test_a_table_ends_where_its_years_end_and_the_walk_takes_over() -> None:
    """A deadline beyond the tabled years (three from 1 January of the start's year) is
    the walk's: the same moment as counting on (here 600 working days from late December
    2027, past the end of its table, 1 January 2030)."""
    from opskb.escalation.clocks import counted_deadlines

    start = msk(2027, 12, 30, 12, 0)
    durations = [BUSINESS.day_length * 600, BUSINESS.day_length * 2]
    found = counted_deadlines(start, durations, BUSINESS)
    assert found == [_walked(start, d, BUSINESS) for d in durations]
    assert found[0] > msk(2030, 1, 1) > found[1]
