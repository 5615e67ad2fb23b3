"""Every server runs its clean-up at application start-up.

## What it does

Warns when two or more servers have clean-up enabled (`cleanup.enabled`) and every one of
them also has "Run at application start up" (`cleanup.run_at_startup`) set to `true`.
The result points at a server's `cleanup.run_at_startup` line (the first extension's,
else the first server's), with the others as related locations.

A server whose clean-up is disabled does not count. When `cleanup.enabled` is missing on
a server, or `cleanup.run_at_startup` on an enabled one, and no enabled server has it
`false`, the rule reports a note naming the setting and the server instead of a verdict.
When no server has any `cleanup.*` setting, it says nothing.

## Why it matters

The documented restart order of a cluster is the database host, then the master, then
the extensions, one after the other within minutes. With "Run at application start up"
on every server, that restart starts every clean-up run at about the same time: exactly
the overlap that staggered cron schedules (OLC402) are meant to avoid.

## Example

Failing (on master01 and ext01):

```properties
cleanup.enabled=true
cleanup.run_at_startup=true
```

Passing: only the master cleans up at start-up.

```properties
# ext01
cleanup.enabled=true
cleanup.run_at_startup=false
```

## How to fix

Keep "Run at application start up" on one server at most (typically the database host)
and rely on the staggered cron schedules for the others.
"""

from __future__ import annotations

from olclint.core.findings import Level, Related
from olclint.rules._settings import cleanup_described, cleanup_enabled, setting_bool, undecided

ID = "OLC403"
NAME = "CleanupAtStartupEverywhere"
LEVEL = Level.WARNING


def check(ctx):
    cluster = ctx.cluster
    if not cleanup_described(cluster):
        return
    what = "whether every server cleans up at start-up"
    at_startup = []
    enabled, notes = cleanup_enabled(ctx, what)
    for node in enabled:
        startup, why = setting_bool(node, "cleanup.run_at_startup")
        if startup is False:
            return
        if startup is None:
            notes.append(undecided(ctx, node, "cleanup.run_at_startup", why, what))
            continue
        at_startup.append(node)
    if notes:
        yield from notes
        return
    if len(at_startup) < 2:
        return
    primary = next((n for n in at_startup if not n.is_master), at_startup[0])
    names = ", ".join(n.name for n in at_startup)
    yield ctx.finding(
        f"'Run at application start up' is on for every server with clean-up enabled "
        f"({names}): restarting the cluster in the documented order (database host, master, "
        "extensions) starts every clean-up at once; keep it on one server at most",
        primary.setting("cleanup.run_at_startup").location,
        related=tuple(
            Related(
                n.setting("cleanup.run_at_startup").location,
                f"{n.name} runs its clean-up at start-up",
            )
            for n in at_startup
            if n is not primary
        ),
        node=primary.name,
        subject="cleanup.run_at_startup",
    )
