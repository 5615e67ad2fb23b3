"""Staggered clean-up schedules (`olclint.domain.stagger`), checked by OLC402's own engine."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from olclint.core.findings import Finding, Fix, Level, Location
from olclint.domain.quartz import parse_cron
from olclint.domain.schedule import NodeSchedule, first_common_busy
from olclint.domain.stagger import stagger, with_time
from olclint.filter import fix as fixes

PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")
START = dt.date(2026, 1, 1)


def node(name: str, cron: str, zone: dt.tzinfo) -> NodeSchedule:
    return NodeSchedule(name, parse_cron(cron), zone)


def test_stagger_across_zones_keeps_days_and_nearest_times() -> None:
    nodes = [
        node("m", "0 0 2 * * ?", PARIS),
        node("a", "0 15 0 * * ?", dt.timezone.utc),
        node("b", "0 30 20 ? * MON-FRI", NEW_YORK),
        node("c", "0 0 2 L * ? 2026-2030", LORD_HOWE),
    ]
    duration = dt.timedelta(minutes=45)
    proposal = stagger(nodes, duration, START)
    assert proposal is not None
    assert [(n.name, n.cron.text, n.zone) for n in proposal] == [
        ("m", "0 0 2 * * ?", PARIS),  # the first keeps its schedule
        ("a", "0 30 22 * * ?", dt.timezone.utc),  # 105 minutes earlier: the nearest free
        ("b", "0 30 22 ? * MON-FRI", NEW_YORK),  # its weekdays kept
        ("c", "0 0 2 L * ? 2026-2030", LORD_HOWE),  # already apart: unchanged
    ]
    for i, a in enumerate(proposal):  # OLC402's engine: no two are ever busy together
        for b in proposal[i + 1 :]:
            assert first_common_busy((a, b), duration, START) is None
            # and with the margin: not even runs of twice the duration meet
            assert first_common_busy((a, b), 2 * duration, START) is None
    assert first_common_busy(nodes[:3], duration, START) is not None  # these three did meet


def test_stagger_cannot_move_what_fires_more_than_once_a_day_or_does_not_fit() -> None:
    hourly = [node("m", "0 0 2 * * ?", PARIS), node("a", "0 50 * * * ?", PARIS)]
    assert stagger(hourly, dt.timedelta(minutes=30), START) is None
    crowded = [node(str(i), "0 0 2 * * ?", PARIS) for i in range(5)]
    assert stagger(crowded, dt.timedelta(hours=3), START) is None  # 5 x 6h > a day
    assert stagger(crowded, dt.timedelta(0), START) is None


def test_with_time_keeps_the_other_fields() -> None:
    assert with_time(parse_cron("0  10 2 ? * MON-FRI *"), 3 * 3600 + 5 * 60).text == (
        "0 5 3 ? * MON-FRI *"
    )


def _finding(*edits: tuple[str, int], subject: str) -> Finding:
    fixes_ = [Fix("d", Location(p, line, 3, line, 5), "xy") for p, line in edits]
    fix = Fix("d", fixes_[0].location, "xy", also=tuple(fixes_[1:]))
    return Finding("OLC402", Level.ERROR, "m", fixes_[0].location, fix=fix, subject=subject)


def test_a_fix_of_several_values_is_applied_whole_or_not_at_all() -> None:
    whole = _finding(("a.prefs", 1), ("b.prefs", 2), subject="1")
    result = fixes.plan([whole])
    assert [(e.path, e.line) for e in result.edits] == [("a.prefs", 1), ("b.prefs", 2)]
    assert result.fixed == [whole]
    clash = _finding(("b.prefs", 2), ("c.prefs", 1), subject="2")
    result = fixes.plan([whole, clash])
    assert result.edits == [] and result.conflicts == [whole, clash]
    twice = _finding(("a.prefs", 1), ("a.prefs", 1), subject="3")
    assert [(e.path, e.line) for e in fixes.plan([twice]).edits] == [("a.prefs", 1)]
