"""The clean-up overlap search: intervals, DST days, zones, and a brute-force cross-check."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from olclint.domain.quartz import parse_cron
from olclint.domain.schedule import (
    NodeSchedule,
    busy_intervals,
    first_common_busy,
    horizon,
    intersect,
    merge,
    runs,
)

UTC = dt.timezone.utc
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
MIN30 = dt.timedelta(minutes=30)
D = dt.datetime


def node(name: str, expr: str, zone: dt.tzinfo = UTC) -> NodeSchedule:
    return NodeSchedule(name, parse_cron(expr), zone)


def test_horizon_is_one_year_from_utc_midnight() -> None:
    assert horizon(dt.date(2026, 1, 1)) == (D(2026, 1, 1, tzinfo=UTC), D(2027, 1, 1, tzinfo=UTC))
    assert horizon(dt.date(2024, 2, 29))[1] == D(2025, 3, 1, tzinfo=UTC)


def test_runs_merge_close_fire_times() -> None:
    assert runs([0, 60, 120, 600, 700], 60) == [(0, 120), (600, 600), (700, 700)]
    assert runs([0, 60, 120, 600, 700], 100) == [(0, 120), (600, 700)]
    assert runs([], 60) == []


def test_merge_and_intersect() -> None:
    assert merge([(5, 7), (0, 2), (2, 3), (6, 9)]) == [(0, 3), (5, 9)]
    assert intersect([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    assert intersect([(0, 10)], [(10, 20)]) == []  # half-open: touching is not overlapping
    assert intersect([], [(0, 1)]) == []


def test_every_second_is_one_interval_per_day_and_joins_days() -> None:
    cron = parse_cron("0/1 * * * * ?")
    busy = busy_intervals(cron, UTC, 1.0, dt.date(2026, 1, 1), dt.date(2026, 1, 3))
    start = D(2026, 1, 1, tzinfo=UTC).timestamp()
    assert busy == [(start, start + 3 * 86400)]


def test_daily_busy_intervals_follow_dst() -> None:
    cron = parse_cron("0 0 3 * * ?")
    busy = busy_intervals(cron, PARIS, 1800, dt.date(2026, 3, 28), dt.date(2026, 3, 30))
    got = [D.fromtimestamp(a, UTC) for a, _ in busy]
    # 29 March 2026: CET -> CEST at 02:00 local; 03:00 exists on both sides
    assert got == [
        D(2026, 3, 28, 2, tzinfo=UTC),
        D(2026, 3, 29, 1, tzinfo=UTC),
        D(2026, 3, 30, 1, tzinfo=UTC),
    ]
    assert all(b - a == 1800 for a, b in busy)


def test_gap_day_skips_the_fire() -> None:
    cron = parse_cron("0 30 2 * * ?")
    busy = busy_intervals(cron, PARIS, 1800, dt.date(2026, 3, 28), dt.date(2026, 3, 30))
    assert [D.fromtimestamp(a, UTC) for a, _ in busy] == [
        D(2026, 3, 28, 1, 30, tzinfo=UTC),
        D(2026, 3, 30, 0, 30, tzinfo=UTC),
    ]


def test_fall_back_day_every_quarter_hour() -> None:
    # Paris, 25 October 2026: 03:00 CEST -> 02:00 CET; as in Quartz, the first pass
    # through 02:xx (CEST) has no fire and the second (CET) has them all, so with 15 minute
    # runs there is an hour of idle time: 00:00-01:00 UTC.
    cron = parse_cron("0 0/15 * * * ?")
    busy = busy_intervals(cron, PARIS, 900, dt.date(2026, 10, 25), dt.date(2026, 10, 25))
    got = [(D.fromtimestamp(a, UTC), D.fromtimestamp(b, UTC)) for a, b in busy]
    assert got == [
        (D(2026, 10, 24, 22, tzinfo=UTC), D(2026, 10, 25, 0, tzinfo=UTC)),
        (D(2026, 10, 25, 1, tzinfo=UTC), D(2026, 10, 25, 23, tzinfo=UTC)),
    ]


def test_thirty_minute_gap_skips_what_quartz_jumps_over() -> None:
    # Lord Howe, 4 October 2026: 02:00 -> 02:30 (+10:30 -> +11:00). Quartz's search sets
    # 02:25 after the fire at 01:40, lands on 02:55, and so skips 02:40, which exists.
    zone = ZoneInfo("Australia/Lord_Howe")
    cron = parse_cron("0 25,40 1-3 * * ?")
    busy = busy_intervals(cron, zone, 60, dt.date(2026, 10, 4), dt.date(2026, 10, 4))
    got = [D.fromtimestamp(a, UTC).astimezone(zone).strftime("%H:%M%z") for a, _ in busy]
    assert got == ["01:25+1030", "01:40+1030", "03:25+1100", "03:40+1100"]
    # from midnight, the search enters the gap at 02:00, lands on 02:30 and finds 02:40
    cron = parse_cron("0 25,40 2 * * ?")
    busy = busy_intervals(cron, zone, 60, dt.date(2026, 10, 4), dt.date(2026, 10, 4))
    assert [D.fromtimestamp(a, UTC).astimezone(zone).strftime("%H:%M") for a, _ in busy] == [
        "02:40"
    ]


@pytest.mark.parametrize(
    "expr",
    ["0 0/15 * * * ?", "0 25,40 * * * ?", "0 30 2 * * ?", "0 0/7 1-4 * * ?", "30 59 * * * ?"],
)
@pytest.mark.parametrize(
    "zone", ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"]
)
def test_busy_intervals_match_next_after_around_transitions(expr: str, zone: str) -> None:
    tz = ZoneInfo(zone)
    cron = parse_cron(expr)
    for first in (dt.date(2011, 3, 30), dt.date(2011, 9, 20), dt.date(2011, 12, 27)):
        last = first + dt.timedelta(days=12)
        busy = busy_intervals(cron, tz, 120, first, last)
        start = D(first.year, first.month, first.day, tzinfo=tz)
        end = D(last.year, last.month, last.day, tzinfo=tz) + dt.timedelta(days=1)
        listed = merge([(f.timestamp(), f.timestamp() + 120) for f in cron.fire_times(start, end)])
        assert busy == listed, (expr, zone, first)


def test_same_wall_time_in_one_zone_overlaps_at_once() -> None:
    found = first_common_busy(
        [node("master01", "0 0 2 * * ?", PARIS), node("ext01", "0 10 2 * * ?", PARIS)],
        MIN30,
        dt.date(2026, 1, 1),
    )
    assert found is not None
    assert found.instant == D(2026, 1, 1, 1, 10, tzinfo=UTC)
    assert found.fires == (
        ("master01", D(2026, 1, 1, 2, 0, tzinfo=PARIS)),
        ("ext01", D(2026, 1, 1, 2, 10, tzinfo=PARIS)),
    )


def test_staggered_is_none() -> None:
    nodes = [node("a", "0 0 2 * * ?", PARIS), node("b", "0 30 2 * * ?", PARIS)]
    assert first_common_busy(nodes, MIN30, dt.date(2026, 1, 1)) is None  # touching ends
    assert first_common_busy(nodes, MIN30 + dt.timedelta(seconds=1), dt.date(2026, 1, 1))


def test_zones_collide_only_in_summer() -> None:
    # 02:00 Paris is 01:00 UTC in winter and 00:00 UTC in summer; 00:15 UTC overlaps then.
    # DST starts on 29 March 2026, where 02:00 Paris does not exist: first overlap the 30th.
    found = first_common_busy(
        [node("m", "0 0 2 * * ?", PARIS), node("e", "0 15 0 * * ?", UTC)],
        MIN30,
        dt.date(2026, 1, 1),
    )
    assert found is not None
    assert found.instant == D(2026, 3, 30, 0, 15, tzinfo=UTC)
    assert found.fires[0] == ("m", D(2026, 3, 30, 2, 0, tzinfo=PARIS))


def test_different_zones_same_instant() -> None:
    # 09:00 Tokyo (UTC+9) is 00:00 UTC, 19:00 New York (EST, UTC-5) the day before
    found = first_common_busy(
        [node("t", "0 0 9 * * ?", TOKYO), node("n", "0 0 19 * * ?", NEW_YORK)],
        dt.timedelta(minutes=5),
        dt.date(2026, 1, 1),
    )
    assert found is not None
    assert found.instant == D(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert found.fires[1] == ("n", D(2025, 12, 31, 19, 0, tzinfo=NEW_YORK))


def test_a_run_started_before_the_horizon_counts() -> None:
    found = first_common_busy(
        [node("a", "0 50 23 * * ?"), node("b", "0 0 0 * * ?")], MIN30, dt.date(2026, 1, 1)
    )
    assert found is not None
    assert found.instant == D(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert found.fires[0] == ("a", D(2025, 12, 31, 23, 50, tzinfo=UTC))


def test_weekly_schedules_never_meet() -> None:
    nodes = [node("a", "0 0 3 ? * SUN", PARIS), node("b", "0 0 3 ? * MON", PARIS)]
    assert first_common_busy(nodes, MIN30, dt.date(2026, 1, 1)) is None


def test_rare_overlap_is_found_late_in_the_year() -> None:
    # one server on the last day of each month, the other on Fridays: 31 July 2026 is a Friday
    found = first_common_busy(
        [node("a", "0 0 4 L * ?"), node("b", "0 10 4 ? * FRI")], MIN30, dt.date(2026, 1, 1)
    )
    assert found is not None
    assert found.instant == D(2026, 7, 31, 4, 10, tzinfo=UTC)


def test_fewer_than_two_nodes_or_no_duration() -> None:
    assert first_common_busy([node("a", "0 0 2 * * ?")], MIN30, dt.date(2026, 1, 1)) is None
    nodes = [node("a", "0 0 2 * * ?"), node("b", "0 0 2 * * ?")]
    assert first_common_busy(nodes, dt.timedelta(0), dt.date(2026, 1, 1)) is None


def _brute_force(nodes: list[NodeSchedule], duration: dt.timedelta, start: dt.date):
    """Every fire time listed with next_after, then every run start checked against all."""
    h0, h1 = horizon(start)
    lists = []
    for n in nodes:
        moment = (h0 - duration).astimezone(n.zone)
        fires = []
        while True:
            moment = n.cron.next_after(moment)
            if moment is None or moment >= h1:
                break
            fires.append(moment.astimezone(UTC))
        lists.append(fires)

    def busy(fires: list[dt.datetime], t: dt.datetime) -> bool:
        return any(f <= t < f + duration for f in fires)

    candidates = sorted({max(f, h0) for fires in lists for f in fires})
    for t in candidates:
        if t < h1 and all(busy(fires, t) for fires in lists):
            return t
    return None


@pytest.mark.parametrize("seed", range(12))
def test_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    zones = [UTC, PARIS, NEW_YORK, TOKYO, ZoneInfo("Australia/Lord_Howe")]
    exprs = []
    for _ in range(rng.randint(2, 3)):
        minute = rng.choice(["0", "15", "30", "0/20", "5,50"])
        hour = rng.choice(["0", "1", "2", "3", "23", "1-3", "0/8"])
        days = rng.choice(["* * ?", "? * MON-FRI", "L * ?", "? * 1,4", "1/3 * ?", "15W * ?"])
        exprs.append(f"0 {minute} {hour} {days}")
    nodes = [node(f"n{i}", e, rng.choice(zones)) for i, e in enumerate(exprs)]
    duration = dt.timedelta(minutes=rng.choice([10, 30, 90]))
    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(365))
    found = first_common_busy(nodes, duration, start)
    expected = _brute_force(nodes, duration, start)
    assert (found.instant if found else None) == expected, exprs
    if found:
        for name, fire in found.fires:
            assert fire.astimezone(UTC) <= found.instant < fire.astimezone(UTC) + duration, name


def test_thousand_daily_servers_all_overlapping() -> None:
    # the worst case for the sweep (its speed is measured in bench/, not here)
    nodes = [node(f"n{i}", f"{i % 60} {i // 60} 2 * * ?", PARIS) for i in range(1000)]
    found = first_common_busy(nodes, MIN30, dt.date(2026, 1, 1))
    assert found is not None and found.instant == D(2026, 1, 1, 1, 16, 39, tzinfo=UTC)


def test_daily_offset_sampling_finds_every_change_of_every_zone():
    """The offset search samples once a day; an hourly search finds the same segments in
    every installed zone (one of each set of identical zone files) over 2026."""
    import zoneinfo

    from olclint.domain.schedule import _offset_segments

    lo = int(dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    hi = int(dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc).timestamp())
    distinct: dict[bytes, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        for base in zoneinfo.TZPATH:
            path = Path(base, name)
            if path.is_file():
                distinct.setdefault(path.read_bytes(), name)
                break
        else:
            distinct.setdefault(name.encode(), name)  # from the tzdata package
    zones = sorted(distinct.values())
    assert len(zones) > 300
    differ = [
        name
        for name in zones
        if _offset_segments(ZoneInfo(name), lo, hi)
        != _offset_segments(ZoneInfo(name), lo, hi, 3600)
    ]
    assert differ == []


def test_the_zone_days_shared_by_a_run_keep_a_bounded_number_of_day_lists() -> None:
    """The zone days live for the whole run (shared by its clusters): their memo of firing
    days per set of days is bounded, however many distinct schedules a repository has."""
    from olclint.domain import schedule

    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    days = schedule._ZoneDays(ZoneInfo("Europe/Paris"), first, last)
    for a in range(2026, 2100):
        for b in range(a + 1, a + 5):
            days.firing_days(parse_cron(f"0 0 3 * * ? {a},{b}"), first, last)
    assert 0 < len(days._days) <= schedule._DAY_KEYS < 74 * 4
