"""When do clean-up runs of several servers overlap? Busy intervals and a sweep.

Each server fires its clean-up by a Quartz cron schedule in its own time zone; one run
keeps it busy for `duration` from its fire time: [fire, fire + duration). The question
is the first instant, within a horizon of one year, at which every server is busy.

Nothing here enumerates seconds of calendar time:

- the times of day of a schedule (at most 86,400) are merged once into *runs*: maximal
  chains of fire times less than or equal to `duration` apart, so `0/1 * * * * ?` is one
  run per day, not 86,400 fire times;
- for each firing day, each run becomes one busy interval in UTC seconds (a day with a
  daylight-saving transition is split at the transition, as Quartz 2.3.2 fires and
  `olclint.domain.quartz` documents: wall times that do not exist do not fire, nor do the existing
  ones that Quartz's search jumps over just after the gap; a repeated wall time fires once,
  at its second occurrence);
- each server's intervals are merged, and the servers' interval lists are intersected one
  after the other, stopping as soon as the intersection is empty.

A daily schedule is about 366 intervals per server, so 1,000 servers take a few hundred
thousand steps. Servers with the same schedule and zone share one interval list.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from olclint.domain.quartz import CronExpr

UTC = dt.timezone.utc
_DAY = 86400
_EPOCH_DATE = dt.date(1970, 1, 1)

Interval = tuple[float, float]


@dataclass(frozen=True)
class NodeSchedule:
    name: str
    cron: CronExpr
    zone: dt.tzinfo  # a zoneinfo.ZoneInfo (or datetime.timezone.utc)


@dataclass(frozen=True)
class Overlap:
    """The first instant when every server is busy, and the fire time covering it for each."""

    instant: dt.datetime  # UTC
    fires: tuple[tuple[str, dt.datetime], ...]  # (server, fire time in its zone)


def horizon(start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """One year from the start date: [start 00:00 UTC, same date next year 00:00 UTC).

    A start of 29 February ends on 1 March of the next year.
    """
    try:
        end = start.replace(year=start.year + 1)
    except ValueError:
        end = dt.date(start.year + 1, 3, 1)
    return (
        dt.datetime(start.year, start.month, start.day, tzinfo=UTC),
        dt.datetime(end.year, end.month, end.day, tzinfo=UTC),
    )


def _wall_seconds(date: dt.date) -> int:
    """A local date's midnight on the wall-clock axis (seconds, as if it were UTC)."""
    return (date - _EPOCH_DATE).days * _DAY


def _offset(zone: dt.tzinfo, ts: float) -> int:
    off = dt.datetime.fromtimestamp(ts, zone).utcoffset()
    return int(off.total_seconds()) if off is not None else 0


# Sampling step of the offset search: no zone of the tz database changes its offset and
# back within a day in the years olclint looks at (tests/test_schedule.py checks every
# installed zone against an hourly search).
_STEP = 86400


@functools.lru_cache(maxsize=64)
def _offset_segments(
    zone: dt.tzinfo, lo: int, hi: int, step: int = _STEP
) -> tuple[tuple[int, int, int], ...]:
    """[(utc_start, utc_end, offset)] covering [lo, hi): where the zone's UTC offset is constant.

    Found by sampling every `step` seconds (a day) and bisecting to the second at each
    change. Cached: the clusters of one run share their zones and horizon.
    """
    segments: list[tuple[int, int, int]] = []
    start, current = lo, _offset(zone, lo)
    t = lo
    while t < hi:
        nxt = min(t + step, hi)
        off = _offset(zone, nxt)
        if off != current:
            a, b = t, nxt  # offset(a) == current, offset(b) != current
            while b - a > 1:
                mid = (a + b) // 2
                if _offset(zone, mid) == current:
                    a = mid
                else:
                    b = mid
            segments.append((start, b, current))
            start, current = b, off
        t = nxt
    segments.append((start, hi, current))
    return tuple(segments)


