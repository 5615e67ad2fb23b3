"""The `root` account may log in from any host.

## What it does

Warns for a `'root'@'%'` account (or `'root'@''`, the same on MariaDB) in the grants
file.

## Why it matters

The vendor guide grants `root` from `%` for convenience; that opens the all-powerful
account to every machine that reaches the port. Connect only needs ALL PRIVILEGES on its
schema, from the addresses of its servers.

## Example

```sql
GRANT ALL PRIVILEGES ON *.* TO 'root'@'%';
```

Passing:

```sql
CREATE USER 'olconnect'@'192.168.10.%';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'olconnect'@'192.168.10.%';
```

## How to fix

Use a dedicated account (`database.user`) limited to the servers' network, or restrict
`root` to those hosts.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level
from olclint.domain.accounts import account_name

ID = "OLC112"
NAME = "RootFromAnyHost"
LEVEL = Level.WARNING
SECURITY_SEVERITY = "8.0"  # root from any host
FIX = """
`olclint check --sql FILE` writes `DROP USER` for the reported account, after the
accounts that give each Connect server that logged in through it its own access (see
OLC110).
"""


def check(ctx) -> Iterator[Finding]:
    cluster = ctx.cluster
    db = cluster.database
    if db is None or db.grants is None:
        return
    for account in db.grants.accounts:
        if account.user == "root" and account.host in ("%", ""):
            yield ctx.finding(
                f"{account_name(account)} lets root log in from any host; use an account "
                "limited to the Connect servers' addresses",
                account.location,
                subject=f"{account.user}@{account.host}",
            )
