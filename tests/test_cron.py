"""Quartz cron: the CronTrigger tutorial's examples (hand-checked dates), errors, DST, and a
differential test against croniter on the subset where both dialects agree."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from olclint.domain.quartz import MAX_YEAR, CronError, parse_cron

D = dt.datetime
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
UTC = dt.timezone.utc


def fires(expr: str, start: dt.datetime, count: int) -> list[dt.datetime]:
    cron = parse_cron(expr)
    out: list[dt.datetime] = []
    moment: dt.datetime | None = start
    while len(out) < count:
        moment = cron.next_after(moment)
        if moment is None:
            break
        out.append(moment)
    return out


# (expression, start, the next fire times), checked by hand against a calendar.
TABLE = [
    # "Fire at 12pm (noon) every day"
    ("0 0 12 * * ?", D(2024, 1, 1, 12, 0), [D(2024, 1, 2, 12), D(2024, 1, 3, 12)]),
    # "Fire at 10:15am every day"
    ("0 15 10 ? * *", D(2024, 1, 1), [D(2024, 1, 1, 10, 15), D(2024, 1, 2, 10, 15)]),
    # "Fire at 10:15am every day during the year 2005"
    ("0 15 10 * * ? 2005", D(2004, 6, 1), [D(2005, 1, 1, 10, 15), D(2005, 1, 2, 10, 15)]),
    # "every minute starting at 2pm and ending at 2:59pm, every day"
    ("0 * 14 * * ?", D(2024, 1, 1, 14, 58), [D(2024, 1, 1, 14, 59), D(2024, 1, 2, 14, 0)]),
    # "every 5 minutes starting at 2pm and ending at 2:55pm"
    ("0 0/5 14 * * ?", D(2024, 1, 1, 14, 52), [D(2024, 1, 1, 14, 55), D(2024, 1, 2, 14, 0)]),
    # "every 5 minutes from 2pm to 2:55pm AND from 6pm to 6:55pm"
    (
        "0 0/5 14,18 * * ?",
        D(2024, 1, 1, 14, 55),
        [D(2024, 1, 1, 18, 0), D(2024, 1, 1, 18, 5)],
    ),
    # "every minute starting at 2pm and ending at 2:05pm"
    ("0 0-5 14 * * ?", D(2024, 1, 1, 14, 4), [D(2024, 1, 1, 14, 5), D(2024, 1, 2, 14, 0)]),
    # "2:10pm and at 2:44pm every Wednesday in the month of March" (6 March 2024: Wed)
    (
        "0 10,44 14 ? 3 WED",
        D(2024, 1, 1),
        [D(2024, 3, 6, 14, 10), D(2024, 3, 6, 14, 44), D(2024, 3, 13, 14, 10)],
    ),
    # "10:15am every Monday, Tuesday, Wednesday, Thursday and Friday" (5-8 Jan 2024: Fri-Mon)
    ("0 15 10 ? * MON-FRI", D(2024, 1, 5, 11), [D(2024, 1, 8, 10, 15), D(2024, 1, 9, 10, 15)]),
    # "10:15am on the 15th day of every month"
    ("0 15 10 15 * ?", D(2024, 1, 20), [D(2024, 2, 15, 10, 15), D(2024, 3, 15, 10, 15)]),
    # "10:15am on the last day of every month" (2024 is a leap year)
    (
        "0 15 10 L * ?",
        D(2024, 1, 1),
        [D(2024, 1, 31, 10, 15), D(2024, 2, 29, 10, 15), D(2024, 3, 31, 10, 15)],
    ),
    # "10:15am on the 2nd-to-last last day of every month"
    (
        "0 15 10 L-2 * ?",
        D(2024, 1, 1),
        [D(2024, 1, 29, 10, 15), D(2024, 2, 27, 10, 15), D(2024, 3, 29, 10, 15)],
    ),
    # "10:15am on the last Friday of every month"
    (
        "0 15 10 ? * 6L",
        D(2024, 1, 1),
        [D(2024, 1, 26, 10, 15), D(2024, 2, 23, 10, 15), D(2024, 3, 29, 10, 15)],
    ),
    # "... last Friday of every month during the years 2002, 2003, 2004 and 2005"
    ("0 15 10 ? * 6L 2002-2005", D(2005, 12, 1), [D(2005, 12, 30, 10, 15)]),
    # "10:15am on the third Friday of every month"
    (
        "0 15 10 ? * 6#3",
        D(2024, 1, 1),
        [D(2024, 1, 19, 10, 15), D(2024, 2, 16, 10, 15), D(2024, 3, 15, 10, 15)],
    ),
    # "12pm every 5 days every month, starting on the first day of the month"
    (
        "0 0 12 1/5 * ?",
        D(2024, 1, 25),
        [D(2024, 1, 26, 12), D(2024, 1, 31, 12), D(2024, 2, 1, 12), D(2024, 2, 6, 12)],
    ),
    # "every November 11th at 11:11am"
    ("0 11 11 11 11 ?", D(2024, 1, 1), [D(2024, 11, 11, 11, 11), D(2025, 11, 11, 11, 11)]),
    # W: 1 June 2024 is a Saturday -> Monday 3rd (not Friday 31 May); 1 Sept 2024 a Sunday
    ("0 0 12 1W * ?", D(2024, 5, 15), [D(2024, 6, 3, 12), D(2024, 7, 1, 12), D(2024, 8, 1, 12)]),
    ("0 0 12 1W * ?", D(2024, 8, 15), [D(2024, 9, 2, 12)]),
    # 15 June 2024 Saturday -> Friday 14; 15 Sept 2024 Sunday -> Monday 16
    ("0 0 12 15W * ?", D(2024, 6, 1), [D(2024, 6, 14, 12), D(2024, 7, 15, 12)]),
    ("0 0 12 15W * ?", D(2024, 9, 1), [D(2024, 9, 16, 12)]),
    # 31W: 31 March 2024 is a Sunday and the last day -> Friday 29; April has no 31st
    ("0 0 12 31W * ?", D(2024, 3, 1), [D(2024, 3, 29, 12), D(2024, 5, 31, 12)]),
    # LW: 30 June 2024 Sunday -> Friday 28; 31 Aug 2024 Saturday -> Friday 30
    ("0 0 12 LW * ?", D(2024, 6, 1), [D(2024, 6, 28, 12), D(2024, 7, 31, 12)]),
    ("0 0 12 LW * ?", D(2024, 8, 1), [D(2024, 8, 30, 12)]),
    # L-1W: 30 Nov 2024 Saturday -> Friday 29
    ("0 0 12 L-1W 11 ?", D(2024, 1, 1), [D(2024, 11, 29, 12)]),
    # 5th Monday: only some months have one (Jan 2024: 29th; Feb, Mar: none; Apr: 29th)
    ("0 0 6 ? * 2#5", D(2024, 1, 1), [D(2024, 1, 29, 6), D(2024, 4, 29, 6)]),
    # DOW L alone is 7 = Saturday
    ("0 0 6 ? * L", D(2024, 1, 1), [D(2024, 1, 6, 6), D(2024, 1, 13, 6)]),
    # names and lower case; 1 = Sunday
    ("0 0 6 ? jan,FeB sun", D(2024, 1, 1), [D(2024, 1, 7, 6), D(2024, 1, 14, 6)]),
    ("0 0 6 ? * 1", D(2024, 1, 1), [D(2024, 1, 7, 6)]),
    # wrapping ranges: hours 22-2, FRI-MON (1 Jan 2024 is a Monday)
    (
        "0 0 22-2 ? * FRI-MON",
        D(2024, 1, 1, 0, 30),
        [D(2024, 1, 1, 1), D(2024, 1, 1, 2), D(2024, 1, 1, 22), D(2024, 1, 1, 23)],
    ),
    ("0 0 12 ? * FRI-MON", D(2024, 1, 1, 13), [D(2024, 1, 5, 12), D(2024, 1, 6, 12)]),
    # seconds
    ("*/20 * * * * ?", D(2024, 1, 1, 0, 0, 50), [D(2024, 1, 1, 0, 1), D(2024, 1, 1, 0, 1, 20)]),
    # 30 February never exists: the next 30th is in March
    ("0 0 0 30 * ?", D(2024, 1, 31), [D(2024, 3, 30)]),
]


@pytest.mark.parametrize(("expr", "start", "expected"), TABLE, ids=[t[0] for t in TABLE])
def test_quartz_table(expr: str, start: dt.datetime, expected: list[dt.datetime]) -> None:
    assert fires(expr, start, len(expected)) == sorted(expected)


def test_year_field_ends() -> None:
    cron = parse_cron("0 15 10 * * ? 2005")
    assert cron.next_after(D(2005, 12, 31, 10, 15)) is None
    assert parse_cron("0 0 0 1 1 ? 2099").next_after(D(2099, 1, 1)) is None
    assert parse_cron("0 0 0 1 1 ?").next_after(D(MAX_YEAR, 1, 1)) is None


ERRORS = [
    ("0 0 25 * * ?", 2, "hour '25': Hour values must be between 0 and 23"),
    ("60 0 0 * * ?", 0, "second '60': Minute and Second values must be between 0 and 59"),
    ("0 61 0 * * ?", 1, "minute '61': Minute and Second values must be between 0 and 59"),
    ("0 0 0 32 * ?", 3, "day-of-month '32': Day of month values must be between 1 and 31"),
    ("0 0 0 0 * ?", 3, "day-of-month '0': Day of month values must be between 1 and 31"),
    ("0 0 0 ? 13 *", 4, "month '13': Month values must be between 1 and 12"),
    ("0 0 0 ? * 8", 5, "day-of-week '8': Day-of-Week values must be between 1 and 7"),
    ("0 0 0 ? * 0", 5, "day-of-week '0': Day-of-Week values must be between 1 and 7"),
    ("0 0 0 * * *", 5, "put '?' in one of them"),
    ("0 0 0 ? * ?", 5, "'?' can only be specified for Day-of-Month -OR- Day-of-Week."),
    ("0 0 0 1 * MON", 5, "put '?' in one of them"),
    ("? 0 0 * * ?", 0, "'?' can only be specified for Day-of-Month or Day-of-Week."),
    ("0 0 0 ?XY * 1", 3, "Illegal character after '?': X"),
    ("0 0 0 ? * 6#6", 5, "'6#6': A numeric value between 1 and 5 must follow the '#' option"),
    ("0 0 0 ? * 6#0", 5, "'6#0': A numeric value between 1 and 5 must follow the '#' option"),
    ("0 0 0 L,15 * ?", 3, "'L' and 'LW' with other days of the month is not implemented"),
    ("0 0 0 L-31 * ?", 3, "'L-31': Offset from last day must be <= 30"),
    ("0 0/60 0 * * ?", 1, "minute '0/60': Increment > 60 : 60"),
    ("0 0 0 * FOO ?", 4, "month 'FOO': Invalid Month value: 'FOO'"),
    ("0 0 0 ? * JAN-3", 5, "Invalid Day-of-Week value: 'JAN'"),
    ("0 0 0 ? JAN-3 *", 4, "month 'JAN-3': Illegal cron expression format"),
    ("0 0 0 ? * MON-5", 5, "day-of-week 'MON-5': Illegal cron expression format"),
    ("0 0 x * * ?", 2, "hour 'X': Illegal cron expression format"),
    ("0 0 0 1 1 ? 2010-2005", 6, "Start year must be less than stop year"),
    (f"0 0 0 1 1 ? {MAX_YEAR + 1}/2", 6, "Start year must be less than stop year"),
    ("0 0 0 15W * 2", 5, "put '?' in one of them"),
    ("0 0 0 ? * 1W", 5, "day-of-week '1W': 'W' option is not valid here. (pos=1)"),
    ("0 0 0 5#2 * ?", 3, "day-of-month '5#2': '#' option is not valid here. (pos=1)"),
    ("0 0 0 ? * 1-L", 5, 'NumberFormatException: For input string: "L"'),
    # digits that are not ASCII: Quartz wants 0-9 where a value starts
    ("0 0 \u0663 * * ?", 2, "Unexpected character: \u0663"),
    ("0 0 \u00b3 * * ?", 2, "Unexpected character: \u00b3"),
    ("0 0 1-\u00b3 * * ?", 2, "NumberFormatException"),
    ("0 0 0/\u00b3 * * ?", 2, "NumberFormatException"),
]


@pytest.mark.parametrize(("expr", "index", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_name_the_field(expr: str, index: int, message: str) -> None:
    with pytest.raises(CronError) as info:
        parse_cron(expr)
    assert message in info.value.message
    assert info.value.field_index == index
    assert not info.value.quartz_accepts


@pytest.mark.parametrize("expr", ["0 0 * * *", "", "0", "0 0 0 * *"])
def test_field_count(expr: str) -> None:
    with pytest.raises(CronError, match="6 or 7 fields") as info:
        parse_cron(expr)
    assert info.value.field_index is None
    assert info.value.message.endswith("(Quartz: Unexpected end of expression.)")


# What Quartz 2.3.2 accepts though it is not the documented syntax: (written, its reading).
SLOPPY = [
    ("0 0 0 ? * MON/2", "0 0 0 ? * MON"),
    ("0 0 0 ? * MON-FRI/2", "0 0 0 ? * MON-FRI"),
    ("0 0/0 0 * * ?", "0 0 0 * * ?"),
    ("0 0 */0 * * ?", "0 0 * * * ?"),
    ("0 0 0-5/100 * * ?", "0 0 0 * * ?"),
    ("0 0 1,,2 * * ?", "0 0 1,2 * * ?"),
    ("0 0 5X * * ?", "0 0 5 * * ?"),
    ("0 0 0 ? * MONDAY", "0 0 0 ? * MON"),
    ("0 0 0 1-5W * ?", "0 0 0 1-5 * ?"),
    ("0 0 0 15W,20 * ?", "0 0 0 15W * ?"),
    ("0 0 0 ? * 2,3#2", "0 0 0 ? * 2#2"),
    ("0 0 0 ? * 0#1", "0 0 0 ? * 7#1"),
    ("0 0 0 ? * LW", "0 0 0 ? * SAT"),
    ("0 0 0 ?X * MON", "0 0 0 ? * MON"),
    ("0 0 0 5,? * MON", "0 0 0 ? * MON"),
    ("0 0 0 * * ? 2020 x", "0 0 0 * * ? 2020"),
    ("0 0 /5 * * ?", "0 0 0,5,10,15,20 * * ?"),
    ("0 0 */\u0665 * * ?", "0 0 0,5,10,15,20 * * ?"),  # ARABIC-INDIC DIGIT FIVE
    ("0 0 0 ? * 9#1", "0 0 0 ? * 9#1"),  # never fires
]


@pytest.mark.parametrize(("written", "reading"), SLOPPY, ids=[s[0] for s in SLOPPY])
def test_sloppy_forms_are_read_as_quartz_reads_them(written: str, reading: str) -> None:
    cron = parse_cron(written)
    expected = parse_cron(reading)
    assert cron.day_key == expected.day_key
    assert cron.times_of_day == expected.times_of_day
    assert cron.warnings == (
        f"Quartz 2.3.2 accepts '{written}' but not as written: it reads "
        + cron.warnings[0].split(" it reads ", 1)[1],
    )
    assert cron.warnings[0].endswith(f"that is '{reading}'")
    assert expected.warnings == () or reading.endswith("9#1")


def test_sloppy_warning_names_each_field() -> None:
    cron = parse_cron("0 0 1,,2 ? * MON/2 2030 x")
    assert cron.warnings == (
        "Quartz 2.3.2 accepts '0 0 1,,2 ? * MON/2 2030 x' but not as written: it reads "
        "hour '1,,2' as '1,2'; day-of-week 'MON/2' as 'MON'; nothing of 'X' after the "
        "seventh field; that is '0 0 1,2 ? * MON 2030'",
    )


def test_years_past_2099_fire() -> None:
    assert parse_cron("0 0 0 1 1 ? 2100").next_after(D(2099, 6, 1)) == D(2100, 1, 1)
    assert parse_cron(f"0 0 0 1 1 ? {MAX_YEAR}").next_after(D(2099, 6, 1)) == D(MAX_YEAR, 1, 1)
    assert parse_cron(f"0 0 0 1 1 ? {MAX_YEAR + 1}").next_after(D(2099, 6, 1)) is None
    assert parse_cron("0 0 0 1 1 ? 1969").next_after(D(2000, 1, 1)) is None


@pytest.mark.parametrize("expr", ["L 0 0 * * ?", "0 , 0 * * ?", "0 0 0 ? * ,", "0 0 0 * , ?"])
def test_accepted_but_never_scheduled(expr: str) -> None:
    with pytest.raises(CronError, match="throws NoSuchElementException") as info:
        parse_cron(expr)
    assert info.value.quartz_accepts


def test_defects_are_reported_not_copied() -> None:
    loop = parse_cron("0 0 12 L-28W * ?")
    assert len(loop.defects) == 1 and "never returns" in loop.defects[0]
    assert loop.month_days(2025, 2) == ()  # 28 February - 28: no day
    assert loop.month_days(2024, 2) == (1,)  # 29 February 2024 - 28 = Thursday 1st
    assert parse_cron("0 0 12 L-27W * ?").defects == ()
    past = parse_cron("0 0 12 31W * ?")
    assert len(past.defects) == 1 and "31W on the 30th" in past.defects[0]
    assert past.month_days(2021, 4) == ()  # Quartz fires on Friday 30 April 2021
    assert parse_cron("0 0 12 31W JAN,MAR ?").defects == ()
    assert "never returns" in parse_cron("0 0 12 0W * ?").defects[0]
    assert parse_cron("0 0 12 0W * ?").month_days(2025, 1) == ()


def test_unix_crontab_is_recognised() -> None:
    with pytest.raises(CronError, match="like a Unix crontab line"):
        parse_cron("30 2 * * 1")


# -- time zones and daylight saving time -------------------------------------------------


def test_spring_forward_skips_a_wall_time_that_does_not_exist() -> None:
    # Paris, 30 March 2025: 02:00 -> 03:00. Quartz skips 02:30 that day.
    got = fires("0 30 2 * * ?", D(2025, 3, 29, 12, tzinfo=PARIS), 2)
    assert got == [D(2025, 3, 31, 2, 30, tzinfo=PARIS), D(2025, 4, 1, 2, 30, tzinfo=PARIS)]
    assert [f.utcoffset() for f in got] == [dt.timedelta(hours=2)] * 2


def test_spring_forward_every_half_hour() -> None:
    got = fires("0 0/30 * * * ?", D(2025, 3, 30, 1, 0, tzinfo=PARIS), 3)
    assert [f.astimezone(UTC) for f in got] == [
        D(2025, 3, 30, 0, 30, tzinfo=UTC),  # 01:30 CET
        D(2025, 3, 30, 1, 0, tzinfo=UTC),  # 03:00 CEST
        D(2025, 3, 30, 1, 30, tzinfo=UTC),  # 03:30 CEST
    ]


def test_fall_back_fires_a_repeated_time_at_its_second_occurrence() -> None:
    # Paris, 26 October 2025: 03:00 CEST -> 02:00 CET; 02:30 happens twice, fires once.
    got = fires("0 30 2 * * ?", D(2025, 10, 25, 12, tzinfo=PARIS), 2)
    assert [f.astimezone(UTC) for f in got] == [
        D(2025, 10, 26, 1, 30, tzinfo=UTC),  # 02:30 CET, the second occurrence
        D(2025, 10, 27, 1, 30, tzinfo=UTC),
    ]
    hourly = fires("0 0 * * * ?", D(2025, 10, 26, 1, 30, tzinfo=PARIS), 3)
    assert [f.astimezone(UTC).hour for f in hourly] == [1, 2, 3]  # no 02:00 CEST (00:00 UTC)


def test_next_after_from_inside_the_first_pass_jumps_to_the_second() -> None:
    # 00:10 UTC is 02:10 CEST, the first pass through 02:xx: Quartz reads the wall time
    # 02:10:01 as CET, so the next fire is 02:30 CET, and 03:00 CEST is never reached.
    start = D(2025, 10, 26, 0, 10, tzinfo=UTC).astimezone(PARIS)
    got = parse_cron("0 0/30 * * * ?").next_after(start)
    assert got.astimezone(UTC) == D(2025, 10, 26, 1, 30, tzinfo=UTC)
    start = D(2025, 10, 26, 1, 10, tzinfo=UTC).astimezone(PARIS)  # 02:10 CET
    assert parse_cron("0 0/30 * * * ?").next_after(start).astimezone(UTC) == D(
        2025, 10, 26, 1, 30, tzinfo=UTC
    )


def test_thirty_minute_gap_skips_a_time_that_exists() -> None:
    # Lord Howe, 5 October 2025: 02:00 -> 02:30. Quartz's search sets 02:25, which lands
    # on 02:55, so 02:40 (which exists) is skipped too.
    got = fires("0 25,40 * * * ?", D(2025, 10, 5, 1, 30, tzinfo=LORD_HOWE), 3)
    assert [f.strftime("%H:%M%z") for f in got] == ["01:40+1030", "03:25+1100", "03:40+1100"]
    cron = parse_cron("0 25,40 * * * ?")
    assert cron.last_at_or_before(D(2025, 10, 5, 3, 0, tzinfo=LORD_HOWE)) == got[0]
    assert fires("0 0/10 2 * * ?", D(2025, 10, 5, 1, 0, tzinfo=LORD_HOWE), 2) == [
        D(2025, 10, 5, 2, 30, tzinfo=LORD_HOWE),
        D(2025, 10, 5, 2, 40, tzinfo=LORD_HOWE),
    ]


def test_new_york_and_utc_differ_by_the_zone() -> None:
    start = D(2025, 3, 8, 12, tzinfo=NEW_YORK)
    got = fires("0 30 2 * * ?", start, 2)  # 9 March 2025: 02:00 -> 03:00 in New York
    assert got == [D(2025, 3, 10, 2, 30, tzinfo=NEW_YORK), D(2025, 3, 11, 2, 30, tzinfo=NEW_YORK)]
    assert got[0].astimezone(UTC) == D(2025, 3, 10, 6, 30, tzinfo=UTC)


def test_last_at_or_before() -> None:
    cron = parse_cron("0 0/30 * * * ?")
    when = D(2025, 10, 26, 1, 10, tzinfo=UTC).astimezone(PARIS)  # 02:10 CET
    # the first pass through 02:xx does not fire: the last fire is 02:00 CET
    assert cron.last_at_or_before(when).astimezone(UTC) == D(2025, 10, 26, 1, 0, tzinfo=UTC)
    first_pass = D(2025, 10, 26, 0, 50, tzinfo=UTC).astimezone(PARIS)  # 02:50 CEST
    assert cron.last_at_or_before(first_pass).astimezone(UTC) == D(2025, 10, 25, 23, 30, tzinfo=UTC)
    assert parse_cron("0 0 3 1 1 ?").last_at_or_before(D(2024, 1, 1, 3)) == D(2024, 1, 1, 3)


def test_fire_times_window() -> None:
    cron = parse_cron("0 0 0/6 * * ?")
    got = list(cron.fire_times(D(2024, 1, 1, 6), D(2024, 1, 2, 6)))
    assert got == [D(2024, 1, 1, h) for h in (6, 12, 18)] + [D(2024, 1, 2, 0)]


# -- properties --------------------------------------------------------------------------

_PLAIN = st.sampled_from(
    ["*", "0", "5", "0/15", "*/7", "10-20", "3,17,41", "50-10", "1-59/29", "0/1"]
)
_EXPRS = st.builds(
    lambda s, m, h, days, month: f"{s} {m} {h} {days[0]} {month} {days[1]}",
    _PLAIN,
    _PLAIN,
    st.sampled_from(["*", "0", "2", "22-3", "0/6", "1,13"]),
    st.sampled_from(
        [
            ("*", "?"),
            ("L", "?"),
            ("L-3", "?"),
            ("15W", "?"),
            ("LW", "?"),
            ("1/7", "?"),
            ("?", "6L"),
            ("?", "2#2"),
            ("?", "MON-FRI"),
            ("?", "7,1"),
        ]
    ),
    st.sampled_from(["*", "2", "FEB-APR", "1/5", "NOV-FEB"]),
)


@settings(max_examples=150, deadline=None)
@given(
    _EXPRS,
    st.datetimes(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
    st.sampled_from([PARIS, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), UTC]),
)
def test_next_and_previous_agree(expr: str, start: dt.datetime, zone: dt.tzinfo) -> None:
    cron = parse_cron(expr)
    when = start.replace(tzinfo=zone)
    after = cron.next_after(when)
    before = cron.last_at_or_before(when)
    assert after is not None and before is not None
    assert before.astimezone(UTC) <= when.astimezone(UTC) < after.astimezone(UTC)
    assert cron.next_after(before).astimezone(UTC) == after.astimezone(UTC) or (
        before.astimezone(UTC) == when.astimezone(UTC)
    )
    assert cron.last_at_or_before(after) == after
    assert cron.fires_on(after.date())
    assert after.second in cron.seconds and after.minute in cron.minutes


# -- differential: croniter --------------------------------------------------------------


def _item(rng: random.Random, lo: int, hi: int, shift: int = 0) -> tuple[str, str]:
    """One list item in Quartz and croniter syntax (croniter value = Quartz value - shift)."""
    kind = rng.randrange(5)
    a = rng.randint(lo, hi)
    if kind == 0:
        return str(a), str(a - shift)
    if kind == 1 and a < hi:  # croniter misreads a-a
        b = rng.randint(a + 1, hi)
        return f"{a}-{b}", f"{a - shift}-{b - shift}"
    if kind == 2 and a < hi:
        step = rng.randint(1, max(1, (hi - lo) // 2))
        return f"{a}/{step}", f"{a - shift}-{hi - shift}/{step}"
    if kind == 3 and a < hi:  # croniter misreads a-a/n
        step = rng.randint(1, max(1, (hi - lo) // 2))
        b = rng.randint(a + 1, hi)
        return f"{a}-{b}/{step}", f"{a - shift}-{b - shift}/{step}"
    return "*", "*"


def _field(rng: random.Random, lo: int, hi: int, shift: int = 0) -> tuple[str, str]:
    items = [_item(rng, lo, hi, shift) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    if any(q == "*" for q, _ in items):
        return "*", "*"
    return ",".join(q for q, _ in items), ",".join(c for _, c in items)


def _random_pair(rng: random.Random) -> tuple[str, str]:
    sec = _field(rng, 0, 59) if rng.random() < 0.5 else ("0", "0")
    minute = _field(rng, 0, 59)
    hour = _field(rng, 0, 23)
    month = _field(rng, 1, 12) if rng.random() < 0.4 else ("*", "*")
    if rng.random() < 0.5:
        dom = ("L", "L") if rng.random() < 0.1 else _field(rng, 1, 31)
        dow = ("?", "*")
    else:
        dom = ("?", "*")
        if rng.random() < 0.15:
            day, nth = rng.randint(1, 7), rng.randint(1, 4)
            dow = (f"{day}#{nth}", f"{day - 1}#{nth}")
        else:
            dow = _field(rng, 1, 7, shift=1)
        if dow[0] == "*":
            dow = ("1-7", "*")
    parts = (sec, minute, hour, dom, month, dow)
    return " ".join(p[0] for p in parts), " ".join(p[1] for p in parts)


def test_differential_croniter() -> None:
    croniter = pytest.importorskip("croniter").croniter
    rng = random.Random(20260101)
    compared = 0
    for _ in range(3000):
        quartz, unix = _random_pair(rng)
        start = D(2020, 1, 1) + dt.timedelta(seconds=rng.randrange(10 * 365 * 86400))
        ours = fires(quartz, start, 8)
        it = croniter(unix, start, second_at_beginning=True)
        theirs = [it.get_next(dt.datetime) for _ in range(len(ours))]
        assert ours == theirs, (quartz, unix, start)
        assert len(ours) == 8, quartz
        compared += 1
    assert compared == 3000
