"""What a login may do on a schema: the privileges the server checks, and when they are ALL.

A grant that holds every privilege of its level, for the server's engine and version, is
ALL PRIVILEGES, however it is written. MySQL 8.0's `SHOW GRANTS` never prints
`ALL PRIVILEGES ON *.*`: it lists every static privilege and prints the dynamic ones on a
second line (MySQL 8.0 manual, "SHOW GRANTS Statement"; the static privileges and their
levels: "Privileges Provided by MySQL", "Static Privilege Descriptions"). MariaDB prints
ALL PRIVILEGES when the set is complete, but a grants file written by hand may list them.

At a schema the server (`check_access` and `acl_get` in sql_acl.cc) grants the union of:
- the global (`*.*`) privileges of the account row the login matched;
- the privileges of ONE `mysql.db` row: the first, in the server's order (most specific
  host first), whose host matches the client, whose user is the matched row's user and
  whose database pattern covers the schema: rows of other accounts of the same user count,
  and a more specific row with fewer privileges hides a wider one (observed on MariaDB
  10.11: a `SELECT` row for `u@'127.0.0.2'` hides `ALL` of `u@'127.0.0.%'`);
- the same for every role active at login (the account's default roles that it was granted,
  and the roles those were granted, transitively).

A locked account (`ACCOUNT LOCK`) is refused, with no fall-back to another row; so is an
account that requires TLS (`REQUIRE SSL`, `X509`, `ISSUER`, `SUBJECT`, `CIPHER`) when the
server has no TLS. Schema names compare without case under `lower_case_table_names` 1 or 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from olclint.domain.accounts import (
    Client,
    Pick,
    _magic,
    candidate_rows,
    host_matches,
    pick_account,
)
from olclint.domain.mysql import MARIADB, server_groups, version_at_least
from olclint.readers.grants import ALL, GRANT_OPTION, Grant, database_matches, like_match

if TYPE_CHECKING:
    from olclint.core.findings import Location
    from olclint.readers.grants import Account, Grants


def _words(*names: str) -> frozenset[str]:
    return frozenset(names)


# "Privileges Provided by MySQL" (MySQL 8.0 manual), the static privileges whose context
# includes databases
MYSQL_DATABASE_PRIVILEGES = _words(
    "ALTER",
    "ALTER ROUTINE",
    "CREATE",
    "CREATE ROUTINE",
    "CREATE TEMPORARY TABLES",
    "CREATE VIEW",
    "DELETE",
    "DROP",
    "EVENT",
    "EXECUTE",
    "INDEX",
    "INSERT",
    "LOCK TABLES",
    "REFERENCES",
    "SELECT",
    "SHOW VIEW",
    "TRIGGER",
    "UPDATE",
)
# The static privileges as MySQL 8.0's SHOW GRANTS lists them for ALL ON *.* (the
# administrative ones added to the database ones; GRANT OPTION, PROXY and USAGE are not
# part of ALL)
MYSQL_GLOBAL_PRIVILEGES = MYSQL_DATABASE_PRIVILEGES | _words(
    "RELOAD",
    "SHUTDOWN",
    "PROCESS",
    "FILE",
    "SHOW DATABASES",
    "SUPER",
    "REPLICATION SLAVE",
    "REPLICATION CLIENT",
    "CREATE USER",
    "CREATE TABLESPACE",
    "CREATE ROLE",
    "DROP ROLE",
)
# MariaDB 10.11: information_schema.SCHEMA_PRIVILEGES of an ALL grant (19 rows, observed)
MARIADB_DATABASE_PRIVILEGES = MYSQL_DATABASE_PRIVILEGES | {"DELETE HISTORY"}
MARIADB_SHOW_CREATE_ROUTINE_FROM = (11, 3)


def database_privileges(engine: str, version: tuple[int, ...] | None) -> frozenset[str]:
    """Every privilege of the database level: what ALL PRIVILEGES ON db.* stands for."""
    if engine == MARIADB:
        if version is not None and version_at_least(version, MARIADB_SHOW_CREATE_ROUTINE_FROM):
            return MARIADB_DATABASE_PRIVILEGES | {"SHOW CREATE ROUTINE"}
        return MARIADB_DATABASE_PRIVILEGES
    return MYSQL_DATABASE_PRIVILEGES


def expand(
    privileges: Iterable[str], engine: str, version: tuple[int, ...] | None
) -> frozenset[str]:
    """The privileges, with ALL PRIVILEGES written out as the database-level ones (what
    matters on a schema); synonyms folded (`REPLICATION SLAVE` is `REPLICATION REPLICA`)."""
    out: set[str] = set()
    for name in privileges:
        name = " ".join(name.upper().split())
        if name in (ALL, "ALL"):
            out |= database_privileges(engine, version)
        elif name == "REPLICA":
            out.add("REPLICATION SLAVE")
        else:
            out.add(name)
    return frozenset(out)


def holds_all(privileges: Iterable[str], engine: str, version: tuple[int, ...] | None) -> bool:
    """Whether a set of privileges, on one schema, is all of them (ALL PRIVILEGES)."""
    return database_privileges(engine, version) <= expand(privileges, engine, version)


@dataclass(frozen=True)
class SchemaAccess:
    """What a login may do on a schema, as the server decides it."""

    account: Any  # the account row the login matched, or None
    refused: str | None  # why the login is refused, or None
    privileges: frozenset[str]  # on the schema (ALL written out); empty when refused
    all_privileges: bool
    grants: tuple[Location, ...]  # the grants that give them, in file order

    @property
    def covering(self) -> Location | None:
        """A grant to cite when the login holds ALL on the schema, else None."""
        return self.grants[0] if self.all_privileges and self.grants else None


def _chars_before_wildcard(text: str) -> int:
    """MariaDB's `get_magic_sort` measure of one part of a `mysql.db` row: the characters
    before the first `%` or `_` (128 without a wildcard; 0 for an empty part)."""
    if text == "":
        return 0
    chars = 0
    i = 0
    while i < len(text):
        c = text[i]
        if c in "%_":
            return chars
        if c == "\\" and i + 1 < len(text):
            i += 1
        chars += 1
        i += 1
    return 128


def _db_row_order(host: str, database: str, user: str, first: Location) -> tuple:
    """Ascending key of the server's order of `mysql.db` rows: the host as for accounts
    (`_magic`, fewer matching strings first), then the database (more characters before a
    wildcard first), then a named user before `''`; on a tie (an exact address and a
    netmask) the order the rows were created in, which the server keeps across restarts
    (the table's physical order): here the file's order. Checked against a live MariaDB
    10.11 (tests/test_grants_oracle.py)."""
    return (
        _magic(host or "%"),
        -_chars_before_wildcard(database),
        user == "",
        first.line,
        first.column,
    )


def _schema_grants(
    rows: Sequence[Any],
    user: str,
    client: Client | None,
    schema: str,
    engine: str,
    version: tuple[int, ...] | None,
    ignore_case: bool,
) -> list[Grant]:
    """The grants of the first `mysql.db` row for `user` (from `rows`; a row of the
    anonymous user `''` applies to every user) matching the client and covering `schema`.
    Client None: a role, which the server looks up with an empty host and address, so
    besides the role's own rows an anonymous row for host `%` applies (observed)."""
    rows_by_key: dict[tuple[int, str], list[Grant]] = {}
    order: dict[tuple[int, str], tuple] = {}
    # the rows whose host can match at all (an index; host_matches still decides)
    numbers = candidate_rows(rows, client, user) if client is not None else range(len(rows))
    for n in numbers:
        account = rows[n]
        if account.user not in (user, ""):
            continue
        if client is None:
            if not like_match(account.host, ""):
                continue  # a role is looked up with an empty host
        elif not host_matches(account.host, client, engine, version):
            continue
        for grant in account.grants:
            if grant.database == "*" or grant.table != "*":
                continue
            if not database_matches(grant.database, schema, ignore_case=ignore_case):
                continue
            key = (n, grant.database.lower() if ignore_case else grant.database)
            rows_by_key.setdefault(key, []).append(grant)
            order.setdefault(
                key, _db_row_order(account.host, grant.database, account.user, grant.location)
            )
    if not rows_by_key:
        return []
    first = min(rows_by_key, key=lambda k: (order[k], k[0]))
    return rows_by_key[first]


def _global_grants(account: Any) -> list[Grant]:
    return [g for g in account.grants if g.database == "*" and g.table == "*"]


def active_roles(account: Any, grants: Grants) -> list[Account]:
    """The roles active when `account` logs in: its default roles that it holds (`ALL`:
    every role it holds), then the roles granted to those, transitively."""
    held = set(getattr(account, "granted_roles", ()))
    defaults = tuple(getattr(account, "default_roles", ()))
    start = held if "ALL" in defaults else [r for r in defaults if r in held]
    seen: dict[str, Account] = {}
    todo = list(start)
    while todo:
        name = todo.pop(0)
        role = grants.role(name)
        if role is None or name in seen:
            continue
        seen[name] = role
        todo.extend(sorted(role.granted_roles))
    return list(seen.values())


def schema_access(
    grants: Grants,
    user: str,
    client: Client,
    schema: str,
    engine: str,
    version: tuple[int, ...] | None,
    *,
    lower_case_table_names: int = 0,
    server_tls: bool = False,
    pick: Pick | None = None,
) -> SchemaAccess:
    """What `user`, connecting from `client`, may do on `schema` (`pick`: the account
    selection when the caller made it already)."""
    if pick is None:
        pick = pick_account(grants.accounts, user, client, engine, version)
    account = pick.account
    if account is None:
        return SchemaAccess(None, "no account matches", frozenset(), False, ())
    if getattr(account, "locked", False):
        return SchemaAccess(account, "the account is locked", frozenset(), False, ())
    if getattr(account, "require_tls", False) and not server_tls:
        why = "the account requires TLS and the server has none"
        return SchemaAccess(account, why, frozenset(), False, ())
    ignore_case = lower_case_table_names != 0
    used: list[Grant] = _global_grants(account)
    used += _schema_grants(
        grants.accounts, account.user, client, schema, engine, version, ignore_case
    )
    chain = active_roles(account, grants)
    if chain:
        # the active role holds what its granted roles hold (the server propagates their
        # privileges into its own rows); its schema rows come first, and only without one
        # an anonymous row for host `%` applies (observed)
        merged = SimpleNamespace(
            user=chain[0].user, host="", grants=tuple(g for r in chain for g in r.grants)
        )
        used += _global_grants(merged)
        own = _schema_grants((merged,), merged.user, None, schema, engine, version, ignore_case)
        used += own or _schema_grants(
            grants.accounts, "", None, schema, engine, version, ignore_case
        )
    privileges = expand(
        (p for g in used for p in g.privileges if p != GRANT_OPTION), engine, version
    )
    ordered = tuple(sorted({g.location for g in used}, key=lambda loc: (loc.line, loc.column)))
    return SchemaAccess(account, None, privileges, holds_all(privileges, engine, version), ordered)


def grant_is_all(grant: Grant, engine: str, version: tuple[int, ...] | None) -> bool:
    """Whether one grant holds every privilege of its level (ALL PRIVILEGES)."""
    if ALL in grant.privileges:
        return True
    if grant.table != "*":
        return False
    privileges = expand(grant.privileges, engine, version)
    if grant.database == "*" and engine != MARIADB:
        return privileges >= MYSQL_GLOBAL_PRIVILEGES
    return holds_all(privileges, engine, version)


def all_privileges_grant(
    account: Any, engine: str, version: tuple[int, ...] | None
) -> Grant | None:
    """The first grant that gives `account` every privilege of its level, or None."""
    return next((g for g in account.grants if grant_is_all(g, engine, version)), None)


# -- server settings that access depends on ------------------------------------------------


@dataclass(frozen=True)
class AccessOptions:
    lower_case_table_names: int
    tls: bool  # the server offers TLS


_TLS_OPTIONS = ("ssl-cert", "ssl-key", "ssl-ca", "ssl-capath")


def access_options(
    option_file: Any, engine: str, version: tuple[int, ...] | None, *, windows: bool
) -> AccessOptions:
    """`lower_case_table_names` (default 1 on Windows, 0 elsewhere) and whether the server
    has TLS: MariaDB (before 11.4) only with a certificate and key configured; MySQL 8.0
    generates its own certificates at start-up (`auto_generate_certs`) unless TLS is off
    (`skip-ssl`, `ssl=0`)."""
    lctn = 1 if windows else 0
    seen: dict[str, str | None] = {}
    if option_file is not None:
        for option in option_file.options_for(server_groups(engine, version)):
            key = option.key.lower().replace("_", "-")
            if key.startswith("loose-"):
                key = key[len("loose-") :]
            seen[key] = option.value
            if key == "lower-case-table-names" and (option.value or "").strip().isdigit():
                lctn = int(option.value.strip())
    if engine == MARIADB and not version_at_least(version, (11, 4)):
        tls = "ssl-cert" in seen and "ssl-key" in seen
    else:
        tls = True
    off = "skip-ssl" in seen or "disable-ssl" in seen
    if "ssl" in seen and (seen["ssl"] or "1").strip().lower() in ("0", "off", "false"):
        off = True
    return AccessOptions(lctn, tls and not off)


def database_access_options(database: Any) -> AccessOptions:
    """`access_options` of the cluster's database (a `my.ini` is a Windows server)."""
    option_file = database.option_file
    windows = option_file is not None and option_file.path.lower().endswith(".ini")
    return access_options(option_file, database.engine, database.server_version, windows=windows)
