"""`olclint collect database`: what a live MySQL/MariaDB server enforces, as files.

Two files go into the node folder given with `--output`:

- `grants.sql`: for every role (sorted by name) `CREATE ROLE` and its `SHOW GRANTS`, then
  for every account (sorted by user, then host) its `SHOW CREATE USER` (locks, TLS
  requirements, authentication plugin) and `SHOW GRANTS` (privileges, granted roles, and on
  MariaDB its `SET DEFAULT ROLE`; on MySQL 8.0 the `SET DEFAULT ROLE` lines come from
  `mysql.default_roles`). Every password and hash is replaced by `PLACEHOLDER`, and the file
  is checked against the server's `authentication_string` values before it is written.
- `server.json` (`SERVER_FILE`): the running server's values (see `server_info`).

Nothing in either file changes from one collection to the next unless the server changed:
no time stamps, stable orders, JSON with sorted keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from olclint.collect.files import CollectError, write_file
from olclint.readers.serverinfo import SERVER_FILE

GRANTS_FILE = "grants.sql"
PLACEHOLDER = "<password hash removed by olclint collect>"
FORMAT = 1

Query = Callable[[str], Sequence[Sequence[Any]]]

# a quoted literal or a hex literal after the words that introduce a password or a hash:
# IDENTIFIED BY [PASSWORD] '...', IDENTIFIED WITH plugin AS '...', VIA plugin USING '...'
_SECRET = re.compile(
    r"""(?P<head>\b(?:BY\s+PASSWORD|BY|AS|USING|PASSWORD)\s+)"""
    r"""(?:'(?:\\.|''|[^'\\])*'|"(?:\\.|""|[^"\\])*"|0x[0-9A-Fa-f]*|X'[0-9A-Fa-f]*')""",
    re.I | re.S,
)

# the variables server.json keeps, with their type
VARIABLES: dict[str, str] = {
    "version": "str",
    "version_comment": "str",
    "hostname": "str",
    "port": "int",
    "bind_address": "str",
    "skip_networking": "bool",
    "skip_name_resolve": "bool",
    "lower_case_table_names": "int",
    "max_connections": "int",
    "have_ssl": "str",
    "tls_version": "str",
    "require_secure_transport": "bool",
    "mysqlx_bind_address": "str",
    "mysqlx_port": "int",
}
_DENIED = {1044, 1142, 1143, 1227}  # no access to a database, table, column; missing privilege
_IGNORED = {1133, 1141}  # no such account / no grants: the server ignores the row


def redact_statement(text: str) -> str:
    """`text` with every password and hash literal replaced by the placeholder."""
    return _SECRET.sub(lambda m: f"{m['head']}'{PLACEHOLDER}'", text)


def quote_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def account_name(user: str, host: str) -> str:
    return f"{quote_name(user)}@{quote_name(host)}"


class Denied(CollectError):
    """The collecting account lacks a privilege; the message names it."""


class ServerError(Exception):
    """An error the server returned for one statement."""

    def __init__(self, code: int | None, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "surrogateescape")
    return "" if value is None else str(value)


def _ask(query: Query, sql: str, what: str, who: str) -> Sequence[Sequence[Any]]:
    """Run `sql`; a refusal becomes a message that names the privilege that is missing."""
    try:
        return query(sql)
    except ServerError as exc:
        _raise_denied(exc, what, who)
        raise


def _raise_denied(exc: ServerError, what: str, who: str) -> None:
    if exc.code in _DENIED:
        raise Denied(
            f"{who} may not {what}: it needs SELECT on mysql.* "
            f"(GRANT SELECT ON mysql.* TO {who}); the server said: {exc.message}"
        ) from None


