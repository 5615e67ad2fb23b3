"""MySQL 8.0's X Protocol port (33060) stays open on every interface.

## What it does

On MySQL 8.0 and later, the X Plugin listens on `mysqlx_bind_address` (default `*`) and
`mysqlx_port` (default 33060) whatever `bind-address` says (reference manual 20.5.6.2,
X Plugin Options and System Variables). This notes an option file that restricts
`bind-address` while the X Protocol listener keeps listening on every interface.

## Why it matters

The `bind-address` line suggests the database is closed to the network, but a second
port is open; Connect does not use it.

## Example

```ini
[mysqld]
bind-address = 127.0.0.1
```

Passing:

```ini
[mysqld]
bind-address = 127.0.0.1
mysqlx = OFF                 # or mysqlx-bind-address = 127.0.0.1
```

## How to fix

Add `mysqlx = OFF` (Connect does not use the X Protocol) or a `mysqlx-bind-address`
like the `bind-address`.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level
from olclint.domain.fixes import option_fix, option_line_fix

ID = "OLC113"
NAME = "XProtocolPortOpen"
LEVEL = Level.NOTE
FIX = """
`--fix` makes the X Protocol listen where the classic port does: an existing
`mysqlx-bind-address` line gets the `bind-address` value, else the line
`mysqlx-bind-address = VALUE` is added right after `bind-address` (same group, same file,
its line ending). Only for a `bind-address` of one address (not a wildcard such as
`0.0.0.0`); `mysqlx = OFF` is left to you.
"""


def check(ctx) -> Iterator[Finding]:
    cluster = ctx.cluster
    db, facts = cluster.database, ctx.facts
    if db is None or db.option_file is None or facts.database is None:
        return
    opts = facts.database.options
    if not opts.starts:
        return
    xlisten = opts.mysqlx_listen
    bind = opts.bind_address
    if xlisten is None or not opts.mysqlx.value or bind.option is None:
        return
    if opts.listen is None or (opts.listen.all_v4 and opts.listen.all_v6):
        return
    if not (xlisten.all_v4 or xlisten.all_v6):
        return
    yield ctx.finding(
        f"bind-address={bind.value} keeps the classic port on {opts.listen.describe()}, but "
        f"the X Protocol listener still listens on {xlisten.describe()}, port "
        f"{opts.mysqlx_port.value}; add mysqlx=OFF or a mysqlx-bind-address",
        bind.option.location,
        fix=_fix(opts, bind),
        subject="mysqlx",
    )


def _fix(opts, bind):
    """mysqlx-bind-address like a single-address bind-address: the existing line's value,
    else a new line right after bind-address."""
    value = str(bind.value)
    if "," in value or opts.listen.all_v4 or opts.listen.all_v6:
        return None  # a list, or a wildcard that would keep the X Protocol port open
    what = f"mysqlx-bind-address = {value}, like the bind-address"
    existing = opts.mysqlx_bind_address.option
    if existing is not None:
        return option_fix(existing, value, f"set {what}")
    return option_line_fix(bind.option, "mysqlx-bind-address", value, f"add {what}")
