"""A Connect server cannot open a TCP connection to the database.

## What it does

For every Connect server, works out where it connects (the `db.host` of its store, as
Connect 2021 keeps it in `com.objectiflune.repository.eclipselink.generic.prefs`, or the
host of a `database.url`; by default the database node's address, and `localhost` =
127.0.0.1 on the database host itself) and checks, as the database server would:

- the option file does not stop the server (an empty or malformed `bind-address`, a
  `port` that is not a number, an ambiguous option name);
- `skip-networking` is off (it turns TCP off entirely);
- `bind-address` covers the address the server connects to: `127.0.0.1`/`localhost`
  listen on loopback only, another interface's address does not cover this one, and on
  MariaDB `::` listens on IPv6 only, so IPv4 clients are refused (MySQL's `::` takes
  both);
- `db.host` (or `database.url`) names the database server, not another host;
- `db.vendor`, when set, is `MySQL` or `MariaDB`: another product is another database;
- with `networks` and `routes` declared, a route allows the port from the server's
  network to the database's.

A `db.host` that is missing (while `db.port` or `db.schema` is set) or empty, and
`db.query.params` that require TLS (`sslMode=REQUIRED`, `VERIFY_CA`, `VERIFY_IDENTITY`),
are notes: olclint cannot tell what Connect then connects to, or whether the server has
a certificate.

Options are read from the groups the server reads (`[mysqld]`, `[server]`,
`[mysqld-X.Y]`, on MariaDB also `[mariadb]`, `[mariadbd]`, `[client-server]`...), with
includes spliced in place and the last value winning.

## Why it matters

A server that cannot reach the database fails at start-up or fails every job. The
classic case is a default `bind-address = 127.0.0.1` on the master's database: the master
works, every extension fails.

## Example

```ini
# master01/my.ini
[mysqld]
bind-address = 127.0.0.1    # ext01 (192.168.10.21) cannot connect to 192.168.10.10
```

Passing:

```ini
[mysqld]
bind-address = 0.0.0.0      # or the database host's own address, 192.168.10.10
```

## How to fix

Change the reported line: set `bind-address` to the address the Connect servers use (or
`0.0.0.0` / `*`), remove `skip-networking`, point `db.host` (or `database.url`) at the
database host, or add a route for the database port between the networks.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.fixes import option_fix, setting_fix
from olclint.domain.mysql import short
from olclint.model.graph import DATABASE, reaches, server_id
from olclint.rules._fixes import serving_bind_address

ID = "OLC101"
NAME = "DatabaseNotReachable"
LEVEL = Level.ERROR
FIX = """
`--fix` edits one value for two of its findings:

- a server whose `db.host` (in its
  `com.objectiflune.repository.eclipselink.generic.prefs`) names another host: `db.host`
  becomes the database server's address;
- a `bind-address` that does not serve a Connect server: it becomes the narrowest value
  that serves every Connect server: the one address they all connect to, else the list
  of those addresses where the engine reads a list (MySQL 8.0.13, MariaDB 10.11), else
  `0.0.0.0` when they are all IPv4.

