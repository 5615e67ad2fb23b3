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
from olclint.domain.mysql import short

ID = "OLC114"
NAME = "HostNameAccountIgnored"
LEVEL = Level.WARNING


def check(ctx) -> Iterator[Finding]:
    database = ctx.facts.database
    if database is None or not database.grants_collected or database.options.name_resolve:
        return
    option = database.options.skip_name_resolve.option
    users = database.login_users
    for account in database.accounts:
        host = account.host
        if account.user not in users or host.lower() == "localhost" or is_ip_pattern(host):
            continue
        yield ctx.finding(
            f"{account_name(account)} names a host, but skip-name-resolve "
            f"({short(option.location)}) makes the server ignore host-name accounts",
            account.location,
            related=(Related(option.location, "skip-name-resolve is on here"),),
            subject=f"{account.user}@{account.host}",
        )
