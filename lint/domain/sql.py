"""The statements an administrator runs on the database server so that every Connect
server logs in with ALL PRIVILEGES on its schema, and nothing more.

- `host_patterns(addresses)`: the hosts of the accounts to create: one address each, or
  the one netmask pattern (`a.b.c.d/255.255.255.252`) that matches exactly the addresses
  when they form an aligned block (MySQL and MariaDB both read netmask hosts);
- `script(engine, version, needs, drops)`: `CREATE USER` (unless the account exists),
  `GRANT ALL PRIVILEGES ON schema.*` and `DROP USER`, in this order, so a server that
  logged in through a dropped account has its own account first.

A password is never read from any input: every `CREATE USER` says `IDENTIFIED BY` a
placeholder naming the user, to be replaced by the password the Connect servers use. No
statement puts `IDENTIFIED BY` inside `GRANT` (removed in MySQL 8.0).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from olclint.domain.mysql import MYSQL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def placeholder(user: str) -> str:
    """The password placeholder of `user`'s accounts (replace it before running the SQL)."""
    return f"<password of {user}>"


def quote_string(text: str) -> str:
    """A single-quoted SQL string literal, as both engines read it."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def quote_schema(schema: str) -> str:
    """A schema name for `GRANT ... ON schema.*`: backquoted, with `_` and `%` escaped so
    the grant names this schema only (unescaped they are wildcards in a GRANT)."""
    escaped = schema.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%")
    return "`" + escaped.replace("`", "``") + "`"


def account(user: str, host: str) -> str:
    return f"{quote_string(user)}@{quote_string(host)}"


def host_patterns(addresses: Iterable[IPAddress]) -> list[str]:
    """The narrowest hosts that match exactly `addresses`: a netmask pattern for an aligned
    block of two or more IPv4 addresses, else each address."""
    found = sorted(set(addresses), key=lambda a: (a.version, int(a)))
    if len(found) > 1 and all(a.version == 4 for a in found):
        size = len(found)
        first = int(found[0])
        block = size & (size - 1) == 0 and first % size == 0
        if block and int(found[-1]) - first == size - 1:
            mask = ipaddress.IPv4Address((0xFFFFFFFF << (size.bit_length() - 1)) & 0xFFFFFFFF)
            return [f"{found[0]}/{mask}"]
    return [str(a) for a in found]


@dataclass(frozen=True)
class Need:
    """An account to create (unless `exists`) and give ALL PRIVILEGES on `schema`."""

    user: str
    host: str
    schema: str
    servers: tuple[str, ...]  # the Connect servers it serves, for the comment
    exists: bool = False


def script(
    engine: str,
    version: tuple[int, ...] | None,
    needs: Sequence[Need],
    drops: Sequence[tuple[str, str, str]],
    *,
    title: str,
) -> str:
    """The SQL for one database server; `drops` are (user, host, why)."""
    shown = ".".join(str(p) for p in version) if version else "version unknown"
    lines = [
        f"-- {title}",
        f"-- Database server: {'MySQL' if engine == MYSQL else 'MariaDB'} {shown}.",
    ]
    users = sorted({n.user for n in needs if not n.exists})
    if users:
        lines.append(
            "-- Replace each '<password of USER>' by the password the Connect servers use "
            "for USER before running this file."
        )
    if not needs and not drops:
        lines.append("-- Nothing to change.")
    for need in needs:
        who = account(need.user, need.host)
        lines.append("")
        lines.append(f"-- {', '.join(need.servers)}")
        if not need.exists:
            lines.append(f"CREATE USER {who} IDENTIFIED BY {quote_string(placeholder(need.user))};")
        lines.append(f"GRANT ALL PRIVILEGES ON {quote_schema(need.schema)}.* TO {who};")
    for user, host, why in drops:
        lines.append("")
        lines.append(f"-- {why}")
        lines.append(f"DROP USER {account(user, host)};")
    return "\n".join(lines) + "\n"