A host inside a `database.url` is not edited (the URL may hold a password), nor is an
inline value of cluster.yaml. The other findings have no automatic fix.
"""


def _who(node, target) -> str:
    return f"{node.name} ({target.source})"


def check(ctx) -> Iterator[Finding]:
    cluster, facts = ctx.cluster, ctx.facts
    db = cluster.database
    if db is None or facts.database is None:
        return
    opts = facts.database.options
    if not opts.starts:
        first = opts.problems[0]
        names = ", ".join(n.name for n in cluster.nodes)
        related = [Related(p.option.location, p.message) for p in opts.problems[1:]]
        related.append(Related(db.loc("option_file"), "the database server's option file"))
        yield ctx.finding(
            f"the database server does not start: {first.reason}; "
            f"no Connect server ({names}) can connect",
            first.option.location,
            related=tuple(related),
            subject=f"start:{first.option.key}",
        )
        return
    for node in cluster.nodes:
        target = facts.server(node).connection
        if target is None:
            continue
        conn = target.connection
        if conn is not None and conn.foreign_vendor and conn.vendor is not None:
            yield ctx.finding(
                f"{node.name}: {conn.vendor.key}={conn.vendor.value} makes it use another "
                f"database product, not the cluster's {db.engine} database",
                conn.vendor.location or node.loc("address"),
                node=node.name,
                subject="db.vendor",
            )
            continue
        if target.undecided is not None:
            yield ctx.finding(
                f"could not check whether {node.name} reaches the database: "
                f"{target.undecided} on {node.name}, and olclint does not guess the host "
                "Connect then uses; set db.host to the database server's address",
                target.url_location or target.port_location or node.loc("address"),
                level=Level.NOTE,
                node=node.name,
                subject="db.host",
            )
            continue
        url_related = (
            (Related(target.url_location, f"{node.name} connects to {target.host}"),)
            if target.url_location is not None
            else ()
        )
        tls = conn.tls_required if conn is not None else None
        if tls is not None:
            yield ctx.finding(
                f"{node.name} requires TLS ({tls}): olclint cannot tell whether the database "
                "server has a certificate; without one every connection is refused",
                conn.params_location or node.loc("address"),
                level=Level.NOTE,
                node=node.name,
                subject="tls",
            )
        if target.wrong_host:
            where = target.url_location or node.loc("address")
            db_host = cluster.database_node.name if cluster.database_node else "the database"
            yield ctx.finding(
                f"{_who(node, target)} connects to {target.host}, which is not the database server "
                f"({db_host})",
                where,
                related=(Related(db.loc("node") if db.node else db.location, "the database"),),
                fix=_host_fix(node, target, facts.database.address),
                node=node.name,
                subject=target.host_key,
            )
            continue
        if opts.skip_networking.value:
            option = opts.skip_networking.option
            yield ctx.finding(
                f"{_who(node, target)} cannot connect to the database: skip-networking "
                f"({short(option.location)}) turns TCP connections off",
                option.location,
                related=url_related,
                node=node.name,
                subject="skip-networking",
            )
            continue
        if target.address is None:
            yield ctx.finding(
                f"{node.name}: {target.host_key} names host '{target.host}', which olclint cannot "
                "resolve; give the database node a `hostname` or use its address",
                target.url_location or node.loc("address"),
                level=Level.NOTE,
                node=node.name,
                subject="database.url:host",
            )
            continue
        listen = opts.listen
        accepted = listen.accepts(target.address) if listen is not None else False
        bind = opts.bind_address
        if accepted is False and bind.option is not None:
            extra = ""
            if target.address.version == 4 and listen.all_v6 and not listen.all_v4:
                extra = " (on MariaDB '::' listens on IPv6 only)"
            yield ctx.finding(
                f"{_who(node, target)} cannot connect to the database at {target.address}:"
                f"{target.port}: bind-address={bind.value} ({short(bind.option.location)}) "
                f"listens on {listen.describe()} only{extra}",
                bind.option.location,
                related=url_related,
                fix=_bind_fix(bind.option, serving_bind_address(cluster, facts)),
                node=node.name,
                subject="bind-address",
            )
            continue
        if accepted is None:
            yield ctx.finding(
                f"{node.name}: bind-address={bind.value} names a host olclint cannot resolve; "
                f"it cannot tell whether {target.address} is covered",
                bind.option.location,
                level=Level.NOTE,
                node=node.name,
                subject="bind-address:name",
            )
            continue
        if db.node == node.name:
            continue  # the database host connects to itself
        if not reaches(ctx.reach, server_id(node.name), DATABASE, target.port):
            yield ctx.finding(
                f"{_who(node, target)} has no network route to the database on port {target.port}: "
                "no declared route from its network allows that port",
                node.loc("address"),
                related=(Related(cluster.loc("routes"), "the declared routes"), *url_related),
                node=node.name,
                subject="route",
            )


def _host_fix(node, target, address):
    """`db.host` of the server's store to the database's address (never a host inside a
    `database.url`, which may hold a password)."""
    if target.host_key != "db.host" or address is None:
        return None
    return setting_fix(
        node.setting("database.host"),
        str(address),
        f"set db.host to {address} on {node.name}, the database server's address",
    )


def _bind_fix(option, value):
    if value is None:
        return None
    return option_fix(
        option, value, f"set bind-address to {value}, which serves every Connect server"
    )
