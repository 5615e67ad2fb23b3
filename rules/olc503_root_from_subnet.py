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

import ipaddress
import re
from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.accounts import account_name, cidr_of, is_ip_pattern, netmask_of
from olclint.domain.mysql import MARIADB, MYSQL_CIDR_FROM, version_at_least
from olclint.domain.privileges import grant_is_all

ID = "OLC503"
NAME = "RootFromSubnet"
LEVEL = Level.WARNING

SUBNET_PREFIX = 24  # a host opening more addresses than a /24 is a subnet-wide grant
_OCTETS = re.compile(r"((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.)*")


def _opening(host: str, engine: str, version: tuple[int, ...] | None) -> str | None:
    """What a host pattern opens when it is wider than a /24 of IPv4 addresses, else None."""
    if host in ("", "%") or not is_ip_pattern(host) or ":" in host:
        return None  # any host: OLC112; IPv6 and host names are not judged
    masked = netmask_of(host)
    if masked is not None:
        ip, mask = masked
        prefix = bin(mask).count("1")
        if prefix >= SUBNET_PREFIX:
            return None
        network = ipaddress.IPv4Network((ip & mask, prefix))
        return f"the netmask covers {network.num_addresses} addresses ({network})"
    if "/" in host:
        network = cidr_of(host)
        cidr_works = engine != MARIADB and version_at_least(version, MYSQL_CIDR_FROM)
        if network is None or not cidr_works or network.prefixlen >= SUBNET_PREFIX:
            return None
        return f"the CIDR block covers {network.num_addresses} addresses ({network})"
    wild = min((i for i in (host.find("%"), host.find("_")) if i >= 0), default=-1)
    if wild < 0:
        return None  # one address
    literal = host[:wild]
    whole = _OCTETS.match(literal)[0]
    fixed = whole.count(".")
    partial = literal[len(whole) :]
    if fixed == 2 and partial.isdigit():
        # '192.168.100%' can only be 192.168.100.x: one /24; '192.168.1%' is 111 of them
        if sum(1 for v in range(256) if str(v).startswith(partial)) <= 1:
            return None
    elif fixed >= 3:
        return None
    return f"every address that starts with '{literal}' matches"


def check(cluster, graph) -> Iterator[Finding]:
    db = cluster.database
    if db is None or db.grants is None:
        return
    for account in db.grants.accounts:
        if account.user != "root":
            continue
        granted = next(
            (g for g in account.grants if grant_is_all(g, db.engine, db.server_version)), None
        )
        if granted is None:
            continue
        opening = _opening(account.host, db.engine, db.server_version)
        if opening is None:
            continue
        related = ()
        if granted.location != account.location:
            on = f"{granted.database}.{granted.table}"
            related = (Related(granted.location, f"ALL PRIVILEGES on {on} granted here"),)
        yield Finding(
            ID,
            LEVEL,
            f"{account_name(account)} lets root, with ALL PRIVILEGES, log in from a whole "
            f"subnet: {opening}; limit the account to the Connect servers' addresses",
            account.location,
            related=related,
            node=db.node or "",
            subject=f"{account.user}@{account.host}",
        )
