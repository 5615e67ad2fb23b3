"""Database clean-up runs on a server that does not host the database, or on several.

## What it does

A server runs database clean-up when both `cleanup.enabled` (Enable clean-up service) and
`cleanup.database` (Allow database clean-up service) are `true`. Then:

- with the database on a Connect node (`database.node`): database clean-up on any other
  server is an **error**, at that server's `cleanup.database` setting, with the
  `database.node` line as a related location;
- with an external database (`database.external`): exactly one server should run it;
  each server after the first one (in the order of `nodes`) is an **error**, with the
  first one's setting as a related location;
- on no server at all: a **warning** (at the database host's `cleanup.database` or
  `cleanup.enabled` line, or its name; for an external database, at `database`).

A server whose `cleanup.enabled` is `false` does not count. When a server's
`cleanup.enabled` is missing (or, with clean-up enabled, its `cleanup.database`), the rule
cannot tell whether it cleans the database: it reports a note naming the setting and the
server, and does not give the "no server" warning. When no server has any `cleanup.*`
setting (the preferences were not collected), the rule says nothing.

## Why it matters

Only the database host should clean database items; the other servers clean orphan files
only. Several servers purging the same tables at once contend for locks and slow down
production, and with no cleaner at all the database grows without bound.

## Example

Failing (database on master01, `ext01/settings/cleanup.prefs`):

```properties
cleanup.enabled=true
cleanup.database=true
```

Passing: the extension cleans files only.

```properties
cleanup.enabled=true
cleanup.database=false
cleanup.files=true
```

## How to fix

Set "Allow database clean-up service" (`cleanup.database`) to `false` on every server
but the database host (or, with an external database, all but one), and make sure that
one has clean-up enabled.
"""

from __future__ import annotations

from olclint.core.findings import Finding, Level, Related
from olclint.domain.fixes import setting_fix
from olclint.engine.rule import Context
from olclint.model.cluster import Node
from olclint.rules._settings import cleanup_described, setting_bool, undecided

ID = "OLC401"
NAME = "DatabaseCleanupNotSingle"
LEVEL = Level.ERROR
FIX = """
`--fix` sets `cleanup.database` (`cleanup.database.enabled` in Connect's
`com.objectiflune.cleanup.prefs`) to `false` on each reported server: one that does not
host the database, or, with an external database, every server after the first that runs
it. "No server runs it" has no automatic fix.
"""


def check(ctx):
    cluster = ctx.cluster
    db = cluster.database
    if db is None or not cleanup_described(cluster):
        return
    what = "which server runs database clean-up"
    running: list[Node] = []
    undecided_nodes = False
    for node in cluster.nodes:
        enabled, why = setting_bool(node, "cleanup.enabled")
        if enabled is False:
            continue
        if enabled is None:
            undecided_nodes = True
            yield undecided(ctx, node, "cleanup.enabled", why, what)
            continue
        database, why = setting_bool(node, "cleanup.database")
        if database is None:
            undecided_nodes = True
            yield undecided(ctx, node, "cleanup.database", why, what)
        elif database:
            running.append(node)
    host = cluster.database_node
    if host is not None:
        for node in running:
            if node is host:
                continue
            yield ctx.finding(
                f"database clean-up runs on {node.name}, which does not host the database; "
                f"only the database host {host.name} should clean database items",
                node.setting("cleanup.database").location,
                related=(Related(db.loc("node"), f"the database runs on {host.name}"),),
                fix=setting_fix(
                    node.setting("cleanup.database"),
                    "false",
                    f"set cleanup.database=false on {node.name}; {host.name} hosts the database",
                ),
                node=node.name,
                subject="cleanup.database",
            )
        if not running and not undecided_nodes:
            yield _none_warning(ctx, host)
        return
    for node in running[1:]:
        first = running[0]
        yield ctx.finding(
            f"database clean-up runs on {node.name} and on {first.name}; with an external "
            "database exactly one server should clean database items",
            node.setting("cleanup.database").location,
            related=(
                Related(
                    first.setting("cleanup.database").location,
                    f"database clean-up already runs on {first.name}",
                ),
            ),
            fix=setting_fix(
                node.setting("cleanup.database"),
                "false",
                f"set cleanup.database=false on {node.name}; it keeps running on {first.name}",
            ),
            node=node.name,
            subject="cleanup.database",
        )
    if not running and not undecided_nodes:
        yield _none_warning(ctx, None)


def _none_warning(ctx: Context, host: Node | None) -> Finding:
    cluster = ctx.cluster
    if host is None:
        location = cluster.database.location
        where = "enable it (cleanup.enabled and cleanup.database) on exactly one server"
    else:
        setting = host.setting("cleanup.database")
        if setting is None or setting.value is not False:
            setting = host.setting("cleanup.enabled")
        location = setting.location if setting is not None else host.location
        where = f"enable it (cleanup.enabled and cleanup.database) on {host.name}"
    return ctx.finding(
        f"no server runs database clean-up, so the database is never purged; {where}",
        location,
        level=Level.WARNING,
        node=host.name if host is not None else "",
        subject="cleanup.database",
    )
