"""Every server's clean-up runs at the same time at some point of the year.

## What it does

Takes every server whose `cleanup.enabled` is `true` (two or more), reads its
`cleanup.cron` Quartz schedule in the server's `timezone`, and looks for an instant at
which every one of them is inside a clean-up run: from a fire time to fire time +
`cleanup.expected_duration`. The search covers one year from the date of the run
(`--today`, `SOURCE_DATE_EPOCH`, or today; from 00:00 UTC that day), in real calendar time:
month lengths, `L`/`W`/`#` days, and the daylight-saving transitions of each zone, with
the fire times Quartz 2.3.2 computes (olclint's tests compare them with Quartz itself on
every transition from 2000 to 2035 of several zones):

- clocks going back: a wall time that happens twice fires once, at its **second**
  occurrence, and nothing of the first pass through the repeated hour fires (a daily
  02:30 in Paris runs at 01:30 UTC that night, an hour later than the night before);
- clocks going forward: a wall time that does not exist does not fire that day, and
  neither does an existing one that Quartz's search jumps over just after the gap (with
  Lord Howe's 30-minute shift, `0 25,40 * * * ?` runs 01:40, then 03:25: not 02:40);
- a schedule Quartz reads otherwise than written (`MON/2` is `MON`) counts as Quartz reads
  it, and OLC005 warns; where Quartz has a defect (`31W` firing on the 30th, an `L-nW`
  that hangs its scheduler) olclint uses what the expression means, and OLC005 warns.

If there is such an instant, it is an **error**: the message names the first such instant
in UTC and, for each server, the local fire time of the run it is in. The result points
at a server's `cleanup.cron` (the first extension's, else the first server's) and lists
every server's `cleanup.cron` line as a related location.

Defaults and undecided cases:

- `cleanup.expected_duration` missing from `cluster.yaml`: **30 minutes**;
- a node without `timezone`: the master's `timezone`, else UTC (the format says nodes
  without one share a zone);
- a server whose `cleanup.enabled` is `false` does not count; fewer than two enabled
  servers: nothing to report;
- `cleanup.enabled` missing on a server, or `cleanup.cron` missing or unreadable on an
  enabled one: a note naming the setting and the server, and no verdict;
- no server with any `cleanup.*` setting (preferences not collected): nothing.

## Why it matters

The clean-up service purges old jobs, data records and orphan files; it is heavy on the
database and the disks. Connect's clustering guide asks for the runs to be staggered:
all servers cleaning at once slows production everywhere, and the database sees all the
purges together. Two schedules that look different can still meet: "02:00 in Paris" and
"00:15 UTC" meet every summer night.

## Example

Failing (both in `Europe/Paris`, `expected_duration: 30m`):

```properties
# master01
cleanup.cron=0 0 2 * * ?
# ext01
cleanup.cron=0 10 2 * * ?
```

Passing: the extension starts when the master's run is over.

```properties
# ext01
cleanup.cron=0 0 3 * * ?
```

## How to fix

Give each server its own window, at least `expected_duration` apart, and keep in mind
the servers' time zones and the daylight-saving changes (a run in the repeated hour of a
fall-back night starts an hour later in UTC); or disable the clean-up service on the
servers that do not need it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from olclint.core.findings import Level, Related
from olclint.domain.fixes import setting_fix
from olclint.domain.quartz import CronExpr
from olclint.rules._settings import cleanup_described, cleanup_enabled, undecided

ID = "OLC402"
NAME = "CleanupNotStaggered"
LEVEL = Level.ERROR
USES_DATE = True  # judges against the run's date (`ctx.today`)
FIX = """
The finding proposes staggered schedules (`olclint.domain.stagger`): the first server
keeps its `cleanup.cron`; each next one gets the time of day nearest its own (five-minute
steps) at which its runs never meet a run of a server before it over the year horizon, in
each server's own time zone, each run given its expected duration plus a margin of the
same length. The days of each schedule (day-of-month, month, day-of-week, year) stay as
they are. The proposal is kept only when this rule's own engine finds no instant at
which any two of the proposed schedules are busy. `--fix` writes every changed
`cleanup.cron` (`cleanup.cron.schedule` in `com.objectiflune.cleanup.prefs`) as one fix;
when one of them is an inline value of cluster.yaml, or a schedule fires more than once a
day, the proposal is only shown (or not made).
"""

DEFAULT_DURATION = dt.timedelta(minutes=30)
LISTED = 10  # servers named in the message; the related locations list them all


def duration_text(duration: dt.timedelta) -> str:
    seconds = int(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = "".join(f"{v}{u}" for v, u in ((hours, "h"), (minutes, "m"), (secs, "s")) if v)
    return text or f"{duration.total_seconds()}s"


def _local(moment: dt.datetime) -> str:
    zone = getattr(moment.tzinfo, "key", None) or "UTC"
    return f"{moment:%Y-%m-%d %H:%M:%S} {zone}"


def check(ctx):
    cluster = ctx.cluster
    from olclint.domain.schedule import NodeSchedule, first_common_busy

    if not cleanup_described(cluster):
        return
    what = "whether the clean-up runs are staggered"
    schedules = []
    nodes = []
    enabled, notes = cleanup_enabled(ctx, what)
    for node in enabled:
        setting = node.setting("cleanup.cron")
        if setting is None or not isinstance(setting.value, CronExpr):
            why = "is not set" if setting is None else "cannot be read"
            notes.append(undecided(ctx, node, "cleanup.cron", why, what))
            continue
        cron = setting.value
        schedules.append(NodeSchedule(node.name, cron, ctx.facts.server(node).zone))
        nodes.append(node)
    if notes:
        yield from notes
        return
    if len(schedules) < 2:
        return
    duration = cluster.cleanup_duration or DEFAULT_DURATION
    found = first_common_busy(schedules, duration, ctx.today)
    if found is None:
        return
    fires = dict(found.fires)
    primary = next((n for n in nodes if not n.is_master), nodes[0])
    shown = [f"{n.name} fires at {_local(fires[n.name])}" for n in nodes[:LISTED]]
    if len(nodes) > LISTED:
        shown.append(f"and {len(nodes) - LISTED} more")
    how_long = duration_text(duration)
    if cluster.cleanup_duration is None:
        how_long += ", the default expected_duration"
    proposal = _proposal(schedules, duration, ctx.today)
    message = (
        f"the clean-up runs of all {len(nodes)} servers overlap at "
        f"{found.instant:%Y-%m-%dT%H:%M:%SZ} (runs of {how_long}): "
        + ", ".join(shown)
        + "; stagger the schedules"
    )
    changed = [
        (node, new)
        for node, old, new in zip(nodes, schedules, proposal or (), strict=False)
        if new.cron.text != old.cron.text
    ]
    if changed:
        message += (
            ", e.g. "
            + ", ".join(
                f"{node.name} cleanup.cron={new.cron.text} ({getattr(new.zone, 'key', 'UTC')})"
                for node, new in changed
            )
            + " (no two runs meet over the year)"
        )
    related = tuple(
        Related(
            n.setting("cleanup.cron").location,
            f"{n.name} starts a run at {_local(fires[n.name])}, busy until "
            f"{(fires[n.name] + duration).astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}",
        )
        for n in nodes
    )
    yield ctx.finding(
        message,
        primary.setting("cleanup.cron").location,
        related=related,
        fix=_fix(changed, duration),
        node=primary.name,
        subject="cleanup.cron",
    )


def _proposal(schedules, duration: dt.timedelta, today: dt.date):
    """Staggered schedules (`olclint.domain.stagger`), kept only when this rule's own
    engine finds no instant over the horizon at which any two of them are busy."""
    from olclint.domain.schedule import first_common_busy
    from olclint.domain.stagger import stagger

    proposal = stagger(schedules, duration, today)
    if proposal is None:
        return None
    for i, a in enumerate(proposal):
        for b in proposal[i + 1 :]:
            if first_common_busy((a, b), duration, today) is not None:
                return None
    return proposal


def _fix(changed, duration: dt.timedelta):
    """One fix editing every changed `cleanup.cron`, or none when one is not in a store."""
    edits = [
        setting_fix(
            node.setting("cleanup.cron"),
            new.cron.text,
            f"stagger the clean-up: {node.name} cleanup.cron={new.cron.text}",
        )
        for node, new in changed
    ]
    if not edits or any(e is None for e in edits):
        return None
    names = ", ".join(f"{node.name} {new.cron.text}" for node, new in changed)
    return replace(
        edits[0],
        description=f"stagger the clean-up runs ({duration_text(duration)} each and as much "
        f"margin): {names}",
        also=tuple(edits[1:]),
    )
