"""Staggered clean-up schedules: one Quartz schedule per server, no two runs at once.

`stagger(nodes, duration, start)` keeps the first server's schedule and gives each next
one the time of day nearest its own (in steps of `STEP`, later first on a tie) at which
its runs never meet a run of a server before it over the year horizon of
`olclint.domain.schedule`, in each server's own time zone with its daylight-saving
changes. Each run is given twice the expected duration (its duration and a margin of the
same length), so a run that takes longer than expected still ends before the next one
starts. The days of each schedule (day-of-month, month, day-of-week, year) are kept; only
the second, minute and hour fields change.

Only a schedule that fires once a day can be moved this way; for another, or when no time
of day fits, `stagger` returns None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from olclint.domain.quartz import CronError, CronExpr, parse_cron
from olclint.domain.schedule import NodeSchedule, busy_intervals, horizon, intersect

STEP = 300  # seconds: candidate times of day are five minutes apart
_DAY = 86400
_FIELDS = re.compile(r"^(\s*)(\S+)(\s+)(\S+)(\s+)(\S+)(.*)$", re.DOTALL)


def with_time(cron: CronExpr, seconds: int) -> CronExpr | None:
    """`cron` firing at `seconds` after midnight instead, its other fields kept."""
    m = _FIELDS.match(cron.text)
    if m is None:
        return None
    h, rest = divmod(seconds, 3600)
    mi, s = divmod(rest, 60)
    text = f"{m[1]}{s}{m[3]}{mi}{m[5]}{h}{m[7]}"
    try:
        return parse_cron(text)
    except CronError:
        return None


def _order(current: int) -> list[int]:
    """Every candidate time of day, nearest to `current` first (later first on a tie)."""
    out = [current]
    for k in range(1, _DAY // STEP // 2 + 1):
        for t in (current + k * STEP, current - k * STEP):
            t %= _DAY
            if t not in out:
                out.append(t)
    return out


def stagger(
    nodes: Sequence[NodeSchedule], duration: dt.timedelta, start: dt.date
) -> tuple[NodeSchedule, ...] | None:
    """Schedules for `nodes`, in order, whose runs (with the margin) never meet."""
    seconds = duration.total_seconds()
    if seconds <= 0 or 2 * seconds * len(nodes) > _DAY:
        return None
    h0, h1 = horizon(start)
    first = start - dt.timedelta(days=int(2 * seconds // _DAY) + 2)
    last = h1.date() + dt.timedelta(days=1)
    lo, hi = h0.timestamp(), h1.timestamp()

    def busy(node: NodeSchedule) -> list[tuple[float, float]]:
        spans = busy_intervals(node.cron, node.zone, 2 * seconds, first, last)
        return [(max(a, lo), min(b, hi)) for a, b in spans if b > lo and a < hi]

    placed: list[NodeSchedule] = []
    taken: list[list[tuple[float, float]]] = []
    for node in nodes:
        times = node.cron.times_of_day
        if len(times) != 1:
            return None
        for moment in _order(times[0]):
            cron = node.cron if moment == times[0] else with_time(node.cron, moment)
            if cron is None:
                continue
            candidate = NodeSchedule(node.name, cron, node.zone)
            mine = busy(candidate)
            if all(not intersect(mine, other) for other in taken):
                placed.append(candidate)
                taken.append(mine)
                break
        else:
            return None
    return tuple(placed)
