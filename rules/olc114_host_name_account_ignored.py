"""An account's host is a name, but `skip-name-resolve` makes the server ignore it.

## What it does

With `skip-name-resolve` in effect, the server matches clients by IP address only:
accounts whose host is a name (`'root'@'connect-m1'`, `'root'@'%.corp.local'`) never
match a TCP client (MariaDB only writes a line in its error log). This warns for each
such account of the login name the Connect servers use (`localhost` accounts, used over
the local socket, are left alone).

## Why it matters

The account looks like it grants access to a Connect server, but the server never uses
it; another row, or none, decides the login.

## Example

```ini
[mysqld]
skip-name-resolve
```

```sql
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'connect-e1';
```

Passing: `GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.10.21';`

## How to fix

Write the account's host as an IP address or pattern, or remove `skip-name-resolve`.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.accounts import account_name, is_ip_pattern
from olclint.domain.mysql import database_options, short

ID = "OLC114"
NAME = "HostNameAccountIgnored"
LEVEL = Level.WARNING


def check(cluster, graph) -> Iterator[Finding]:
    db = cluster.database
    opts = database_options(cluster)
    if db is None or db.grants is None or opts is None or opts.name_resolve:
        return
    option = opts.skip_name_resolve.option
    users = {db.user}
    for node in cluster.nodes:
        setting = node.setting("database.user")
        if setting is not None and setting.value:
            users.add(setting.value)
    for account in db.grants.accounts:
        host = account.host
        if account.user not in users or host.lower() == "localhost" or is_ip_pattern(host):
            continue
        yield Finding(
            ID,
            LEVEL,
            f"{account_name(account)} names a host, but skip-name-resolve "
            f"({short(option.location)}) makes the server ignore host-name accounts",
            account.location,
            related=(Related(option.location, "skip-name-resolve is on here"),),
            subject=f"{account.user}@{account.host}",
        )
