"""The options a MySQL or MariaDB server really uses, from its option file.

`effective_options(option_file, engine, version)` reads the option file the way the server
does and gives the values of the options that decide who can connect: `bind-address`,
`port`, `skip-networking`, `skip-name-resolve` and, on MySQL 8.0, the X Protocol listener
(`mysqlx`, `mysqlx-bind-address`, `mysqlx-port`). Each value keeps the `Option` (and so
the file and line, through `!include` too) that set it.

How the server reads them (checked against `mariadbd --help --verbose` of MariaDB 10.11;
MySQL from its reference manual, "Program Option Modifiers" and "Server System Variables"
"Server System Variables"):

- Groups (`server_groups`): MySQL reads `[mysqld]`, `[server]`, `[mysqld-X.Y]`; MariaDB
  also `[mariadb]`, `[mariadb-X.Y]`, `[mariadbd]`, `[mariadbd-X.Y]`, `[client-server]`
  and `[galera]`. Options are taken in file order whatever their group; the last wins.
- Names: dash and underscore alike; a `loose-` prefix is dropped; `skip-x` and `disable-x`
  set `x` to 0 (`skip-x=0` sets 1), `enable-x` sets 1 (`enable-x=0` sets 0); `skip-` on a
  text option stores the text `0` (`skip-bind-address` is `bind-address=0`). MariaDB also
  takes any case and a unique prefix of a name (`bind=` is `bind-address`); an ambiguous
  prefix stops it. MySQL takes neither.
- Booleans: `1`, `on`, `true` (any case) are on; anything else is off.
- Numbers (`port`): digits with an optional `K`/`M`/`G`/`T`/`P`/`E` suffix; anything
  else, or no value, stops the server. `0` means the default 3306; above 65535 is cut to
  65535. `skip-networking` means no TCP port at all.

What stops the server is a `Problem` (all are kept, in file order; the server stops at the
first); `ServerOptions.starts` is False when there is one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from olclint.core.values import FILE, Fact

if TYPE_CHECKING:
    from olclint.core.findings import Location
    from olclint.readers.optionfile import Option, OptionFile

MYSQL = "mysql"
MARIADB = "mariadb"
DEFAULT_PORT = 3306
DEFAULT_MYSQLX_PORT = 33060
DEFAULT_MAX_CONNECTIONS = 151  # MySQL 5.7/8.0 and MariaDB 10.x
# max_connections is cut to this range: MySQL's manual gives 1-100000; MariaDB 10.11 raises
# 0 and 5 to 10 (observed with mariadbd --help --verbose). The server may also lower it to
# fit its open files limit, which an option file does not show.
MAX_CONNECTIONS_RANGE = {MYSQL: (1, 100000), MARIADB: (10, 100000)}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

LOOPBACK_V4 = ipaddress.IPv4Address("127.0.0.1")
LOOPBACK_V6 = ipaddress.IPv6Address("::1")

# MySQL versions where behaviour changes (reference manual 8.0).
MYSQL_BIND_LIST_FROM = (
    8,
    0,
    13,
)  # manual, Server System Variables, bind_address: "As of MySQL 8.0.13 ... a list"
MYSQL_CIDR_FROM = (8, 0, 23)  # manual, Specifying Account Names: CIDR from 8.0.23
MYSQL_NO_GRANT_IDENTIFIED_FROM = (8, 0)  # 13.7.1.6 GRANT: IDENTIFIED BY removed in 8.0
MYSQLX_FROM = (8, 0)  # X Plugin loaded by default from 8.0
MARIADB_BIND_LIST_FROM = (10, 11)

# The options we resolve, by canonical name, and their type.
_TARGETS = {
    "bind-address": "str",
    "port": "int",
    "skip-networking": "bool",
    "skip-name-resolve": "bool",
    "max-connections": "count",
}
_MYSQLX_TARGETS = {"mysqlx": "plugin", "mysqlx-bind-address": "str", "mysqlx-port": "int"}

# Option names of mariadbd 10.11 that share a prefix with the options above: a name given
# by a prefix is taken only when it is the prefix of exactly one of these.
_MARIADB_NAMES = [
    "back-log",
    "basedir",
    "big-tables",
    "bind-address",
    "binlog-annotate-row-events",
    "binlog-cache-size",
    "binlog-checksum",
    "binlog-format",
    "max-connect-errors",
    "max-connections",
    "net-buffer-length",
    "net-read-timeout",
    "net-retry-count",
    "net-write-timeout",
    "performance-schema",
    "pid-file",
    "plugin-dir",
    "plugin-load",
    "plugin-load-add",
    "port",
    "port-open-timeout",
    "progress-report-time",
    "safe-user-create",
    "secure-auth",
    "secure-file-priv",
    "skip-grant-tables",
    "skip-host-cache",
    "skip-name-resolve",
    "skip-networking",
    "skip-show-database",
    "skip-slave-start",
]

_SUFFIX = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-._]*[A-Za-z0-9])?")


def server_groups(engine: str, version: tuple[int, ...] | None) -> tuple[str, ...]:
    """The option groups the server reads (`mariadbd --help` lists them)."""
    groups = ["mysqld", "server"]
    xy = f"{version[0]}.{version[1]}" if version and len(version) >= 2 else None
    if xy:
        groups.append(f"mysqld-{xy}")
    if engine == MARIADB:
        groups += ["mariadb"] + ([f"mariadb-{xy}"] if xy else [])
        groups += ["mariadbd"] + ([f"mariadbd-{xy}"] if xy else [])
        groups += ["client-server", "galera"]
    return tuple(groups)


@dataclass(frozen=True)
class Value:
    """The effective value of one option and the line that set it (None: the default)."""

    name: str
    value: object
    option: Option | None = None

    @property
    def fact(self) -> Fact:
        """The value, the option line that set it (none for a default) and the origin."""
        if self.option is None:
            return Fact(self.value)
        return Fact(self.value, self.option.location, FILE, self.option.value_location)


@dataclass(frozen=True)
class Problem:
    """A value that stops the server from starting: why, and the line."""

    reason: str  # e.g. "bind-address is empty"
    option: Option

    @property
    def message(self) -> str:
        return f"{self.reason}; the server does not start"


@dataclass(frozen=True)
class Listen:
    """Where a server listens: every IPv4 / IPv6 address, some addresses, or names."""

    all_v4: bool = False
    all_v6: bool = False
    addresses: frozenset[IPAddress] = frozenset()
    names: tuple[str, ...] = ()  # host names olclint could not resolve

    def accepts(self, address: IPAddress) -> bool | None:
        """Whether a TCP connection to `address` is accepted; None when it depends on names."""
        if address.version == 4 and self.all_v4:
            return True
        if address.version == 6 and self.all_v6:
            return True
        if address in self.addresses:
            return True
        return None if self.names else False

    def describe(self) -> str:
        parts = []
        if self.all_v4 and self.all_v6:
            return "every interface"
        if self.all_v4:
            parts.append("every IPv4 address")
        if self.all_v6:
            parts.append("every IPv6 address")
        parts += sorted((str(a) for a in self.addresses), key=str)
        parts += list(self.names)
        return ", ".join(parts) if parts else "nothing"


ALL = Listen(all_v4=True, all_v6=True)


def version_at_least(version: tuple[int, ...] | None, minimum: tuple[int, ...]) -> bool:
    """True when `version` is known and >= minimum; unknown versions count as the newest."""
    return version is None or tuple(version) >= minimum


def parse_bind_address(
    value: str,
    engine: str,
    version: tuple[int, ...] | None,
    names: Mapping[str, IPAddress] | None = None,
) -> tuple[Listen | None, str | None]:
    """What a `bind-address` value makes the server listen on, or (None, why it fails).

    - `*`: every address; `0.0.0.0` (and `0`, what `skip-bind-address` stores): every
      IPv4 address; `::` every address on MySQL but only IPv6 on MariaDB.
    - an IP literal: that address; `localhost`: 127.0.0.1 and ::1 on MySQL, 127.0.0.1 only
      on MariaDB (observed); another name is looked up in `names` (the database host's own
      name), else it stays unresolved.
    - on MariaDB an IPv4-mapped address (`::ffff:127.0.0.1`) stops the server, and so does
      a list holding a wildcard and an address it already covers (`127.0.0.1,*`: the
      second bind fails, address in use); `0.0.0.0,::` is fine (observed with a real
      start-up of MariaDB 10.11).
    - a comma-separated list from MySQL 8.0.13 / MariaDB 10.11: no blanks around the
      commas, and on MySQL no wildcard inside (MySQL 8.0 manual, bind_address).
    - an empty value stops the server.
    """
    names = {k.lower(): v for k, v in (names or {}).items()}
    if value == "":
        return None, "is empty"
    items = value.split(",") if "," in value else [value]
    if len(items) > 1:
        if engine == MYSQL and not version_at_least(version, MYSQL_BIND_LIST_FROM):
            return None, (
                f"'{value}' is a list of addresses, which MySQL accepts only from 8.0.13; "
                "this server reads it as one host name that does not resolve"
            )
        if engine == MARIADB and not version_at_least(version, MARIADB_BIND_LIST_FROM):
            return None, (
                f"'{value}' is a list of addresses, which MariaDB accepts only from 10.11; "
                "this server reads it as one host name that does not resolve"
            )
        if any(item != item.strip() or not item for item in items):
            return None, f"'{value}' has blanks or an empty entry in the list"
    all_v4 = all_v6 = False
    addresses: set[IPAddress] = set()
    unresolved: list[str] = []
    for item in items:
        if item != item.strip():
            return None, f"'{value}' has blanks around the address"
        if item in ("*", "0.0.0.0", "0", "::"):
            if len(items) > 1 and engine == MYSQL:
                return None, f"'{value}': MySQL does not allow the wildcard '{item}' in a list"
            if item == "*" or (item == "::" and engine == MYSQL):
                all_v4 = all_v6 = True
            elif item == "::":
                all_v6 = True
            else:
                all_v4 = True
            continue
        try:
            address = ipaddress.ip_address(item)
        except ValueError:
            address = None
        if address is not None:
            if engine == MARIADB and getattr(address, "ipv4_mapped", None) is not None:
                return None, f"'{item}' is an IPv4-mapped IPv6 address, which MariaDB cannot bind"
            addresses.add(address)
            continue
        if item.lower() == "localhost":
            addresses |= {LOOPBACK_V4} if engine == MARIADB else {LOOPBACK_V4, LOOPBACK_V6}
        elif item.lower() in names:
            addresses.add(names[item.lower()])
        elif _HOST_NAME.fullmatch(item):
            unresolved.append(item)
        else:
            return None, f"'{item}' is neither an IP address nor a host name"
    if engine == MARIADB and len(items) > 1:
        covered = [a for a in addresses if (all_v4 if a.version == 4 else all_v6)]
        if covered:
            return None, (
                f"'{value}' binds {covered[0]} twice (the wildcard covers it): the second "
                "bind fails, address in use"
            )
    return Listen(all_v4, all_v6, frozenset(addresses), tuple(unresolved)), None


@dataclass(frozen=True)
class ServerOptions:
    """The effective connection options of one server, each with the line that set it."""

    engine: str
    version: tuple[int, ...] | None
    groups: tuple[str, ...]
    bind_address: Value  # str value, or None: not set (every interface)
    port: Value  # int
    skip_networking: Value  # bool
    skip_name_resolve: Value  # bool
    mysqlx: Value  # bool: the X Protocol listener is on (MySQL 8.0+ only)
    mysqlx_bind_address: Value
    mysqlx_port: Value
    problems: tuple[Problem, ...] = ()
    max_connections: Value | None = None  # int; None only for a ServerOptions built by hand
    listen: Listen | None = ALL  # None when bind-address is invalid
    mysqlx_listen: Listen | None = None  # None when off or its bind address is invalid

    @property
    def starts(self) -> bool:
        return not self.problems

    @property
    def name_resolve(self) -> bool:
        return not self.skip_name_resolve.value


def _lookup(name: str, engine: str, targets: Mapping[str, str]) -> tuple[str | None, bool]:
    """(canonical name, ambiguous) for an option name without modifiers."""
    if name in targets:
        return name, False
    if engine != MARIADB:
        return None, False
    known = set(_MARIADB_NAMES) | set(targets)
    if name in known:
        return None, False
    matches = [n for n in known if n.startswith(name)]
    hits = [n for n in matches if n in targets]
    if not hits:
        return None, False
    if len(matches) > 1:
        return None, True
    return hits[0], False


def resolve_name(
    key: str, engine: str, targets: Mapping[str, str] | None = None
) -> tuple[str | None, str | None, bool]:
    """(option, modifier, ambiguous): `skip-bind` on MariaDB is ("bind-address", "skip", False).

    `key` is already lowercase with dashes (MariaDB ignores case; MySQL does not, but an
    option file key with capitals is rare enough that olclint reads it the same way).
    """
    targets = targets if targets is not None else _TARGETS
    if key.startswith("loose-"):
        key = key[len("loose-") :]
    found, ambiguous = _lookup(key, engine, targets)
    if found or ambiguous:
        return found, None, ambiguous
    for modifier in ("skip", "disable", "enable", "maximum"):
        if key.startswith(modifier + "-"):
            found, ambiguous = _lookup(key[len(modifier) + 1 :], engine, targets)
            if found or ambiguous:
                return found, modifier, ambiguous
    return None, None, False


def _bool(text: str | None) -> bool:
    return text is not None and text.strip().lower() in ("1", "on", "true")


def parse_number(text: str) -> int | None:
    """A numeric option value as my_getopt reads it (digits and a K..E suffix), or None."""
    m = re.fullmatch(r"\+?([0-9]+)([kmgtpeKMGTPE]?)", text.strip())
    if not m:
        return None
    return int(m[1]) * _SUFFIX.get(m[2].lower(), 1)


def _clamp(engine: str, kind: str, number: int) -> int:
    if kind == "count":
        low, high = MAX_CONNECTIONS_RANGE.get(engine, MAX_CONNECTIONS_RANGE[MYSQL])
        return max(low, min(number, high))
    return min(number, 65535)


def effective_options(
    option_file: OptionFile | None,
    engine: str,
    version: tuple[int, ...] | None,
    names: Mapping[str, IPAddress] | None = None,
) -> ServerOptions:
    """The options the server uses, from its option file (None: no file, all defaults).

    `names` maps host names the database host knows (its own) to addresses, for a
    `bind-address` given as a name.
    """
    groups = server_groups(engine, version)
    mysqlx_on = engine == MYSQL and version_at_least(version, MYSQLX_FROM)
    targets = dict(_TARGETS)
    if engine == MYSQL:
        targets.update(_MYSQLX_TARGETS)
    values: dict[str, Value] = {
        "bind-address": Value("bind-address", None),
        "port": Value("port", DEFAULT_PORT),
        "skip-networking": Value("skip-networking", False),
        "skip-name-resolve": Value("skip-name-resolve", False),
        "max-connections": Value("max-connections", DEFAULT_MAX_CONNECTIONS),
        "mysqlx": Value("mysqlx", mysqlx_on),
        "mysqlx-bind-address": Value("mysqlx-bind-address", "*"),
        "mysqlx-port": Value("mysqlx-port", DEFAULT_MYSQLX_PORT),
    }
    problems: list[Problem] = []
    options = option_file.options_for(groups) if option_file is not None else ()
    for option in options:
        name, modifier, ambiguous = resolve_name(option.key, engine, targets)
        if ambiguous:
            msg = f"'{option.name}' is an ambiguous option name"
            problems.append(Problem(msg, option))
            continue
        if name is None:
            continue
        kind = targets[name]
        given = option.value
        if modifier == "maximum":
            msg = f"the maximum value of '{name}' cannot be set"
            problems.append(Problem(msg, option))
            continue
        if modifier in ("skip", "disable", "enable"):
            on = modifier == "enable"
            if given is not None and given == "0":
                on = not on
            if kind == "bool" or kind == "plugin":
                values[name] = Value(name, on, option)
            elif kind in ("int", "count"):
                values[name] = Value(name, _clamp(engine, kind, int(on)), option)
            else:
                values[name] = Value(name, "1" if on else "0", option)
            continue
        if kind == "bool":
            values[name] = Value(name, True if given is None else _bool(given), option)
        elif kind == "plugin":
            state = (given or "ON").strip().upper()
            values[name] = Value(name, state in ("ON", "FORCE", "FORCE_PLUS_PERMANENT"), option)
        elif kind in ("int", "count"):
            if given is not None and given.strip() == "":
                given = "0"  # `port=` is 0, the default (mariadbd --help --verbose: 3306)
            if given is None:
                msg = f"option '{name}' needs a value"
                problems.append(Problem(msg, option))
                continue
            number = parse_number(given)
            if number is None:
                msg = f"{name} '{given}' is not a number"
                problems.append(Problem(msg, option))
                continue
            values[name] = Value(name, _clamp(engine, kind, number), option)
        else:
            if given is None:
                msg = f"option '{name}' needs a value"
                problems.append(Problem(msg, option))
                continue
            values[name] = Value(name, given, option)
    if values["port"].value == 0:
        values["port"] = Value("port", DEFAULT_PORT, values["port"].option)
    if values["mysqlx-port"].value == 0:
        values["mysqlx-port"] = Value(
            "mysqlx-port", DEFAULT_MYSQLX_PORT, values["mysqlx-port"].option
        )
    listen: Listen | None = ALL
    bind = values["bind-address"]
    if bind.value is not None and bind.option is not None:
        listen, why = parse_bind_address(str(bind.value), engine, version, names)
        if why:
            problems.append(Problem(f"bind-address {why}", bind.option))
    mysqlx_listen = None
    if engine == MYSQL and values["mysqlx"].value:
        xbind = values["mysqlx-bind-address"]
        mysqlx_listen, _ = parse_bind_address(str(xbind.value), engine, version, names)
    return ServerOptions(
        engine=engine,
        version=version,
        groups=groups,
        bind_address=values["bind-address"],
        port=values["port"],
        skip_networking=values["skip-networking"],
        skip_name_resolve=values["skip-name-resolve"],
        mysqlx=values["mysqlx"],
        mysqlx_bind_address=values["mysqlx-bind-address"],
        mysqlx_port=values["mysqlx-port"],
        problems=tuple(problems),
        max_connections=values["max-connections"],
        listen=listen,
        mysqlx_listen=mysqlx_listen,
    )


# -- messages ----------------------------------------------------------------------------------


def short(location: Location | None) -> str:
    """`my.ini:7` for messages: the file name and line."""
    if location is None:
        return "?"
    return f"{location.path.rsplit('/', 1)[-1]}:{location.line}"
