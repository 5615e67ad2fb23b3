"""The `root` account, with ALL PRIVILEGES, may log in from a whole subnet.

## What it does

Warns for a `root` account of the grants file that holds ALL PRIVILEGES (on any schema)
and whose host opens it to more than one /24 of IPv4 addresses:

- a wildcard pattern that leaves more than the last octet open, as the vendor guide's
  `'root'@'192.168.%'` (also `'10.%'`, `'192.168.1_.%'`, `'172.16.%.%'`): fewer than
  three whole octets are written before the first `%` or `_`;
- a netmask wider than /24 (`'root'@'10.0.0.0/255.0.0.0'`);
- a CIDR prefix shorter than /24 (`'root'@'10.0.0.0/8'`) on MySQL 8.0.23 and later (on
  MariaDB and older MySQL such a host matches no client, so it is not reported).

`'root'@'%'` (any host) is OLC112's finding, not this rule's; host names are not judged.

## Why it matters

The vendor guide's clustering set-up (up to Connect 2021.2) grants the database's `root`
account from a whole subnet ("to accept communication on 192.168.*.*"). Every machine of
that subnet (workstations, printers, a compromised laptop) can then try the most
powerful account of the database, whose password is often the installer's default.
Connect only needs ALL PRIVILEGES on its schema, from the addresses of its own servers.

## Example

Failing:

```sql
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.%' IDENTIFIED BY 'secret';
```

Passing, one account per Connect server (or their /24 at most), not `root`:

```sql
CREATE USER 'olconnect'@'192.168.10.21' IDENTIFIED BY 'secret';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'olconnect'@'192.168.10.21';
```

## How to fix

Create a dedicated account for Connect (`database.user`) limited to the servers'
addresses, give it ALL PRIVILEGES on the schema only, and drop the subnet-wide `root`
account (`DROP USER 'root'@'192.168.%'`).
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.accounts import account_name, subnet_opening
from olclint.domain.privileges import all_privileges_grant

ID = "OLC503"
NAME = "RootFromSubnet"
LEVEL = Level.WARNING
SECURITY_SEVERITY = "6.0"  # root from a whole subnet
FIX = """
`olclint check --sql FILE` writes `DROP USER` for the reported account, after the
accounts that give each Connect server that logged in through it its own access (see
OLC110).
"""


def check(ctx) -> Iterator[Finding]:
    cluster = ctx.cluster
    database = ctx.facts.database
    if database is None:
        return
    for account in database.accounts:
        if account.user != "root":
            continue
        granted = all_privileges_grant(account, database.engine, database.version)
        if granted is None:
            continue
        opening = subnet_opening(account.host, database.engine, database.version)
        if opening is None:
            continue
        related = ()
        if granted.location != account.location:
            on = f"{granted.database}.{granted.table}"
            related = (Related(granted.location, f"ALL PRIVILEGES on {on} granted here"),)
        yield ctx.finding(
            f"{account_name(account)} lets root, with ALL PRIVILEGES, log in from a whole "
            f"subnet: {opening}; limit the account to the Connect servers' addresses",
            account.location,
            related=related,
            node=cluster.database.node or "",
            subject=f"{account.user}@{account.host}",
        )
