"""Quartz cron expressions: parse, and list fire times in wall-clock or zoned time.

The dialect is Quartz's `CronExpression` (the clean-up schedule of OL Connect):

    second minute hour day-of-month month day-of-week [year]

- seconds 0-59, minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC,
  day-of-week 1-7 = SUN-SAT (not Unix numbering), year 1970-2099 (optional: every year);
- `*`, lists `a,b`, ranges `a-b` (a range may wrap: `FRI-MON`, `22-2`), steps `a/n`,
  `*/n`, `a-b/n`; names are case-insensitive;
- `?` in exactly one of day-of-month and day-of-week (Quartz refuses both and neither);
- day-of-month: `L` (last day), `L-n` (n days before it), `LW` (last weekday), `L-nW`,
  `nW` (the weekday nearest to day n, never leaving the month); these stand alone;
- day-of-week: `L` alone is 7 (Saturday), `nL` the last day n of the month, `n#k` the
  k-th (1-5) day n of the month; these stand alone too.

`W` never crosses a month boundary: `1W` on a Saturday is Monday the 3rd, `31W` on a
Sunday is Friday the 29th; a day past the end of the month (`31W` in April) never fires.

Time zones and daylight saving time follow what Quartz's `CronTrigger` does with a
`java.util.Calendar`: fire times are wall-clock times in the trigger's zone; a wall time
that does not exist (the hour skipped when clocks go forward) does not fire that day
(Quartz's `setCalendarHour` moves such a time past the candidate hour, so a daily 02:30
is skipped on that day); a wall time that occurs twice (clocks go back) fires once, at its
first occurrence.

`parse_cron` raises `CronError(message, field_index)`; everything else is pure.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

FIELD_NAMES = ("second", "minute", "hour", "day-of-month", "month", "day-of-week", "year")
SECOND, MINUTE, HOUR, DOM, MONTH, DOW, YEAR = range(7)
_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2099))
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_NAMES = {
    MONTH: {n: i + 1 for i, n in enumerate(_MONTHS)},
    DOW: {n: i + 1 for i, n in enumerate(_DAYS)},
}
MAX_YEAR = 2099
_UTC = dt.timezone.utc


class CronError(ValueError):
    """A cron expression Quartz would refuse; `field_index` is 0-6 or None (whole text)."""

    def __init__(self, message: str, field_index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_index = field_index

    @property
    def field_name(self) -> str | None:
        return None if self.field_index is None else FIELD_NAMES[self.field_index]


@dataclass(frozen=True)
class CronExpr:
    """A parsed Quartz cron expression.

    `dom_*` describe day-of-month and are used when `dom_active`; otherwise `dow_*`.
    Times of day are seconds since midnight (wall clock).
    """

    text: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: frozenset[int]
    years: frozenset[int] | None  # None: every year
    dom_active: bool
    dom_days: frozenset[int] = frozenset()
    dom_last: int | None = None  # L (0) or L-n (n)
    dom_weekday: bool = False  # W: nearest weekday to the single day / to the last day - n
    dow_days: frozenset[int] = frozenset()  # 1 = Sunday ... 7 = Saturday
    dow_last: int | None = None  # nL
    dow_nth: tuple[int, int] | None = None  # n#k
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
                return (_nearest_weekday(day, last, quartz_dow),) if day <= last else ()
            return tuple(d for d in sorted(self.dom_days) if d <= last)
        if self.dow_last is not None:
            day = last
            while quartz_dow(day) != self.dow_last:
                day -= 1
            return (day,)
        if self.dow_nth is not None:
            weekday, nth = self.dow_nth
            day = 1
            while quartz_dow(day) != weekday:
                day += 1
            day += 7 * (nth - 1)
            return (day,) if day <= last else ()
        return tuple(d for d in range(1, last + 1) if quartz_dow(d) in self.dow_days)

    def fires_on(self, day: dt.date) -> bool:
        return day.day in self.month_days(day.year, day.month)

    def fire_days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The dates in [first, last] on which this expression fires, in order."""
        year, month = first.year, first.month
        while (year, month) <= (last.year, last.month) and year <= MAX_YEAR:
            if self.years is not None and year not in self.years:
                year, month = year + 1, 1
                continue
            for day in self.month_days(year, month):
                date = dt.date(year, month, day)
                if first <= date <= last:
                    yield date
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

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
        year, month = start.year, start.month
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
        """The first fire time strictly after `after`, or None (none up to 2099).

        A naive `after` is read as wall-clock time and a naive result returned; an aware
        one is evaluated in its own time zone (a `zoneinfo.ZoneInfo`), with Quartz's
        daylight-saving behaviour, and the result is in that zone.
        """
        zone = after.tzinfo
        if zone is None:
            for wall in self._wall_fires(after.replace(microsecond=0)):
                if wall > after:
                    return wall
            return None
        target = after.astimezone(_UTC)
        local = after.astimezone(zone).replace(tzinfo=None, microsecond=0, fold=0)
        for wall in self._wall_fires(local):
            zoned = to_zoned(wall, zone)
            if zoned is not None and zoned.astimezone(_UTC) > target:
                return zoned
        return None

    def last_at_or_before(self, when: dt.datetime) -> dt.datetime | None:
        """The latest fire time at or before `when` (naive: wall clock; aware: its zone)."""
        zone = when.tzinfo
        if zone is None:
            return next(self._wall_fires(when.replace(microsecond=0), reverse=True), None)
        target = when.astimezone(_UTC)
        local = when.astimezone(zone).replace(tzinfo=None, microsecond=0, fold=0)
        for wall in self._wall_fires(local + dt.timedelta(hours=3), reverse=True):
            zoned = to_zoned(wall, zone)
            if zoned is not None and zoned.astimezone(_UTC) <= target:
                return zoned
        return None

    def fire_times(self, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
        """Every fire time in [start, end), lazily (both naive, or both aware)."""
        moment = start - dt.timedelta(microseconds=1)
        while True:
            moment = self.next_after(moment)
            if moment is None or moment >= end:
                return
            yield moment


def to_zoned(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime | None:
    """A wall-clock time in `zone` as Quartz fires it: None when it does not exist that day
    (clocks went forward), its first occurrence when it happens twice."""
    zoned = wall.replace(tzinfo=zone, fold=0)
    back = zoned.astimezone(_UTC).astimezone(zone)
    if back.replace(tzinfo=None, fold=0) != wall:
        return None
    return zoned


def _nearest_weekday(day: int, last: int, quartz_dow) -> int:
    weekday = quartz_dow(day)
    if weekday == 7:  # Saturday: Friday, or Monday the 3rd when the 1st
        return day + 2 if day == 1 else day - 1
    if weekday == 1:  # Sunday: Monday, or Friday when the last day
        return day - 2 if day == last else day + 1
    return day


# -- parsing ---------------------------------------------------------------------------


def parse_cron(text: str) -> CronExpr:
    """Parse a Quartz cron expression; raise CronError naming the field on a bad one."""
    fields = text.upper().split()
    if len(fields) == 5:
        raise CronError(
            "a Quartz cron expression has 6 or 7 fields (second minute hour day-of-month "
            "month day-of-week [year]); this one has 5, like a Unix crontab line: add the "
            "seconds first and use 1-7 = SUN-SAT for the day of the week"
        )
    if len(fields) not in (6, 7):
        raise CronError(
            "a Quartz cron expression has 6 or 7 fields (second minute hour day-of-month "
            f"month day-of-week [year]); this one has {len(fields)}"
        )
    for index, text_field in enumerate(fields):
        if "?" in text_field and index not in (DOM, DOW):
            raise CronError(
                f"'?' is only allowed in day-of-month or day-of-week, not in {FIELD_NAMES[index]}",
                index,
            )
    dom_q, dow_q = fields[DOM] == "?", fields[DOW] == "?"
    for index in (DOM, DOW):
        if "?" in fields[index] and fields[index] != "?":
            raise CronError(f"'?' must stand alone in {FIELD_NAMES[index]}", index)
    if dom_q and dow_q:
        raise CronError("'?' can be in day-of-month or in day-of-week, not in both", DOW)
    if not dom_q and not dow_q:
        raise CronError(
            "Quartz does not support a day-of-month and a day-of-week together: "
            "put '?' in one of them",
            DOW,
        )
    seconds = _numbers(fields[SECOND], SECOND)
    minutes = _numbers(fields[MINUTE], MINUTE)
    hours = _numbers(fields[HOUR], HOUR)
    months = _numbers(fields[MONTH], MONTH)
    years = None
    if len(fields) == 7 and fields[YEAR] != "*":
        years = frozenset(_numbers(fields[YEAR], YEAR))
    common = {
        "text": " ".join(text.split()),
        "seconds": tuple(sorted(seconds)),
        "minutes": tuple(sorted(minutes)),
        "hours": tuple(sorted(hours)),
        "months": frozenset(months),
        "years": years,
    }
    if dow_q:
        return CronExpr(dom_active=True, **common, **_day_of_month(fields[DOM]))
    return CronExpr(dom_active=False, **common, **_day_of_week(fields[DOW]))


def _day_of_month(text: str) -> dict:
    if text.startswith("L"):
        rest = text[1:]
        weekday = rest.endswith("W")
        if weekday:
            rest = rest[:-1]
        offset = 0
        if rest:
            if not rest.startswith("-") or not rest[1:].isdigit():
                raise CronError(
                    f"day-of-month '{text}': L and W must stand alone (L, L-n, LW, L-nW, nW)",
                    DOM,
                )
            offset = int(rest[1:])
            if offset > 30:
                raise CronError(f"day-of-month offset L-{offset} is larger than 30", DOM)
        return {"dom_last": offset, "dom_weekday": weekday}
    if text.endswith("W"):
        day = text[:-1]
        if not day.isdigit():
            raise CronError(
                f"day-of-month '{text}': W follows a single day (15W) or L (LW), "
                "not a range or a list",
                DOM,
            )
        value = int(day)
        if not 1 <= value <= 31:
            raise CronError(f"day-of-month {value} is out of range 1-31", DOM)
        return {"dom_days": frozenset({value}), "dom_weekday": True}
    if "L" in text or "W" in text:
        raise CronError(f"day-of-month '{text}': L and W must stand alone (L, L-n, LW, nW)", DOM)
    if "#" in text:
        raise CronError("'#' is only allowed in day-of-week", DOM)
    return {"dom_days": frozenset(_numbers(text, DOM))}


def _day_of_week(text: str) -> dict:
    if text == "L":
        return {"dow_days": frozenset({7})}
    if "#" in text:
        day, _, nth = text.partition("#")
        weekday = _value(day, DOW, text)
        if not nth.isdigit() or not 1 <= int(nth) <= 5:
            raise CronError(
                f"day-of-week '{text}': '#' must be followed by a number from 1 to 5", DOW
            )
        return {"dow_nth": (weekday, int(nth))}
    if text.endswith("L") and (text[:-1].isdigit() or text[:-1] in _NAMES[DOW]):
        return {"dow_last": _value(text[:-1], DOW, text)}
    if "L" in text:  # no day name holds an L
        raise CronError(f"day-of-week '{text}': L must stand alone (L or nL)", DOW)
    if "W" in text.replace("WED", ""):
        raise CronError("'W' is only allowed in day-of-month", DOW)
    return {"dow_days": frozenset(_numbers(text, DOW))}


def _value(token: str, index: int, whole: str) -> int:
    lo, hi = _RANGES[index]
    name = FIELD_NAMES[index]
    if not token:
        raise CronError(f"{name} '{whole}' has an empty value", index)
    names = _NAMES.get(index, {})
    if token in names:
        return names[token]
    if not token.isdigit():
        if token.isalpha() and names:
            raise CronError(
                f"{name} '{token}' is not a name ({', '.join(names)}) or a number {lo}-{hi}",
                index,
            )
        raise CronError(f"{name} '{token}' is not a number", index)
    value = int(token)
    if not lo <= value <= hi:
        raise CronError(f"{name} {value} is out of range {lo}-{hi}", index)
    return value


def _numbers(text: str, index: int) -> set[int]:
    """The values of a plain field: `*`, lists, ranges (wrapping), steps."""
    lo, hi = _RANGES[index]
    name = FIELD_NAMES[index]
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise CronError(f"{name} '{text}' has an empty list item", index)
        body, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not step_text.isdigit():
                raise CronError(f"{name} step '/{step_text}' is not a number", index)
            step = int(step_text)
            if step < 1:
                raise CronError(f"{name} step /{step} must be at least 1", index)
            if step > hi - lo + (1 if index in (DOM, MONTH, DOW) else 0) and index != YEAR:
                raise CronError(f"{name} step /{step} is larger than the range {lo}-{hi}", index)
            if body and body[0].isalpha() and index in _NAMES:
                raise CronError(
                    f"{name} '{item}': Quartz ignores a step after a name; use numbers", index
                )
        if body == "*" or (slash and body == ""):
            start, stop = lo, hi
        elif "-" in body:
            first, _, second = body.partition("-")
            start, stop = _value(first, index, item), _value(second, index, item)
        else:
            start = _value(body, index, item)
            stop = hi if slash else start
        if stop < start:
            if index == YEAR:
                raise CronError(f"year range {start}-{stop} goes backwards", index)
            span = hi - lo + 1
            values.update(lo + (v - lo) % span for v in range(start, stop + span + 1, step))
        else:
            values.update(range(start, stop + 1, step))
    return values