_DAY_KEYS = 256  # firing-day lists kept per zone (a year of days each)


class _ZoneDays:
    """Per local date: the parts of its wall-clock day that fire, with their UTC offset."""

    def __init__(self, zone: dt.tzinfo, first: dt.date, last: dt.date) -> None:
        lo = _wall_seconds(first) - 2 * _DAY
        hi = _wall_seconds(last) + 3 * _DAY
        segs = _offset_segments(zone, lo, hi)
        # Wall ranges of each segment: (from, to, offset, gap). A later segment wins where
        # two overlap (clocks went back: Quartz fires the second occurrence); `gap` is the
        # UTC second a segment starts at when the wall clock jumped forward into it.
        self.walls: list[tuple[int, int, int, int | None]] = []
        for u0, u1, off in segs:
            w0, w1 = u0 + off, u1 + off
            gap = None
            if self.walls and self.walls[-1][1] < w0:
                gap = u0
            while self.walls and self.walls[-1][1] > w0:
                p0, _p1, poff, pgap = self.walls.pop()
                if p0 < w0:
                    self.walls.append((p0, w0, poff, pgap))
                    break
            self.walls.append((w0, w1, off, gap))
        self._starts = [w[0] for w in self.walls]
        self._days: dict[tuple, list] = {}

    def firing_days(
        self, cron: CronExpr, first: dt.date, last: dt.date
    ) -> list[tuple[int | None, int, list[tuple[int, int, int, int | None]]]]:
        """For each local date in [first, last] that `cron` fires on: (shift, base, parts).

        `base` is the date's midnight on the wall axis; `shift` turns seconds of that day
        into UTC seconds when the whole day has one offset (else None, and `parts` says
        which wall seconds exist with which offset). Shared by schedules with the same days.
        """
        key = (cron.day_key, first, last)
        found = self._days.get(key)
        if found is None:
            found = []
            for date in cron.fire_days(first, last):
                base = _wall_seconds(date)
                parts = self.parts(base)
                simple = len(parts) == 1 and parts[0][0] == 0 and parts[0][1] == _DAY
                found.append((base - parts[0][2] if simple else None, base, parts))
            if len(self._days) >= _DAY_KEYS:  # shared by a run's clusters: bounded
                self._days.clear()
            self._days[key] = found
        return found

    def parts(self, day_start: int) -> list[tuple[int, int, int, int | None]]:
        """[(from, to, offset, gap)] in seconds of the day [0, 86400) that exist on that
        day; `gap` (a UTC second) when the part starts right after a forward jump."""
        i = max(0, bisect.bisect_right(self._starts, day_start) - 1)
        out = []
        day_end = day_start + _DAY
        while i < len(self.walls) and self.walls[i][0] < day_end:
            w0, w1, off, gap = self.walls[i]
            a, b = max(w0, day_start), min(w1, day_end)
            if a < b:
                out.append((a - day_start, b - day_start, off, gap if a == w0 else None))
            i += 1
        return out


def runs(times: Sequence[int], duration: float) -> list[tuple[int, int]]:
    """Chains of sorted fire times at most `duration` apart: [(first fire, last fire)]."""
    out: list[tuple[int, int]] = []
    if not times:
        return out
    first = last = times[0]
    for t in times[1:]:
        if t - last <= duration:
            last = t
        else:
            out.append((first, last))
            first = last = t
    out.append((first, last))
    return out


