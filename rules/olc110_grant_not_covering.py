"""The account the database picks for a Connect server lacks ALL PRIVILEGES on the schema.

## What it does

For every Connect server, takes the login name (`database.user` of the server, else
`database.user` of cluster.yaml, default `root`) and the address the database server
sees (the server's `address`; 127.0.0.1 for the database host connecting to
`localhost`), and picks the account as the server does: the rows whose host pattern
matches, most specific host first, a named user before the anonymous one, first match
wins and there is no fall-through. Host patterns follow the engine: `ip/netmask`; CIDR
`/n` only on MySQL 8.0.23+; `%`, `_`; host names only without `skip-name-resolve`. Then
it checks that the login holds ALL PRIVILEGES on `schema`.* after every GRANT and REVOKE
of the grants file, as the server computes them: the global privileges of that account,
the first `mysql.db` row of the same user (or of the anonymous user) whose host matches
the server, and the account's default role; a list of every privilege of the level (as
MySQL 8.0's `SHOW GRANTS` prints `ALL ON *.*`) is ALL. A locked account, or one that
requires TLS on a database without TLS, refuses the login.

## Why it matters

Connect creates and alters its tables at start-up and fails when the account misses a
privilege. A more specific account (or an anonymous row such as `''@'ext03'`) silently
wins over the intended `'root'@'%'`.

## Example

```sql
CREATE USER 'root'@'192.168.10.%';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.10.%';
-- ext03 (192.168.11.23) matches no account
```

Passing:

```sql
CREATE USER 'root'@'192.168.10.%';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.10.%';
CREATE USER 'root'@'192.168.11.23';
GRANT ALL PRIVILEGES ON objectiflune.* TO 'root'@'192.168.11.23';
```

## How to fix

Change the reported grant line: add an account for the server's address (widening a
`root` host to a whole subnet is what OLC503 warns about), grant ALL PRIVILEGES on
the schema to the account that wins, or drop the anonymous or more specific row that
hides the intended one.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.accounts import Client, account_name, nearest_account, pick_account
from olclint.domain.mysql import connection_target, database_options, short
from olclint.domain.privileges import login_access

ID = "OLC110"
NAME = "GrantNotCovering"
LEVEL = Level.ERROR


def check(cluster, graph) -> Iterator[Finding]:
    db = cluster.database
    opts = database_options(cluster)
    if db is None or db.grants is None or opts is None:
        return
    accounts = db.grants.accounts
    for node in cluster.nodes:
        target = connection_target(cluster, node)
        if target is None or target.wrong_host:
            continue
        user_setting = node.setting("database.user")
        user = user_setting.value if user_setting and user_setting.value else db.user
        user_related = (
            (Related(user_setting.value_location or user_setting.location, f"logs in as '{user}'"),)
            if user_setting and user_setting.value
            else ()
        )
        client = Client.of(target.source, node.hostname, opts.name_resolve)
        pick = pick_account(accounts, user, client, db.engine, db.server_version)
        who = f"{node.name} ({target.source})"
        account = pick.account
        if account is None:
            near = nearest_account(accounts, user, target.source)
            hint = f"; nearest is {account_name(near)} ({short(near.location)})" if near else ""
            yield Finding(
                ID,
                LEVEL,
                f"{who} cannot log in as '{user}': no account matches this address{hint}.",
                near.location if near else node.loc("address"),
                related=(Related(node.loc("address"), f"{node.name}'s address"), *user_related),
                node=node.name,
                subject=f"{user}:no-account",
            )
            continue
        access = login_access(db, user, client)
        if access.covering is not None:
            continue
        hidden = [
            Related(a.location, f"{account_name(a)} would cover it but is not used")
            for a in pick.matching[1:]
            if a.has_all_on(db.schema) is not None
        ]
        if access.refused is not None:
            cause = (
                f"the login is refused: {access.refused} "
                f"({account_name(account)}, {short(account.location)})"
            )
        elif account.anonymous and user != "":
            cause = (
                f"the anonymous account {account_name(account)} ({short(account.location)}) "
                "is more specific and wins; it lacks ALL PRIVILEGES on "
                f"{db.schema}.*"
            )
        else:
            cause = (
                f"the account the server picks, {account_name(account)} "
                f"({short(account.location)}), lacks ALL PRIVILEGES on {db.schema}.*"
            )
        yield Finding(
            ID,
            LEVEL,
            f"{who} logs in as '{user}' but {cause}.",
            account.location,
            related=(*hidden, *user_related),
            node=node.name,
            subject=f"{user}@{account.host}",
        )
