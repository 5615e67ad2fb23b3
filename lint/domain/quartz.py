"""Quartz cron expressions as Quartz 2.3.2 reads them, and their fire times.

The dialect is Quartz's `org.quartz.CronExpression` (the clean-up schedule of OL Connect):

    second minute hour day-of-month month day-of-week [year]

- seconds 0-59, minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC,
  day-of-week 1-7 = SUN-SAT (not Unix numbering), year (optional: every year);
- `*`, lists `a,b`, ranges `a-b` (a range may wrap: `FRI-MON`, `22-2`), steps `a/n`,
  `*/n`, `a-b/n`; names are case-insensitive;
- `?` in exactly one of day-of-month and day-of-week;
- day-of-month: `L` (last day), `L-n` (n days before it), `LW` (last weekday), `L-nW`,
  `nW` (the weekday nearest to day n, never leaving the month);
- day-of-week: `L` alone is 7 (Saturday), `nL` the last day n of the month, `n#k` the
  k-th (1-5) day n of the month.

What Quartz accepts is decided by a port of its parser (`storeExpressionVals`,
`checkNext`, `addToSet`), checked against Quartz 2.3.2 itself (tests/test_quartz_oracle.py).
That parser reads many sloppy forms without complaint, and `parse_cron` accepts them too,
since Connect runs them: `MON/2` is `MON` (a step after a name is ignored), `0/0` is `0`,
`1,,2` is `1,2`, `5X` is `5`, `MONDAY` is `MON`, `1-5W` is `1-5`, `?X` is `?`, an eighth
field is ignored, a year may be anything. Each such form leaves a line in
`CronExpr.warnings` saying how Quartz reads it. It refuses what Quartz refuses (`JAN-3`,
`MON-5`, `?` in both day fields, a digit that is not ASCII where Quartz wants one...) with
a `CronError`. A few expressions Quartz accepts but then cannot compute a fire time for (a
field left empty, such as `L` as the seconds): its scheduler throws, so Connect never runs
them, and `parse_cron` refuses them too, saying so.

Quartz 2.3.2 has defects that olclint does not copy into the schedule; each leaves a line
in `CronExpr.defects`:

- `L-nW` whose day falls before the 1st (n of 28 or more in February, 30 in a 30-day
  month), and `0W`: Quartz's `getTimeAfter` never returns (an endless loop in the
  scheduler thread). olclint does not fire in such a month.
- `nW` for a day past the end of a shorter month (`31W` in April, `29W` in February):
  Quartz works from the lenient date (the 1st or 2nd of the next month) and can fire on the
  30th (for `31W` when the 1st of the next month is a Saturday). olclint does not fire in
  such a month, as `W` never leaves the month.

Time zones follow what Quartz's `getTimeAfter` does with a lenient
`java.util.GregorianCalendar`: fire times are wall-clock times in the trigger's zone, and
every wall time Quartz sets is resolved to the *later* of its two readings. So a wall time
that happens twice (clocks going back) fires once, at its **second** occurrence, and no
time of the first pass through the repeated hour fires; a wall time that does not exist
(clocks going forward) does not fire; and when Quartz's search steps into the gap it lands
past it by the gap's length, so an existing time just after the gap can be skipped too
(with Lord Howe's 30-minute shift, `0 25,40 * * * ?` skips 02:40). `next_after` follows
Quartz's search step by step to get this right. Fire times stop after Quartz's year limit,
`CronExpression.MAX_YEAR`: the current year + 100.

`parse_cron` raises `CronError(message, field_index)`; everything else is pure.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

FIELD_NAMES = ("second", "minute", "hour", "day-of-month", "month", "day-of-week", "year")
SECOND, MINUTE, HOUR, DOM, MONTH, DOW, YEAR = range(7)
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_MONTH_NUMBER = {n: i + 1 for i, n in enumerate(_MONTHS)}
_DAY_NUMBER = {n: i + 1 for i, n in enumerate(_DAYS)}
#: Quartz's `CronExpression.MAX_YEAR`: the year when its class is loaded, plus 100.
MAX_YEAR = dt.date.today().year + 100
_YEAR_CAP = 3000  # Quartz's getTimeAfter gives up past 2999: larger years never matter
_ALL, _NO = 99, 98  # Quartz's markers for '*' and '?'
_LOW = (0, 0, 0, 1, 1, 1, 1970)
_HIGH = (59, 59, 23, 31, 12, 7, MAX_YEAR)
_WRAP = (60, 60, 24, 31, 12, 7, None)
_UTC = dt.timezone.utc
_SECOND = dt.timedelta(seconds=1)


class CronError(ValueError):
    """A cron expression Connect cannot run; `field_index` is 0-6 or None (whole text).

    `quartz_accepts` is True for the few that Quartz parses but cannot schedule.
    """

    def __init__(
        self, message: str, field_index: int | None = None, *, quartz_accepts: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field_index = field_index
        self.quartz_accepts = quartz_accepts

    @property
    def field_name(self) -> str | None:
        return None if self.field_index is None else FIELD_NAMES[self.field_index]


@dataclass(frozen=True)
class CronExpr:
    """A parsed Quartz cron expression, as Quartz reads it.

    `dom_*` describe day-of-month and are used when `dom_active`; otherwise `dow_*`.
    Times of day are seconds since midnight (wall clock). `warnings`: how Quartz reads a
    sloppy form; `defects`: what Quartz's scheduler gets wrong on this expression.
    """

    text: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: frozenset[int]
    years: frozenset[int] | None  # None: every year (up to MAX_YEAR)
    dom_active: bool
    dom_days: frozenset[int] = frozenset()
    dom_last: int | None = None  # L (0) or L-n (n)
    dom_weekday: bool = False  # W: nearest weekday to the single day / to the last day - n
    dow_days: frozenset[int] = frozenset()  # 1 = Sunday ... 7 = Saturday
    dow_last: int | None = None  # nL
    dow_nth: tuple[int, int] | None = None  # n#k (n above 7 never fires)
    warnings: tuple[str, ...] = field(default=(), compare=False)
    defects: tuple[str, ...] = field(default=(), compare=False)
    _cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __str__(self) -> str:
        return self.text

    @property
    def day_key(self) -> tuple:
        """What decides the firing days (not the times of day): equal keys, equal days."""
        return (
            self.months,
            self.years,
            self.dom_active,
            self.dom_days,
            self.dom_last,
            self.dom_weekday,
            self.dow_days,
            self.dow_last,
            self.dow_nth,
        )

    # -- calendar ------------------------------------------------------------------------

    @property
    def times_of_day(self) -> tuple[int, ...]:
        """Every fire time of a firing day, as sorted seconds since midnight."""
        times = self._cache.get("tod")
        if times is None:
            times = tuple(
                h * 3600 + m * 60 + s
                for h in self.hours
                for m in self.minutes
                for s in self.seconds
            )
            self._cache["tod"] = times
        return times

    def month_days(self, year: int, month: int) -> tuple[int, ...]:
        """The days of `month` on which this expression fires (sorted)."""
        key = (year, month)
        days = self._cache.get(key)
        if days is None:
            days = self._compute_month_days(year, month)
            self._cache[key] = days
        return days

    def _compute_month_days(self, year: int, month: int) -> tuple[int, ...]:
        if month not in self.months or (self.years is not None and year not in self.years):
            return ()
        first_weekday, last = calendar.monthrange(year, month)  # Monday = 0

        def quartz_dow(day: int) -> int:
            return (first_weekday + day - 1 + 1) % 7 + 1

        if self.dom_active:
            if self.dom_last is not None:
                target = last - self.dom_last
                if target < 1:
                    return ()
                return (
                    (_nearest_weekday(target, last, quartz_dow),) if self.dom_weekday else (target,)
                )
            if self.dom_weekday:
                (day,) = self.dom_days
                return (_nearest_weekday(day, last, quartz_dow),) if 1 <= day <= last else ()
            return tuple(d for d in sorted(self.dom_days) if d <= last)
        if self.dow_last is not None:
            day = last
            while quartz_dow(day) != self.dow_last:
                day -= 1
            return (day,)
        if self.dow_nth is not None:
            weekday, nth = self.dow_nth
            if not 1 <= weekday <= 7:
                return ()
            day = 1
            while quartz_dow(day) != weekday:
                day += 1
            day += 7 * (nth - 1)
            return (day,) if day <= last else ()
        return tuple(d for d in range(1, last + 1) if quartz_dow(d) in self.dow_days)

    def fires_on(self, day: dt.date) -> bool:
        return day.day in self.month_days(day.year, day.month)

    def _next_year(self, year: int) -> int | None:
        """The first year >= `year` that the year field allows (None: none to MAX_YEAR)."""
        if self.years is None:
            return year if year <= MAX_YEAR else None
        allowed = self._cache.get("years")
        if allowed is None:
            allowed = self._cache["years"] = sorted(y for y in self.years if y <= MAX_YEAR)
        i = bisect.bisect_left(allowed, year)
        return allowed[i] if i < len(allowed) else None

    def fire_days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The dates in [first, last] on which this expression fires, in order."""
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month):
            allowed = self._next_year(year)
            if allowed is None:
                return
            if allowed != year:
                year, month = allowed, 1
                continue
            for day in self.month_days(year, month):
                date = dt.date(year, month, day)
                if first <= date <= last:
                    yield date
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def next_fire_date(self, first: dt.date) -> dt.date | None:
        """The first firing date on or after `first` (None: none up to MAX_YEAR)."""
        return next(self.fire_days(first, dt.date(MAX_YEAR, 12, 31)), None)

    def _wall_fires(self, start: dt.datetime, reverse: bool = False) -> Iterator[dt.datetime]:
        """Naive wall-clock fire times from `start` (inclusive), forwards or backwards."""
        times = self.times_of_day
        start_sec = start.hour * 3600 + start.minute * 60 + start.second
        if not reverse:
            first = True
            for day in self.fire_days(start.date(), dt.date(MAX_YEAR, 12, 31)):
                base = dt.datetime(day.year, day.month, day.day)
                skip = bisect.bisect_left(times, start_sec) if first and day == start.date() else 0
                first = False
                for sec in times[skip:]:
                    yield base + dt.timedelta(seconds=sec)
            return
        year, month = min(start.year, MAX_YEAR), start.month if start.year <= MAX_YEAR else 12
        while year >= 1970:
            for day in reversed(self.month_days(year, month)):
                date = dt.date(year, month, day)
                if date > start.date():
                    continue
                base = dt.datetime(year, month, day)
                end = bisect.bisect_right(times, start_sec) if date == start.date() else len(times)
                for sec in reversed(times[:end]):
                    yield base + dt.timedelta(seconds=sec)
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)

    # -- zoned times ---------------------------------------------------------------------

    def next_after(self, after: dt.datetime) -> dt.datetime | None:
        """The first fire time strictly after `after`, or None (none up to MAX_YEAR).

        A naive `after` is read as wall-clock time and a naive result returned; an aware
        one is evaluated in its own time zone (a `zoneinfo.ZoneInfo` or a fixed offset) as
        Quartz's `getNextValidTimeAfter` does (the module docstring says how), and the
        result is in that zone.
        """
        if not self.times_of_day:
            return None
        if after.tzinfo is None:
            moment = dt.datetime.combine(after.date(), after.time(), _UTC)
            found = _quartz_next(self, moment, None)
            return None if found is None else found.replace(tzinfo=None)
        return _quartz_next(self, after, after.tzinfo)

    def last_at_or_before(self, when: dt.datetime) -> dt.datetime | None:
        """The latest fire time at or before `when` (naive: wall clock; aware: its zone)."""
        zone = when.tzinfo
        if zone is None:
            return next(self._wall_fires(when.replace(microsecond=0), reverse=True), None)
        target = when.astimezone(_UTC)
        local = when.astimezone(zone).replace(tzinfo=None, microsecond=0, fold=0)
        for wall in self._wall_fires(local + dt.timedelta(hours=3), reverse=True):
            zoned = to_zoned(wall, zone)
            if zoned is None or zoned.astimezone(_UTC) > target:
                continue
            if self._fires_after_gap(zoned):
                return zoned
        return None

    def _fires_after_gap(self, zoned: dt.datetime) -> bool:
        """False when `zoned`, a wall time that exists, is skipped by Quartz's search: it
        lies within a gap's length after a gap, before the first fire Quartz finds there."""
        zone = zoned.tzinfo
        moment = zoned.astimezone(_UTC)
        for instant, length in zone_gaps(zone, moment - dt.timedelta(hours=25), moment):
            if instant <= moment < instant + length:
                resume = self.gap_resume(zone, instant)
                if resume is None or moment < resume.astimezone(_UTC):
                    return False
        return True

    def gap_resume(self, zone: dt.tzinfo, instant: dt.datetime) -> dt.datetime | None:
        """The first fire time Quartz finds after the gap that opens at `instant` (UTC):
        its search from the last fire time before the gap."""
        key = ("gap", zone, instant)
        if key not in self._cache:
            before = self.last_at_or_before((instant - _SECOND).astimezone(zone))
            start = before if before is not None else (instant - _SECOND).astimezone(zone)
            self._cache[key] = self.next_after(start)
        return self._cache[key]

    def fire_times(self, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
        """Every fire time in [start, end), lazily (both naive, or both aware)."""
        moment = start - dt.timedelta(microseconds=1)
        while True:
            moment = self.next_after(moment)
            if moment is None or moment >= end:
                return
            yield moment


def _nearest_weekday(day: int, last: int, quartz_dow) -> int:
    weekday = quartz_dow(day)
    if weekday == 7:  # Saturday: Friday, or Monday the 3rd when the 1st
        return day + 2 if day == 1 else day - 1
    if weekday == 1:  # Sunday: Monday, or Friday when the last day
        return day - 2 if day == last else day + 1
    return day


# -- wall clock and instants, as java.util.GregorianCalendar resolves them ------------------


def resolve_wall(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The instant (UTC) a lenient Java calendar gives a naive wall time in `zone`: the
    later of its two readings when the time is repeated (clocks going back) or does not
    exist (clocks going forward; the result is then past the gap by its length)."""
    early = wall.replace(tzinfo=zone, fold=0).utcoffset()
    late = wall.replace(tzinfo=zone, fold=1).utcoffset()
    offset = early if early <= late else late
    return (wall - offset).replace(tzinfo=_UTC)


def to_zoned(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime | None:
    """A wall-clock time in `zone` as Quartz fires it: None when it does not exist that day
    (clocks went forward), its second occurrence when it happens twice (clocks went back)."""
    instant = resolve_wall(wall, zone)
    zoned = instant.astimezone(zone)
    if zoned.replace(tzinfo=None, fold=0) != wall:
        return None
    return zoned


def zone_gaps(
    zone: dt.tzinfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.timedelta]]:
    """The forward jumps of `zone` in (start, end]: (UTC instant, length), found by
    sampling every 30 minutes and bisecting to the second."""
    found = []
    step = dt.timedelta(minutes=30)
    t = start.astimezone(_UTC)
    end = end.astimezone(_UTC)
    offset = t.astimezone(zone).utcoffset()
    while t < end:
        nxt = min(t + step, end)
        off = nxt.astimezone(zone).utcoffset()
        if off != offset:
            lo, hi = t, nxt
            while hi - lo > _SECOND:
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid.astimezone(zone).utcoffset() == offset:
                    lo = mid
                else:
                    hi = mid
            if off > offset:
                found.append((hi, off - offset))
            offset = off
        t = nxt
    return found


class _Calendar:
    """Just enough of a lenient java.util.GregorianCalendar: wall fields that `set` changes
    and `complete` resolves (normalizing overflows, then `resolve_wall`)."""

    __slots__ = ("dirty", "fields", "instant", "zone")

    def __init__(self, zone: dt.tzinfo | None, instant: dt.datetime) -> None:
        self.zone = zone
        self.instant = instant
        wall = instant if zone is None else instant.astimezone(zone)
        self.fields = [wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second]
        self.dirty = True  # Quartz sets MILLISECOND right away

    def set(self, index: int, value: int) -> None:
        self.fields[index] = value
        self.dirty = True

    def complete(self) -> list[int]:
        if self.dirty:
            year, month, day, hour, minute, second = self.fields
            year += (month - 1) // 12
            month = (month - 1) % 12 + 1
            wall = dt.datetime(year, month, 1) + dt.timedelta(
                days=day - 1, hours=hour, minutes=minute, seconds=second
            )
            if self.zone is None:
                self.instant = wall.replace(tzinfo=_UTC)
            else:
                self.instant = resolve_wall(wall, self.zone)
                wall = self.instant.astimezone(self.zone)
            self.fields = [wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second]
            self.dirty = False
        return self.fields

    def set_hour(self, hour: int) -> None:
        """Quartz's setCalendarHour: one hour later when the hour does not exist."""
        self.set(3, hour)
        if self.complete()[3] != hour and hour != 24:
            self.set(3, hour + 1)


_Y, _MO, _D, _H, _MI, _S = range(6)


def _quartz_next(cron: CronExpr, after: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime | None:
    """Quartz's getTimeAfter, step by step for the time of day (where daylight saving time
    matters), with the firing days of `cron.month_days` (which do not copy its defects)."""
    seconds, minutes, hours = cron.seconds, cron.minutes, cron.hours
    start = after.astimezone(_UTC).replace(microsecond=0) + _SECOND
    cal = _Calendar(zone, start)
    while True:
        f = cal.complete()
        if f[_Y] > 2999:
            return None
        sec, minute = f[_S], f[_MI]
        i = bisect.bisect_left(seconds, sec)
        if i < len(seconds):
            sec = seconds[i]
        else:
            sec = seconds[0]
            cal.set(_MI, minute + 1)
        cal.set(_S, sec)
        f = cal.complete()
        minute, hour = f[_MI], f[_H]
        i = bisect.bisect_left(minutes, minute)
        if i < len(minutes):
            same = minutes[i] == minute
            minute = minutes[i]
        else:
            same = False
            minute = minutes[0]
            hour += 1
        if not same:
            cal.set(_S, 0)
            cal.set(_MI, minute)
            cal.set_hour(hour)
            continue
        cal.set(_MI, minute)
        f = cal.complete()
        hour, day = f[_H], f[_D]
        i = bisect.bisect_left(hours, hour)
        if i < len(hours):
            same = hours[i] == hour
            hour = hours[i]
        else:
            same = False
            hour = hours[0]
            day += 1
        if not same:
            cal.set(_S, 0)
            cal.set(_MI, 0)
            cal.set(_D, day)
            cal.set_hour(hour)
            continue
        cal.set(_H, hour)
        f = cal.complete()
        date = dt.date(f[_Y], f[_MO], f[_D])
        nxt = cron.next_fire_date(date) if date.year <= MAX_YEAR else None
        if nxt is None:
            return None
        if nxt != date:
            cal.fields = [nxt.year, nxt.month, nxt.day, 0, 0, 0]
            cal.dirty = True
            continue
        return cal.instant if zone is None else cal.instant.astimezone(zone)


# -- parsing: Quartz 2.3.2's parser ----------------------------------------------------------


class _Refused(Exception):
    """Quartz's ParseException (or a runtime exception its constructor turns into one)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _illegal(java_exception: str) -> _Refused:
    return _Refused(f"Illegal cron expression format ({java_exception})")


def _java_int(text: str) -> int:
    """Integer.parseInt: an optional sign, then Unicode decimal digits, in int range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body:
        raise _illegal(f'java.lang.NumberFormatException: For input string: "{text}"')
    value = 0
    for ch in body:
        digit = unicodedata.decimal(ch, None)
        if digit is None:
            raise _illegal(f'java.lang.NumberFormatException: For input string: "{text}"')
        value = value * 10 + digit
    if text[0] == "-":
        value = -value
    if not -(2**31) <= value < 2**31:
        raise _illegal(f'java.lang.NumberFormatException: For input string: "{text}"')
    return value


def _char(s: str, i: int) -> str:
    if i >= len(s):
        raise _illegal("java.lang.StringIndexOutOfBoundsException")
    return s[i]


def _sub(s: str, start: int, end: int | None = None) -> str:
    if (end is not None and end > len(s)) or start > len(s):
        raise _illegal("java.lang.StringIndexOutOfBoundsException")
    return s[start:end]


def _digit(c: str) -> bool:
    return "0" <= c <= "9"


class _QuartzParse:
    """The state Quartz's CronExpression builds from an expression (sets and flags)."""

    def __init__(self) -> None:
        self.sets: list[set[int]] = [set() for _ in range(7)]
        self.last_dow = False
        self.nth = 0
        self.last_dom = False
        self.weekday = False
        self.offset = 0

    # storeExpressionVals
    def store(self, s: str, kind: int) -> None:
        c = s[0]
        if "A" <= c <= "Z" and s not in ("L", "LW") and not re.fullmatch("L-[0-9]*W?", s):
            sub = _sub(s, 0, 3)
            end = -1
            if kind == MONTH:
                start = _MONTH_NUMBER.get(sub, 0)
                if start <= 0:
                    raise _Refused(f"Invalid Month value: '{sub}'")
                if len(s) > 3 and s[3] == "-":
                    sub = _sub(s, 4, 7)
                    end = _MONTH_NUMBER.get(sub, 0)
                    if end <= 0:
                        raise _Refused(f"Invalid Month value: '{sub}'")
            elif kind == DOW:
                start = _DAY_NUMBER.get(sub, -1)
                if start < 0:
                    raise _Refused(f"Invalid Day-of-Week value: '{sub}'")
                if len(s) > 3:
                    c = s[3]
                    if c == "-":
                        sub = _sub(s, 4, 7)
                        end = _DAY_NUMBER.get(sub, -1)
                        if end < 0:
                            raise _Refused(f"Invalid Day-of-Week value: '{sub}'")
                    elif c == "#":
                        try:
                            self.nth = _java_int(s[4:])
                        except _Refused:
                            self.nth = 0
                        if not 1 <= self.nth <= 5:
                            raise _Refused(
                                "A numeric value between 1 and 5 must follow the '#' option"
                            )
                    elif c == "L":
                        self.last_dow = True
            else:
                raise _Refused(f"Illegal characters for this position: '{sub}'")
            self.add(start, end, 1 if end != -1 else 0, kind)
            return
        if c == "?":
            if len(s) >= 3:
                raise _Refused(f"Illegal character after '?': {s[1]}")
            if kind not in (DOW, DOM):
                raise _Refused("'?' can only be specified for Day-of-Month or Day-of-Week.")
            if kind == DOW and not self.last_dom:
                if not self.sets[DOM]:
                    raise _illegal("java.util.NoSuchElementException")
                if max(self.sets[DOM]) == _NO:
                    raise _Refused("'?' can only be specified for Day-of-Month -OR- Day-of-Week.")
            self.add(_NO, -1, 0, kind)
            return
        if c in "*/":
            if c == "*" and len(s) == 1:
                self.add(_ALL, -1, 0, kind)
                return
            if c == "/" and len(s) == 1:
                raise _Refused("'/' must be followed by an integer.")
            i = 1 if c == "*" else 0
            if s[i] == "/":
                i += 1
                if i >= len(s):
                    raise _Refused("Unexpected end of string.")
                step = _java_int(s[i:])
                self.check_step(step, kind)
            else:
                step = 1
            self.add(_ALL, -1, step, kind)
            return
        if c == "L":
            i = 1
            if kind == DOM:
                self.last_dom = True
            if kind == DOW:
                self.add(7, 7, 0, kind)
            if kind == DOM and len(s) > i:
                if s[i] == "-":
                    value, i = self.value(0, s, i + 1)
                    self.offset = value
                    if value > 30:
                        raise _Refused("Offset from last day must be <= 30")
                if len(s) > i and s[i] == "W":
                    self.weekday = True
            return
        if _digit(c):
            value = int(c)
            if len(s) == 1:
                self.add(value, -1, -1, kind)
                return
            i = 1
            if _digit(s[1]):
                value, i = self.value(value, s, 1)
            self.check_next(i, s, value, kind)
            return
        raise _Refused(f"Unexpected character: {c}")

    @staticmethod
    def value(start: int, s: str, i: int) -> tuple[int, int]:
        """getValue: the digits from `i` after `start`, and the position after them."""
        c = _char(s, i)
        digits = str(start)
        while _digit(c):
            digits += c
            i += 1
            if i >= len(s):
                break
            c = s[i]
        return _java_int(digits), (i if i < len(s) else i + 1)

    @staticmethod
    def check_step(step: int, kind: int) -> None:
        limits = {SECOND: (59, 60), MINUTE: (59, 60), HOUR: (23, 24), DOM: (31, 31)}
        limits.update({DOW: (7, 7), MONTH: (12, 12)})
        if kind in limits and step > limits[kind][0]:
            raise _Refused(f"Increment > {limits[kind][1]} : {step}")

    def check_next(self, i: int, s: str, value: int, kind: int) -> None:
        if i >= len(s):
            self.add(value, -1, -1, kind)
            return
        c = s[i]
        if c == "L":
            if kind != DOW:
                raise _Refused(f"'L' option is not valid here. (pos={i})")
            if not 1 <= value <= 7:
                raise _Refused("Day-of-Week values must be between 1 and 7")
            self.last_dow = True
            self.sets[kind].add(value)
            return
        if c == "W":
            if kind != DOM:
                raise _Refused(f"'W' option is not valid here. (pos={i})")
            self.weekday = True
            if value > 31:
                raise _Refused(
                    "The 'W' option does not make sense with values larger than 31 "
                    "(max number of days in a month)"
                )
            self.sets[kind].add(value)
            return
        if c == "#":
            if kind != DOW:
                raise _Refused(f"'#' option is not valid here. (pos={i})")
            try:
                self.nth = _java_int(s[i + 1 :])
            except _Refused:
                self.nth = 0
            if not 1 <= self.nth <= 5:
                raise _Refused("A numeric value between 1 and 5 must follow the '#' option")
            self.sets[kind].add(value)
            return
        if c == "-":
            i += 1
            end = _java_int(_char(s, i))
            i += 1
            if i >= len(s):
                self.add(value, end, 1, kind)
                return
            if _digit(s[i]):
                end, i = self.value(end, s, i)
            if i < len(s) and s[i] == "/":
                i += 1
                step = _java_int(_char(s, i))
                i += 1
                if i < len(s) and _digit(s[i]):
                    step, i = self.value(step, s, i)
                self.add(value, end, step, kind)
                return
            self.add(value, end, 1, kind)
            return
        if c == "/":
            if i + 1 >= len(s):
                raise _Refused("'/' must be followed by an integer.")
            i += 1
            step = _java_int(s[i])
            i += 1
            if i < len(s):
                if not _digit(s[i]):
                    raise _Refused(f"Unexpected character '{s[i]}' after '/'")
                step, i = self.value(step, s, i)
            self.check_step(step, kind)
            self.add(value, -1, step, kind)
            return
        self.add(value, -1, 0, kind)

    def add(self, value: int, end: int, step: int, kind: int) -> None:
        """addToSet: check the bounds, then add a value or a (wrapping) stepped range."""
        target = self.sets[kind]
        if kind in (SECOND, MINUTE):
            if (value < 0 or value > 59 or end > 59) and value != _ALL:
                raise _Refused("Minute and Second values must be between 0 and 59")
        elif kind == HOUR:
            if (value < 0 or value > 23 or end > 23) and value != _ALL:
                raise _Refused("Hour values must be between 0 and 23")
        elif kind == DOM:
            if (value < 1 or value > 31 or end > 31) and value not in (_ALL, _NO):
                raise _Refused("Day of month values must be between 1 and 31")
        elif kind == MONTH:
            if (value < 1 or value > 12 or end > 12) and value != _ALL:
                raise _Refused("Month values must be between 1 and 12")
        elif kind == DOW and (value == 0 or value > 7 or end > 7) and value not in (_ALL, _NO):
            raise _Refused("Day-of-Week values must be between 1 and 7")
        if step in (0, -1) and value != _ALL:
            target.add(_NO if value == -1 else value)
            return
        start, stop = value, end
        if value == _ALL and step <= 0:
            step = 1
            target.add(_ALL)
        if stop == -1:
            stop = _HIGH[kind]
        if start in (-1, _ALL):
            start = _LOW[kind]
        wrap = None
        if stop < start:
            if kind == YEAR:
                raise _illegal(
                    "java.lang.IllegalArgumentException: Start year must be less than stop year"
                )
            wrap = _WRAP[kind]
            stop += wrap
        if wrap is None:
            target.update(range(start, min(stop, _YEAR_CAP) + 1, step))
            return
        for v in range(start, stop + 1, step):
            v %= wrap
            if v == 0 and kind in (MONTH, DOW, DOM):
                v = wrap
            target.add(v)


def _java_upper(text: str) -> str:
    return text.upper()


_JAVA_SPACE = "".join(chr(i) for i in range(33))  # what String.trim() removes


def _java_trim(text: str) -> str:
    return text.strip(_JAVA_SPACE)


def _quartz_parse(text: str) -> tuple[_QuartzParse, list[str], list[str]]:
    """Quartz's buildExpression: the parse state, the field texts (trimmed, upper case)
    and the tokens past the seventh that Quartz ignores. Raises CronError."""
    tokens = [t for t in re.split("[ \t]", _java_upper(text)) if t]
    state = _QuartzParse()
    fields: list[str] = []
    for index, token in enumerate(tokens[:7]):
        expr = _java_trim(token)
        fields.append(expr)
        try:
            if index == DOM and "L" in expr and len(expr) > 1 and "," in expr:
                raise _Refused(
                    "Support for specifying 'L' and 'LW' with other days of the month is not "
                    "implemented"
                )
            if index == DOW and "L" in expr and len(expr) > 1 and "," in expr:
                raise _Refused(
                    "Support for specifying 'L' with other days of the week is not implemented"
                )
            if index == DOW and expr.count("#") > 1:
                raise _Refused('Support for specifying multiple "nth" days is not implemented.')
            for item in expr.split(","):
                if item:
                    state.store(item, index)
        except _Refused as exc:
            raise CronError(
                f"Quartz refuses {FIELD_NAMES[index]} '{token}': {exc.message}", index
            ) from None
    if len(fields) < 6:
        hint = (
            "; this one has 5, like a Unix crontab line: add the seconds first and use "
            "1-7 = SUN-SAT for the day of the week"
            if len(fields) == 5
            else f"; this one has {len(fields)}"
        )
        raise CronError(
            "a Quartz cron expression has 6 or 7 fields (second minute hour day-of-month "
            f"month day-of-week [year]){hint} (Quartz: Unexpected end of expression.)"
        )
    if len(fields) == 6:
        state.store("*", YEAR)
    dom_spec = _NO not in state.sets[DOM]
    dow_spec = _NO not in state.sets[DOW]
    if dom_spec == dow_spec:
        why = "not in both" if not dom_spec else "put '?' in one of them"
        raise CronError(
            "Quartz does not support a day-of-month and a day-of-week together, and needs "
            f"'?' in exactly one of them: {why} (Quartz: Support for specifying both a "
            "day-of-week AND a day-of-month parameter is not implemented.)",
            DOW,
        )
    return state, fields, tokens[7:]


# -- what Quartz's reading means, and how it differs from what was written ------------------

_NUM = "[0-9]+"


def _strict_item(item: str, index: int) -> bool:
    """A list item in the documented syntax, with values in range and a sensible step."""
    names = _MONTH_NUMBER if index == MONTH else _DAY_NUMBER if index == DOW else {}
    low, high = (_LOW[index], _HIGH[index]) if index != YEAR else (0, 9999)

    def value(text: str) -> bool:
        if text in names:
            return True
        return bool(re.fullmatch(_NUM, text)) and low <= int(text) <= high

    def step_ok(text: str) -> bool:
        span = high - low + 1 if index != YEAR else 10**6
        return bool(re.fullmatch(_NUM, text)) and 1 <= int(text) <= span

    if item == "*":
        return True
    body, slash, step = item.partition("/")
    if slash and not step_ok(step):
        return False
    if slash and body == "*":
        return True
    first, dash, second = body.partition("-")
    if slash and (first in names or second in names):
        return False  # Quartz ignores a step after a name
    if dash:
        if (first in names) != (second in names):
            return False
        return value(first) and value(second) and (index != YEAR or int(first) <= int(second))
    return value(first)


@functools.lru_cache(maxsize=4096)  # a pure function of a field's text; fields repeat
def _strict_field(text: str, index: int) -> bool:
    if index == DOM:
        if text in ("?", "L", "LW") or re.fullmatch("L-[0-9]+W?", text):
            return text in ("?", "L", "LW") or int(re.sub("[^0-9]", "", text)) <= 30
        m = re.fullmatch("([0-9]+)W", text)
        if m:
            return 1 <= int(m.group(1)) <= 31
    if index == DOW:
        if text in ("?", "L"):
            return True
        m = re.fullmatch("([0-9]+|[A-Z]{3})(L|#[1-5])", text)
        if m:
            day = m.group(1)
            return day in _DAY_NUMBER or 1 <= int(day) <= 7
    items = text.split(",")
    return all(item and _strict_item(item, index) for item in items)


def _compress(values: list[int], names: tuple[str, ...] | None, offset: int) -> str:
    if not values:
        return "(nothing)"

    def show(v: int) -> str:
        return names[v - offset] if names is not None else str(v)

    parts = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{show(values[i])}-{show(values[j])}")
        else:
            parts.extend(show(v) for v in values[i : j + 1])
        i = j + 1
    return ",".join(parts)


def _plain_text(values: set[int], index: int) -> str:
    if index == YEAR and _ALL in values:
        return "*"
    real = sorted(v for v in values if v not in (_ALL, _NO) and (index != YEAR or v <= 9999))
    if index != YEAR and real == list(range(_LOW[index], _HIGH[index] + 1)):
        return "*"
    if index == YEAR and len(real) > 12:
        return f"{real[0]}-{real[-1]} ({len(real)} years)"
    names = _MONTHS if index == MONTH else _DAYS if index == DOW else None
    return _compress(real, names, 1)


def _reading(state: _QuartzParse, index: int, dom_active: bool) -> str:
    """Quartz's reading of one field, in the documented syntax."""
    values = state.sets[index]
    if index == DOM:
        if not dom_active:
            return "?"
        if state.last_dom:
            text = "L" if not state.offset else f"L-{state.offset}"
            return text + ("W" if state.weekday else "")
        if state.weekday:
            return f"{min(values)}W" if values else "(nothing)"
    if index == DOW:
        if dom_active:
            return "?"
        if state.last_dow:
            return f"{min(values)}L"
        if state.nth:
            return f"{min(values) or 7}#{state.nth}"
    return _plain_text(values, index)


_PARSED: dict[str, CronExpr] = {}
_PARSED_MAX = 4096


def parse_cron(text: str) -> CronExpr:
    """Parse a cron expression as Quartz 2.3.2 does; raise CronError when Quartz refuses it
    or cannot schedule it. An expression is parsed once per process (the nodes of a cluster
    often share one): the result is immutable, its fire-time memo a pure function of it."""
    parsed = _PARSED.get(text)
    if parsed is None:
        parsed = _parse_cron(text)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = parsed
    return parsed


def _parse_cron(text: str) -> CronExpr:
    state, fields, extra = _quartz_parse(text)
    sets = state.sets
    dom_active = _NO in sets[DOW]
    if len(fields) == 6:
        fields.append("*")
    readings = [_reading(state, i, dom_active) for i in range(7)]
    warnings = [
        f"{FIELD_NAMES[i]} '{written}' as '{readings[i]}'"
        for i, written in enumerate(fields)
        if not _strict_field(written, i)
    ]
    if extra:
        warnings.append(f"nothing of '{' '.join(extra)}' after the seventh field")
    plain = lambda index: sorted(v for v in sets[index] if v <= _HIGH[index])  # noqa: E731
    seconds, minutes, hours, months = (plain(i) for i in (SECOND, MINUTE, HOUR, MONTH))
    day_values = sorted(v for v in sets[DOM if dom_active else DOW] if v not in (_ALL, _NO))
    empty = [FIELD_NAMES[i] for i, v in enumerate((seconds, minutes, hours)) if not v]
    if not months:
        empty.append("month")
    if not day_values and not (dom_active and state.last_dom):
        empty.append(FIELD_NAMES[DOM if dom_active else DOW])
    if empty:
        raise CronError(
            f"Quartz accepts '{text.strip()}' but reads no value in its {', '.join(empty)}: "
            "its scheduler then throws NoSuchElementException instead of computing a fire "
            "time, so Connect never runs this schedule",
            FIELD_NAMES.index(empty[0]),
            quartz_accepts=True,
        )
    years_set = sets[YEAR]
    years = None if _ALL in years_set else frozenset(v for v in years_set if v != _ALL)
    defects = []
    common = {
        "text": " ".join(text.split()),
        "seconds": tuple(seconds),
        "minutes": tuple(minutes),
        "hours": tuple(hours),
        "months": frozenset(months),
        "years": years,
    }
    if dom_active:
        shortest = min(_shortest_month(m) for m in months)
        if state.last_dom:
            days = {"dom_last": state.offset, "dom_weekday": state.weekday}
            if state.weekday and state.offset >= 28:
                defects.append(
                    f"day-of-month 'L-{state.offset}W' falls before the 1st in a month of "
                    f"{state.offset} days or fewer: when its search passes through such a "
                    "month (a February, whatever the month field says) Quartz 2.3.2 never "
                    "returns from computing the next fire time, an endless loop in Connect's "
                    "scheduler thread; olclint does not fire in such a month"
                )
        elif state.weekday:
            day = day_values[0]
            days = {"dom_days": frozenset({day}), "dom_weekday": True}
            if day == 0:
                defects.append(
                    "day-of-month '0W': Quartz 2.3.2 accepts it, then never returns from "
                    "computing the next fire time (an endless loop in Connect's scheduler "
                    "thread); olclint never fires it"
                )
            elif day > shortest:
                short = ", ".join(
                    _MONTHS[m - 1] for m in sorted(months) if _shortest_month(m) < day
                )
                defects.append(
                    f"day-of-month '{day}W' is past the end of {short}: there Quartz 2.3.2 "
                    "takes the nearest weekday of a date in the next month and can fire on "
                    f"the last days of the short month ({day}W on the 30th of a 30-day month "
                    "when the next month starts on a Saturday); olclint does not fire in such "
                    "a month, as W never leaves the month"
                )
        else:
            days = {"dom_days": frozenset(day_values)}
    elif state.last_dow:
        days = {"dow_last": day_values[0]}
    elif state.nth:
        weekday = day_values[0]
        days = {"dow_nth": (7 if weekday == 0 else weekday, state.nth)}
    else:
        days = {"dow_days": frozenset(day_values)}
    if warnings:
        reading = " ".join(readings if len(fields) == 7 and fields[6] != "*" else readings[:6])
        warnings = [
            f"Quartz 2.3.2 accepts '{text.strip()}' but not as written: it reads "
            + "; ".join(warnings)
            + f"; that is '{reading}'"
        ]
    return CronExpr(
        dom_active=dom_active,
        warnings=tuple(warnings),
        defects=tuple(defects),
        **common,
        **days,
    )


def _shortest_month(month: int) -> int:
    held = _SHORTEST_MONTH.get(month)
    return held if held is not None else calendar.monthrange(2001, month)[1]


_SHORTEST_MONTH = {m: 28 if m == 2 else calendar.monthrange(2001, m)[1] for m in range(1, 13)}