def _accounts(query: Query, who: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(accounts as (user, host), role names), sorted."""
    try:
        rows = query("SELECT User, Host, is_role FROM mysql.user")
        mariadb = True
    except ServerError as exc:
        if exc.code != 1054:  # no is_role column: MySQL, whose roles are locked accounts
            _raise_denied(exc, "list the accounts", who)
            raise
        rows = _ask(query, "SELECT User, Host FROM mysql.user", "list the accounts", who)
        mariadb = False
    accounts: set[tuple[str, str]] = set()
    roles: set[str] = set()
    for row in rows:
        user, host = _text(row[0]), _text(row[1])
        if mariadb and _text(row[2]).upper() == "Y":
            roles.add(user)
        else:
            accounts.add((user, host))
    return sorted(accounts), sorted(roles)


def _default_roles(query: Query) -> dict[tuple[str, str], list[str]]:
    """MySQL 8.0's default roles (MariaDB prints them in SHOW GRANTS)."""
    try:
        rows = query(
            "SELECT USER, HOST, DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST FROM mysql.default_roles"
        )
    except ServerError:
        return {}
    found: dict[tuple[str, str], list[str]] = {}
    for user, host, role_user, role_host in rows:
        key = (_text(user), _text(host))
        found.setdefault(key, []).append(account_name(_text(role_user), _text(role_host)))
    return {key: sorted(value) for key, value in found.items()}


def _secrets(query: Query) -> set[str]:
    """The server's stored hashes, to prove none is written (kept in memory only)."""
    try:
        rows = query("SELECT authentication_string FROM mysql.user")
    except ServerError:
        return set()
    return {_text(row[0]) for row in rows if row[0] and len(_text(row[0])) >= 4}


def grants_sql(query: Query, who: str) -> str:
    """The text of grants.sql."""
    version = _text(_ask(query, "SELECT @@version", "read @@version", who)[0][0])
    accounts, roles = _accounts(query, who)
    defaults = _default_roles(query)
    out = [
        f"-- Accounts, roles and grants of a {version} server, as olclint collect database",
        "-- read them (SHOW CREATE USER, SHOW GRANTS). Every password and hash is replaced by",
        f"-- '{PLACEHOLDER}':",
        "-- olclint only needs to know that one is set.",
    ]
    for role in roles:
        out.extend(["", f"-- role {quote_name(role)}", f"CREATE ROLE {quote_name(role)};"])
        for row in _ask(query, f"SHOW GRANTS FOR {quote_name(role)}", "read grants", who):
            out.append(redact_statement(_text(row[0])) + ";")
    for user, host in accounts:
        name = account_name(user, host)
        out.extend(["", f"-- account {name}"])
        try:
            created = _ask(query, f"SHOW CREATE USER {name}", "read accounts", who)
        except ServerError as exc:
            if exc.code not in _IGNORED:
                raise
            # a host-name account under skip-name-resolve: the server does not use it
            out.append(f"-- the server ignores this account; it said: {exc.message}")
            continue
        out.extend(redact_statement(_text(row[0])) + ";" for row in created)
        grants = _ask(query, f"SHOW GRANTS FOR {name}", "read grants", who)
        lines = [redact_statement(_text(row[0])) for row in grants]
        out.extend(line + ";" for line in lines)
        if (user, host) in defaults and not any(
            line.upper().startswith("SET DEFAULT ROLE") for line in lines
        ):
            out.append(f"SET DEFAULT ROLE {', '.join(defaults[(user, host)])} TO {name};")
    text = "\n".join(out) + "\n"
    for secret in _secrets(query):
        if secret in text:
            raise CollectError(
                "a password hash of the server could not be removed from grants.sql; "
                "nothing was written"
            )
    return text


def _typed(kind: str, raw: str) -> Any:
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            return raw
    if kind == "bool":
        return raw.upper() in ("ON", "1", "YES", "TRUE")
    return raw


def server_info(query: Query, who: str, host: str, port: int) -> dict[str, Any]:
    """The running server's values, as server.json holds them.

    `variables`: the variables of `VARIABLES` the server has (an absent one is left out),
    typed; `engine`: mariadb or mysql; `tls_available`: `have_ssl` is YES, or (MySQL 8.0.26+,
    without have_ssl) `tls_version` is not empty; `option_files`: the option files the server
    read, from MySQL 8.0's `performance_schema.variables_info`, and `sources` where each
    kept variable was set; both null when the server does not say (MariaDB);
    `collected_from`: the host and port olclint connected to.
    """
    names = ", ".join(f"'{name}'" for name in VARIABLES)
    rows = _ask(
        query, f"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({names})", "read variables", who
    )
    raw = {_text(name).lower(): _text(value) for name, value in rows}
    variables = {n: _typed(kind, raw[n]) for n, kind in VARIABLES.items() if n in raw}
    version = variables.get("version", "")
    engine = "mariadb" if "mariadb" in version.lower() else "mysql"
    if "have_ssl" in variables:
        tls = str(variables["have_ssl"]).upper() == "YES"
    else:
        tls = bool(variables.get("tls_version"))
    option_files = sources = None
    try:
        info = query(
            "SELECT VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH "
            "FROM performance_schema.variables_info"
        )
    except ServerError:
        info = None
    if info is not None:
        files, sources = set(), {}
        for name, source, path in info:
            name, path = _text(name).lower(), _text(path)
            if path:
                files.add(path)
            if name in variables:
                sources[name] = {"source": _text(source), "path": path or None}
        option_files = sorted(files)
    return {
        "format": FORMAT,
        "collected_from": {"host": host, "port": port},
        "engine": engine,
        "variables": variables,
        "tls_available": tls,
        "option_files": option_files,
        "sources": sources,
    }


def server_json(info: dict[str, Any]) -> str:
    return json.dumps(info, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def current_user(query: Query) -> str:
    text = _text(query("SELECT CURRENT_USER()")[0][0])
    user, _, host = text.rpartition("@")
    return f"'{user}'@'{host}'"


def collect_database(
    query: Query, root: Path, output: Path, host: str, port: int
) -> list[tuple[Path, bool]]:
    """Write grants.sql and server.json into `output`; (path, changed) of each."""
    try:
        who = current_user(query)
        info = server_json(server_info(query, who, host, port))
        grants = grants_sql(query, who)
    except ServerError as exc:
        raise CollectError(f"the server at {host}:{port} refused a query: {exc.message}") from None
    return [
        (output / GRANTS_FILE, write_file(root, output / GRANTS_FILE, grants.encode("utf-8"))),
        (output / SERVER_FILE, write_file(root, output / SERVER_FILE, info.encode("utf-8"))),
    ]


def connect(host: str, port: int, user: str, password: str, timeout: int = 10) -> Query:
    """A query function on a new PyMySQL connection (the optional `collect` extra)."""
    try:
        import pymysql
    except ImportError:
        raise CollectError(
            "collect database needs PyMySQL: pip install 'olclint[collect]'"
        ) from None
    try:
        conn = pymysql.connect(
            host=host,
            port=port,
            user=user,
            password=password,
            connect_timeout=timeout,
            charset="utf8mb4",
            autocommit=True,
        )
    except pymysql.err.MySQLError as exc:
        raise CollectError(f"cannot connect to {host}:{port} as {user}: {exc.args[-1]}") from None
    except (OSError, ValueError) as exc:
        raise CollectError(f"cannot connect to {host}:{port} as {user}: {exc}") from None

    def query(sql: str) -> Sequence[Sequence[Any]]:
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        except pymysql.err.MySQLError as exc:
            code = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
            raise ServerError(code, str(exc.args[-1]) if exc.args else str(exc)) from None

    return query
