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
