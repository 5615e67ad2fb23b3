"""The port a Connect server connects to differs from the port the database listens on.

## What it does

Compares, for every Connect server, the port it connects to (the `db.port` of its store,
or the port of its `database.url`, else `database.port` of cluster.yaml, default 3306)
with the port the database server listens on (the effective `port` of its option file,
default 3306; a `port` of 0 also means 3306).

## Why it matters

A connection to the wrong port is refused (or reaches another service), and the server
fails at start-up with a connection error that does not name the port.

## Example

```ini
# master01/my.ini
[mysqld]
port = 3307          # the Connect servers connect to 3306
```

Passing: `port = 3306`, or `database.port: 3307` in cluster.yaml and the same port in
every server's `db.port` (or `database.url`).

## How to fix

Change the reported line: `db.port` in the server's
`com.objectiflune.repository.eclipselink.generic.prefs` (or the port in `database.url`),
`database.port` in cluster.yaml,
or the `port` line of the option file, so that they agree.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.fixes import setting_fix
from olclint.domain.mysql import short

ID = "OLC102"
NAME = "DatabasePortMismatch"
LEVEL = Level.ERROR
FIX = """
`--fix` sets `db.port` of the server's
`com.objectiflune.repository.eclipselink.generic.prefs` to the port the database
listens on. A port inside a `database.url` and `database.port` of cluster.yaml are not
edited.
"""


def check(ctx) -> Iterator[Finding]:
    cluster, facts = ctx.cluster, ctx.facts
    db = cluster.database
    if db is None or facts.database is None:
        return
    opts = facts.database.options
    if not opts.starts or opts.skip_networking.value:
        return
    listening = opts.port.value
    port_option = opts.port.option
    listen_where = f"port {listening}" + (
        f" ({short(port_option.location)})" if port_option else " (the default)"
    )
    listen_related = (
        (Related(port_option.location, f"the database listens on port {listening}"),)
        if port_option
        else ()
    )
    from_yaml: list[str] = []
    for node in cluster.nodes:
        target = facts.server(node).connection
        if target is None or target.wrong_host or target.port == listening:
            continue
        if target.port_from_url:
            yield ctx.finding(
                f"{node.name} ({node.address}) connects to port {target.port} "
                f"({target.port_key}) but the database listens on {listen_where}",
                target.port_location,
                related=listen_related,
                fix=setting_fix(
                    node.setting("database.port") if target.port_key == "db.port" else None,
                    str(listening),
                    f"set db.port to {listening} on {node.name}, the port the database listens on",
                ),
                node=node.name,
                subject=f"{target.port_key}:port",
            )
        else:
            from_yaml.append(node.name)
    if from_yaml:
        yaml_port = Related(db.loc("port"), f"the Connect servers connect to port {db.port}")
        where = port_option.location if port_option else db.loc("port")
        yield ctx.finding(
            f"{', '.join(from_yaml)} connect{'s' if len(from_yaml) == 1 else ''} to port "
            f"{db.port} (database.port) but the "
            f"database listens on {listen_where}",
            where,
            related=(yaml_port,) if port_option else (),
            subject="database.port",
        )
