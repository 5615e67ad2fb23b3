"""The Connect servers' connection pools may open more connections than the database allows.

## What it does

Adds up the connection pool maximum of every Connect server (`db.max.pool.connections`
of its `com.objectiflune.repository.eclipselink.generic.prefs`; Connect's default is 48
when the line is absent or commented out, as in a fresh 2021.x store) and compares the
sum with the database server's `max_connections` (the effective value of its option file;
the server's default is 151, and the my.ini that Connect's installer writes sets 200).
It judges only when the database's option file was collected. For a Connect version
before 2021.1, where the default pool size is not known, a server without the setting
makes it note that it could not decide.

## Why it matters

Under load every server grows its pool towards its maximum. Once the database has
`max_connections` clients it refuses the next one with "Too many connections", and the
Connect job that needed it fails. A master and two extensions with the default pool
already need 144 connections; four servers need 192 of the 200 and leave none for
administration or backups.

## Example

```ini
# master01/my.ini
[mysqld]
max_connections=100     # master01, ext01 and ext02 may open 48 each: 144
```

Passing:

```ini
[mysqld]
max_connections=200
```

or a smaller pool on the servers that need fewer connections:

```properties
# ext01/settings/com.objectiflune.repository.eclipselink.generic.prefs
db.max.pool.connections=24
```

## How to fix

Raise `max_connections` on the reported line of the option file (or add it to the
`[mysqld]` group), or lower `db.max.pool.connections` on the servers listed as related
locations, until the sum fits.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.connect import pool_default
from olclint.domain.mysql import short
from olclint.rules._settings import setting_int, undecided

ID = "OLC104"
NAME = "DatabaseConnectionBudget"
LEVEL = Level.WARNING


def check(ctx) -> Iterator[Finding]:
    cluster = ctx.cluster
    db = cluster.database
    if db is None or db.option_file is None or ctx.facts.database is None:
        return
    opts = ctx.facts.database.options
    if not opts.starts or opts.max_connections is None:
        return
    default = pool_default(cluster.connect_version)
    pools: list[tuple[object, int, object]] = []  # (node, maximum, setting or None)
    notes: list[Finding] = []
    for node in cluster.nodes:
        count, why = setting_int(node, "database.max_pool_connections")
        setting = node.setting("database.max_pool_connections")
        if count is None and setting is not None:
            continue  # unreadable: OLC005; the rule cannot add it up
        if count is None:
            if default is None:
                notes.append(
                    undecided(
                        ctx, node, "database.max_pool_connections", why, "the connection budget"
                    )
                )
                continue
            count = default
        pools.append((node, count, setting))
    if notes:
        yield from notes
        return
    total = sum(count for _, count, _ in pools)
    allowed = opts.max_connections.value
    if total <= allowed:
        return
    option = opts.max_connections.option
    where = option.location if option is not None else db.loc("option_file")
    allowed_text = (
        f"max_connections={allowed} ({short(option.location)})"
        if option is not None
        else f"max_connections={allowed} (the server's default; the option file sets none)"
    )
    breakdown = ", ".join(
        f"{node.name} {count}" + ("" if setting is not None else " (default)")
        for node, count, setting in pools
    )
    related = tuple(
        Related(
            setting.value_location or setting.location,
            f"{node.name}'s pool may open {count} connections",
        )
        if setting is not None
        else Related(node.location, f"{node.name}'s pool may open {count} (the default)")
        for node, count, setting in pools
    )
    yield ctx.finding(
        f"the Connect servers may open {total} database connections ({breakdown}) but the "
        f"database accepts {allowed_text}; under load it refuses the rest and jobs fail",
        where,
        related=related,
        subject="max_connections",
    )
