"""`GRANT ... IDENTIFIED BY` is a syntax error on MySQL 8.0 and later.

## What it does

Warns for every `GRANT ... IDENTIFIED BY` statement in the grants file when the database
is MySQL 8.0 or later (`database.engine: mysql` and `server_version` 8.0+). MySQL 8.0
removed the clause (reference manual 13.7.1.6, GRANT Statement); MariaDB and MySQL 5.7
still accept it.

## Why it matters

The vendor's clustering guide writes the grant in this form. Run against MySQL 8.0 it
fails, the account is not created, and the Connect servers cannot log in.

## Example

```sql
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'%' IDENTIFIED BY 'secret';
```

Passing:

```sql
CREATE USER 'root'@'%' IDENTIFIED BY 'secret';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'%';
```

## How to fix

Split the statement: `CREATE USER ... IDENTIFIED BY ...`, then `GRANT ... TO ...`.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level
from olclint.domain.accounts import account_name
from olclint.domain.mysql import MYSQL, MYSQL_NO_GRANT_IDENTIFIED_FROM

ID = "OLC111"
NAME = "GrantIdentifiedByOnMysql8"
LEVEL = Level.WARNING


def check(ctx) -> Iterator[Finding]:
    cluster = ctx.cluster
    db = cluster.database
    if db is None or db.grants is None or db.engine != MYSQL or db.server_version is None:
        return
    if tuple(db.server_version) < MYSQL_NO_GRANT_IDENTIFIED_FROM:
        return
    version = ".".join(map(str, db.server_version))
    for account in db.grants.accounts:
        if account.identified_in_grant is None:
            continue
        yield ctx.finding(
            f"GRANT ... IDENTIFIED BY for {account_name(account)} is a syntax error on MySQL "
            f"{version}; create the account with CREATE USER ... IDENTIFIED BY, then GRANT",
            account.identified_in_grant,
            subject=f"{account.user}@{account.host}",
        )
