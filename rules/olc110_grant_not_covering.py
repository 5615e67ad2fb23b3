"""The account the database picks for a Connect server lacks ALL PRIVILEGES on the schema.

## What it does

For every Connect server, takes the login name (`db.username` of its store, or
`database.user`, else `database.user` of cluster.yaml, default `root`), the schema
(`db.schema` of its store, or the schema of its `database.url`, else `database.schema` of
cluster.yaml) and the address the database server
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
requires TLS on a database without TLS, refuses the login. A grants file that could not be
read (over the size limit, permission denied, not a regular file) is not an empty one: the
rule then reports one note, that it cannot decide, instead of a finding per server.

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
from olclint.domain.accounts import account_name
from olclint.domain.mysql import short
from olclint.model.facts import FILE

ID = "OLC110"
NAME = "GrantNotCovering"
LEVEL = Level.ERROR
FIX = """
`olclint check --sql FILE` writes the statements to run on the database server: for each
reported server a `CREATE USER` for its user from its own address (or the netmask
pattern that matches exactly the servers, when they form an aligned block and no other
account would win), unless that account exists, and `GRANT ALL PRIVILEGES ON schema.*`
to it, with a password placeholder to replace. `--fix` does not edit grants files.
"""


def check(ctx) -> Iterator[Finding]:
    database = ctx.facts.database
    if database is None or not database.grants_collected:
        return
    if not database.grants_read:  # no accounts known is not "no accounts": say so, once
        grants = ctx.cluster.database
        yield ctx.finding(
            f"cannot decide whether the servers can log in: the grants file "
            f"{grants.grants.path} could not be read (OLC002 says why).",
            grants.loc("grants"),
            level=Level.NOTE,
            subject="grants-unreadable",
        )
        return
    for node in ctx.cluster.nodes:
        server = ctx.facts.server(node)
        login, target = server.login, server.connection
        if login is None or target is None:
            continue
        schema = login.schema.value
        schema_related = (
            (Related(login.schema.location, f"uses schema {schema}"),)
            if login.schema.origin == FILE and login.schema.location is not None
            else ()
        )
        user = login.user.value
        user_related = (
            (Related(login.user.where, f"logs in as '{user}'"),) if login.own_user else ()
        )
        who = f"{node.name} ({target.source})"
        account = login.account
        if account is None:
            near = login.nearest
            hint = f"; nearest is {account_name(near)} ({short(near.location)})" if near else ""
            yield ctx.finding(
                f"{who} cannot log in as '{user}': no account matches this address{hint}.",
                near.location if near else node.loc("address"),
                related=(Related(node.loc("address"), f"{node.name}'s address"), *user_related),
                node=node.name,
                subject=f"{user}:no-account",
            )
            continue
        if login.all_on_schema is not None:
            continue
        hidden = [
            Related(a.location, f"{account_name(a)} would cover it but is not used")
            for a in login.covering_alternatives(schema)
        ]
        if login.refused is not None:
            cause = (
                f"the login is refused: {login.refused} "
                f"({account_name(account)}, {short(account.location)})"
            )
        elif account.anonymous and user != "":
            cause = (
                f"the anonymous account {account_name(account)} ({short(account.location)}) "
                "is more specific and wins; it lacks ALL PRIVILEGES on "
                f"{schema}.*"
            )
        else:
            cause = (
                f"the account the server picks, {account_name(account)} "
                f"({short(account.location)}), lacks ALL PRIVILEGES on {schema}.*"
            )
        yield ctx.finding(
            f"{who} logs in as '{user}' but {cause}.",
            account.location,
            related=(*hidden, *user_related, *schema_related),
            node=node.name,
            subject=f"{user}@{account.host}",
        )