def busy_intervals(
    cron: CronExpr,
    zone: dt.tzinfo,
    duration: float,
    first: dt.date,
    last: dt.date,
    *,
    _zone_days: _ZoneDays | None = None,
) -> list[Interval]:
    """Merged busy intervals in UTC seconds of the runs fired on local dates [first, last]."""
    zone_days = _zone_days or _ZoneDays(zone, first, last)
    times = cron.times_of_day
    day_runs = runs(times, duration)
    raw: list[Interval] = []
    append = raw.append
    for shift, base, parts in zone_days.firing_days(cron, first, last):
        if shift is not None:
            for a, b in day_runs:
                append((a + shift, b + shift + duration))
            continue
        for w0, w1, off, gap in parts:
            if gap is not None:
                w0 = max(w0, _resume(cron, zone, gap) - base)
            i = bisect.bisect_left(times, w0)
            j = bisect.bisect_left(times, w1) - 1
            if i > j:
                continue
            lo, hi = times[i], times[j]
            shift = base - off
            for a, b in day_runs:
                a2, b2 = max(a, lo), min(b, hi)
                if a2 <= b2:
                    append((a2 + shift, b2 + shift + duration))
    return merge(raw)


@functools.lru_cache(maxsize=64)
def _zone_days(zone: dt.tzinfo, first: dt.date, last: dt.date) -> _ZoneDays:
    """One `_ZoneDays` per zone and horizon for the whole run: its days memo is a pure
    function of them."""
    return _ZoneDays(zone, first, last)


def _resume(cron: CronExpr, zone: dt.tzinfo, gap: int) -> float:
    """Where Quartz's first fire after the gap opening at UTC second `gap` is, on the
    wall axis (infinity when there is none)."""
    fire = cron.gap_resume(zone, dt.datetime.fromtimestamp(gap, UTC))
    if fire is None:
        return float("inf")
    wall = fire.astimezone(zone)
    return _wall_seconds(wall.date()) + wall.hour * 3600 + wall.minute * 60 + wall.second


def merge(intervals: Sequence[Interval]) -> list[Interval]:
    """Merge sorted-by-start half-open intervals; touching ones join."""
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def intersect(left: Sequence[Interval], right: Sequence[Interval]) -> list[Interval]:
    """The intersection of two merged interval lists (non-empty parts only)."""
    out: list[Interval] = []
    append = out.append
    n, m = len(left), len(right)
    if not n or not m:
        return out
    i = j = 0
    a0, a1 = left[0]
    b0, b1 = right[0]
    while True:
        lo = a0 if a0 > b0 else b0
        if a1 < b1:
            if lo < a1:
                append((lo, a1))
            i += 1
            if i == n:
                return out
            a0, a1 = left[i]
        else:
            if lo < b1:
                append((lo, b1))
            j += 1
            if j == m:
                return out
            b0, b1 = right[j]


def first_common_busy(
    nodes: Sequence[NodeSchedule], duration: dt.timedelta, start: dt.date
) -> Overlap | None:
    """The first instant in the year from `start` when every node is inside a run.

    Runs that started before the horizon and are still going count. None when there is no
    such instant (or fewer than two nodes).
    """
    seconds = duration.total_seconds()
    if len(nodes) < 2 or seconds <= 0:
        return None
    h0, h1 = horizon(start)
    lo, hi = h0.timestamp(), h1.timestamp()
    margin = int(seconds // _DAY) + 2
    first = start - dt.timedelta(days=margin)
    last = h1.date() + dt.timedelta(days=1)
    cache: dict[tuple[str, object], list[Interval]] = {}
    common: list[Interval] = [(lo, hi)]
    for node in nodes:
        key = (node.cron.text, node.zone)
        busy = cache.get(key)
        if busy is None:
            zone_days = _zone_days(node.zone, first, last)
            busy = busy_intervals(node.cron, node.zone, seconds, first, last, _zone_days=zone_days)
            cache[key] = busy
        common = intersect(common, busy)
        if not common:
            return None
    instant = dt.datetime.fromtimestamp(common[0][0], UTC)
    fires = []
    for node in nodes:
        fire = node.cron.last_at_or_before(instant.astimezone(node.zone))
        assert fire is not None, "a busy server has a fire time"
        fires.append((node.name, fire))
    return Overlap(instant, tuple(fires))
