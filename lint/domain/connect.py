"""Connect semantics of preference values: JDBC URLs, `host:port`, and the typed settings.

JDBC URLs and `host:port` values are parsed here and nowhere else (`parse_jdbc_url`,
`parse_host_port`). The settings that rules use (the table in the input contract) are
resolved from the `.prefs` files of a node and the inline `settings:` of cluster.yaml by
`resolve_settings`, which also types them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.ids import PREFERENCE_LINE_IGNORED as PREFERENCE_IGNORED
from olclint.core.secrets import REDACTED, is_secret_name, redact_text
from olclint.core.values import CLUSTER_FILE, FILE, Fact
from olclint.readers.prefs import INPUT_VALUE, PrefsFile, looks_like_url

# -- values: JDBC URLs and host:port ---------------------------------------------------------


@dataclass(frozen=True)
class HostPort:
    host: str  # a name or an IP literal, IPv6 without brackets
    port: int | None


@dataclass(frozen=True)
class JdbcUrl:
    scheme: str  # "mysql" | "mariadb"
    host: str  # the first host; "localhost" when the URL names none (jdbc:mysql:///db)
    port: int | None
    schema: str | None
    params: tuple[tuple[str, str], ...]  # secret parameters' values are REDACTED
    other_hosts: tuple[HostPort, ...] = ()  # further hosts of a failover/load-balance list


_JDBC_PREFIX = re.compile(
    r"jdbc:(?P<scheme>mysql|mariadb):"
    r"(?:(?P<mode>loadbalance|replication|failover|sequential|aurora|load-balance-read):)?//"
)
_HOST_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?\.?")


def _shown(text: str) -> str:
    """A value as it may appear in a message: secrets redacted, length bounded."""
    text = redact_text(text)
    return text if len(text) <= 80 else text[:77] + "..."


def _port(text: str, whole: str) -> int:
    if not text:
        raise ValueError(f"'{_shown(whole)}' has an empty port after ':'")
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"'{_shown(whole)}': port '{_shown(text)}' is not a number")
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError(f"'{_shown(whole)}': port {port} is not between 1 and 65535")
    return port


def _host(text: str, whole: str) -> str:
    if not text:
        raise ValueError(f"'{_shown(whole)}' names no host")
    try:
        ipaddress.ip_address(text)
        return text
    except ValueError:
        pass
    if not _HOST_NAME.fullmatch(text):
        raise ValueError(f"'{_shown(whole)}': '{_shown(text)}' is not a valid host name or address")
    return text


def _host_port(text: str, whole: str, *, bare_ipv6: bool) -> HostPort:
    """`host`, `host:port`, `[v6]`, `[v6]:port` (and a bare IPv6 literal when allowed)."""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise ValueError(f"'{_shown(whole)}': '[' without a closing ']'")
        inner, rest = text[1:close], text[close + 1 :]
        try:
            ipaddress.IPv6Address(inner)
        except ValueError:
            msg = f"'{_shown(whole)}': '{_shown(inner)}' in brackets is not an IPv6 address"
            raise ValueError(msg) from None
        if not rest:
            return HostPort(inner, None)
        if not rest.startswith(":"):
            raise ValueError(f"'{_shown(whole)}': unexpected '{_shown(rest)}' after ']'")
        return HostPort(inner, _port(rest[1:], whole))
    if text.count(":") > 1:
        if bare_ipv6:
            try:
                ipaddress.IPv6Address(text)
                return HostPort(text, None)
            except ValueError:
                pass
        raise ValueError(
            f"'{_shown(whole)}': an IPv6 address must be written in brackets, as [::1]:3306"
        )
    host, colon, port = text.partition(":")
    return HostPort(_host(host, whole), _port(port, whole) if colon else None)


def parse_host_port(text: str) -> HostPort:
    """Parse `master.location`: `connect-m1:9340`, `[::1]:9340`, `10.0.0.1`, `::1`.

    An `http://` or `https://` prefix and a trailing `/` are tolerated. A bare IPv6
    literal is a host without port (write `[v6]:port` to give a port). Raises ValueError
    with a message for the user.
    """
    whole = text.strip()
    body = whole
    lowered = body.lower()
    for prefix in ("http://", "https://"):
        if lowered.startswith(prefix):
            body = body[len(prefix) :]
            break
    body = body.rstrip("/")
    if not body:
        raise ValueError("the value is empty; expected host:port, as connect-m1:9340")
    if any(c.isspace() or c in "/?#@," for c in body):
        raise ValueError(f"'{_shown(whole)}' is not host:port (as connect-m1:9340)")
    return _host_port(body, whole, bare_ipv6=True)


def _split_hosts(authority: str) -> list[str]:
    hosts: list[str] = []
    depth = 0
    current: list[str] = []
    for c in authority:
        if c == "[":
            depth += 1
        elif c == "]":
            depth = max(0, depth - 1)
        if c == "," and depth == 0:
            hosts.append("".join(current))
            current = []
        else:
            current.append(c)
    hosts.append("".join(current))
    return hosts


def parse_jdbc_url(text: str) -> JdbcUrl:
    """Parse a MySQL / MariaDB Connector/J URL: `jdbc:mysql://host:3306/schema?k=v&...`.

    - Schemes `jdbc:mysql:` and `jdbc:mariadb:` (lower case, as the drivers require), with
      an optional mode (`jdbc:mysql:loadbalance://`, `jdbc:mariadb:failover://`...).
    - Hosts: a name, an IPv4 literal or a bracketed IPv6 literal, each with an optional
      port (1-65535). No host (`jdbc:mysql:///db`) means `localhost`, as the drivers do.
    - Several hosts (`h1:3306,h2:3306`): the first is the one a server connects to first,
      so it is `host`/`port`; the others are kept in `other_hosts`.
    - `user:password@` before the hosts is dropped: it is never kept (everything up to
      the last `@` before the query is taken as user info).
    - The schema is percent-decoded; no schema or an empty one gives None.
    - Parameters after `?` are split at `&`; the values of secret parameters (password...)
      are REDACTED.
    - The driver's `(host=...,port=...)` and `address=(...)` host forms are not read.

    Raises ValueError with a message for the user (secrets never appear in it).
    """
    from urllib.parse import unquote

    whole = text.strip()
    m = _JDBC_PREFIX.match(whole)
    if m is None:
        raise ValueError(
            f"'{_shown(whole)}' is not a MySQL or MariaDB JDBC URL "
            "(expected jdbc:mysql://host:port/schema or jdbc:mariadb://...)"
        )
    rest = whole[m.end() :]
    rest, _, _fragment = rest.partition("#")
    before_query, question, query = rest.partition("?")
    at = before_query.rfind("@")
    if at >= 0:
        before_query = before_query[at + 1 :]
    authority, slash, path = before_query.partition("/")
    if any(c.isspace() for c in authority):
        raise ValueError(f"'{_shown(whole)}': the host part contains a space")
    if authority.startswith(("(", "address=")) or "=" in authority:
        raise ValueError(
            f"'{_shown(whole)}': the (host=...,port=...) host form is not supported; "
            "write host:port"
        )
    hosts = [
        _host_port(part, whole, bare_ipv6=False) if part else HostPort("localhost", None)
        for part in _split_hosts(authority)
    ]
    if len(hosts) > 1 and any(not part for part in _split_hosts(authority)):
        raise ValueError(f"'{_shown(whole)}': empty host in the host list")
    schema = unquote(path) if slash and path else None
    if schema is not None and "/" in schema:
        raise ValueError(f"'{_shown(whole)}': the schema name contains '/'")
    params: list[tuple[str, str]] = []
    if question:
        for item in query.split("&"):
            if not item:
                continue
            key, _, value = item.partition("=")
            key = unquote(key)
            params.append((key, REDACTED if is_secret_name(key) else unquote(value)))
    first = hosts[0]
    return JdbcUrl(m["scheme"], first.host, first.port, schema, tuple(params), tuple(hosts[1:]))


# -- typed settings --------------------------------------------------------------------------

SETTINGS: dict[str, str] = {
    "merge.local_engines": "int",
    "merge.expected_remote_engines": "int",
    "weaver.local_engines": "int",
    "weaver.expected_remote_engines": "int",
    "scheduling.max_records_small_job": "int",
    "scheduling.min_records_large_job": "int",
    "cleanup.enabled": "bool",
    "cleanup.run_at_startup": "bool",
    "cleanup.cron": "cron",
    "cleanup.database": "bool",
    "cleanup.files": "bool",
    "database.url": "jdbc",
    "database.user": "string",
    "database.vendor": "string",
    "database.host": "string",
    "database.port": "port",
    "database.schema": "string",
    "database.query_params": "string",
    "database.max_pool_connections": "int",
    "server.port": "port",
    "master.location": "hostport",
    "master.port": "port",
}


@dataclass(frozen=True)
class Setting:
    name: str  # the setting name, e.g. "merge.local_engines"
    raw: str  # the text as found (REDACTED when secret)
    value: object | None  # int, bool, str, CronExpr, JdbcUrl, HostPort; None: unreadable
    location: Location  # the .prefs key line, or the cluster.yaml value
    value_location: Location | None
    source: str  # "prefs" or "inline"
    key: str = ""  # the key as found in the .prefs file (the setting name when inline)
    overrides: Location | None = None  # the store line an Initialization/Preferences file beat

    @property
    def fact(self) -> Fact:
        """The typed value, where it is written and where it came from."""
        origin = FILE if self.source == "prefs" else CLUSTER_FILE
        return Fact(self.value, self.location, origin, self.value_location)


_INT = re.compile(r"[+-]?[0-9]+")


def _inline_raw(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    text = str(value)
    return redact_text(text) if looks_like_url(text) else text


def _typed(name: str, kind: str, value: object, raw: str) -> object:
    """The typed value, or raise ValueError with the message (without the setting name)."""
    if kind in ("int", "port"):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _INT.fullmatch(value.strip()):
            number = int(value.strip())
        else:
            raise ValueError(f"'{_shown(raw)}' is not an integer")
        if kind == "port" and not 1 <= number <= 65535:
            raise ValueError(f"port {number} is not between 1 and 65535")
        return number
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise ValueError(f"'{_shown(raw)}' is not a boolean (true or false)")
    if not isinstance(value, str):
        if kind == "string" and isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise ValueError(f"'{_shown(raw)}' is not a text value")
    if kind == "cron":
        text = value.strip()
        if not text:
            raise ValueError("the cron expression is empty")
        from olclint.domain.quartz import CronError, parse_cron

        try:
            return parse_cron(text)
        except CronError as exc:
            raise ValueError(f"'{_shown(text)}' is not a Quartz cron expression: {exc}") from None
    if kind == "jdbc":
        return _parsed(parse_jdbc_url, value)
    if kind == "hostport":
        return _parsed(parse_host_port, value)
    return value


_PARSED: dict[tuple[object, str], object] = {}


def _parsed(parse, text: str) -> object:
    """`parse(text)`, once per text for the run (the servers of a cluster share their
    database URL and master location; the results are immutable); errors are not kept."""
    key = (parse, text)
    held = _PARSED.get(key)
    if held is None:
        held = parse(text)
        if len(_PARSED) < 65536:
            _PARSED[key] = held
    return held


# -- Connect's own keys, by version ---------------------------------------------------------

CLEANUP_BUNDLE = "com.objectiflune.cleanup.prefs"
SCHEDULING_BUNDLE = "com.objectiflune.scheduling.prefs"
REPOSITORY_BUNDLE = "com.objectiflune.repository.eclipselink.generic.prefs"
SERVER_BUNDLE = "com.objectiflune.serverengine.preferences.prefs"
BUNDLES = frozenset({CLEANUP_BUNDLE, SCHEDULING_BUNDLE, REPOSITORY_BUNDLE, SERVER_BUNDLE})

DEFAULT_POOL_CONNECTIONS = 48  # db.max.pool.connections, shown commented out in 2021.x stores
REAL_KEYS_FROM = (2021, 1)


@dataclass(frozen=True)
class ConnectKey:
    key: str  # the key in Connect's store
    bundle: str  # the file of the .settings folder that holds it


# Seen in Connect 2021.1.2 / 2021.2 stores (`.settings` of %PROGRAMDATA%\Objectif Lune\OL
# Connect, and the container project of Objectif Lune that ships them). No key is known
# for the master host of an extension or for the 1.x "Expected Remote Engines" fields.
KEYS_2021: dict[str, ConnectKey] = {
    "cleanup.enabled": ConnectKey("cleanup.enabled", CLEANUP_BUNDLE),
    "cleanup.run_at_startup": ConnectKey("cleanup.startup", CLEANUP_BUNDLE),
    "cleanup.cron": ConnectKey("cleanup.cron.schedule", CLEANUP_BUNDLE),
    "cleanup.database": ConnectKey("cleanup.database.enabled", CLEANUP_BUNDLE),
    "cleanup.files": ConnectKey("cleanup.orphaned.file.enabled", CLEANUP_BUNDLE),
    "merge.local_engines": ConnectKey("server.engine.setup.count.merge.engine", SCHEDULING_BUNDLE),
    "weaver.local_engines": ConnectKey(
        "server.engine.setup.count.weaver.engine", SCHEDULING_BUNDLE
    ),
    "scheduling.max_records_small_job": ConnectKey(
        "server.output.creation.job.size.small.maximum", SCHEDULING_BUNDLE
    ),
    "scheduling.min_records_large_job": ConnectKey(
        "server.output.creation.job.size.large.minimum", SCHEDULING_BUNDLE
    ),
    "master.port": ConnectKey("server.connections.master.port", SCHEDULING_BUNDLE),
    "database.vendor": ConnectKey("db.vendor", REPOSITORY_BUNDLE),
    "database.host": ConnectKey("db.host", REPOSITORY_BUNDLE),
    "database.port": ConnectKey("db.port", REPOSITORY_BUNDLE),
    "database.schema": ConnectKey("db.schema", REPOSITORY_BUNDLE),
    "database.user": ConnectKey("db.username", REPOSITORY_BUNDLE),
    "database.query_params": ConnectKey("db.query.params", REPOSITORY_BUNDLE),
    "database.max_pool_connections": ConnectKey("db.max.pool.connections", REPOSITORY_BUNDLE),
    "server.port": ConnectKey("server.primary.port", SERVER_BUNDLE),
}

# Settings that exist only in Connect 1.x (the Preferences dialog of 1.4-1.8); from 2019 the
# engine setup moved to the Server Configuration tool and no such field is documented.
ONLY_BEFORE_2019 = frozenset({"merge.expected_remote_engines", "weaver.expected_remote_engines"})


def connect_keys(version: tuple[int, ...] | None) -> Mapping[str, ConnectKey]:
    """Connect's own key for each setting, for a Connect version (None: unknown).

    The 2021.x keys are the defaults for 2021.1 and later and for an unknown version (no
    later store is public; the same keys are assumed until one differs). Earlier versions
    have no known keys: their settings are found under the setting names only.
    """
    if version is None or version >= REAL_KEYS_FROM:
        return KEYS_2021
    return {}


def has_setting(version: tuple[int, ...] | None, name: str) -> bool:
    """Whether Connect of that version is known to have the setting at all."""
    if name in ONLY_BEFORE_2019:
        return version is not None and version < (2019,)
    return True


def pool_default(version: tuple[int, ...] | None) -> int | None:
    """The connection pool maximum a server uses when its store sets none (None: unknown)."""
    return DEFAULT_POOL_CONNECTIONS if version is None or version >= REAL_KEYS_FROM else None


def _file_name(prefs_file: PrefsFile) -> str:
    return prefs_file.path.rsplit("/", 1)[-1]


def _ignored(message: str, prop, level: Level = Level.WARNING) -> Finding:
    return diag(PREFERENCE_IGNORED, level, message, prop.location, subject=prop.key)


def resolve_settings(
    prefs: Sequence[PrefsFile],
    key_map: Mapping[str, str],
    inline: Mapping[str, tuple[object, Location]],
    *,
    overrides: Sequence[PrefsFile] = (),
    connect_version: tuple[int, ...] | None = None,
) -> tuple[dict[str, Setting], list[Finding]]:
    """The typed settings of one node, by setting name, and the findings of reading them.

    Each setting of `SETTINGS` is looked up by its keys: the key of `key_map`
    (`preference_keys`) alone when one is given; else Connect's own key for the version
    (`connect_keys`) first, then the setting name. Layers, strongest first: the inline
    value of cluster.yaml, the `overrides` files (Connect's `Initialization/Preferences`,
    which override keys of the same name at start-up), then `prefs`; within a layer the
    last file wins, and within a file the last entry.

    - A Connect key in another bundle's file (`cleanup.startup` in
      `com.objectiflune.scheduling.prefs`) is not read by Connect: it is ignored and
      reported (OLC008, warning). Files whose name is not a Connect bundle are taken as
      collected under another name and read.
    - A setting name used as a key in a store that holds Connect's own keys is not a key
      Connect reads: still used (setting names stay accepted), reported as a note
      (OLC008); ignored, with a warning, when Connect's key is there too.
    - Only the value that wins is typed and checked; a value of the wrong type gives
      OLC005 at the value and the setting is kept with `value=None`.

    Names outside `SETTINGS` and keys no setting uses are ignored here.
    """
    settings: dict[str, Setting] = {}
    problems: list[Finding] = []
    real = connect_keys(connect_version)
    real_only = {k.key for k in real.values()} - set(SETTINGS)
    speaks_connect = any(not real_only.isdisjoint(f.keys()) for f in (*prefs, *overrides))
    layers = (tuple(overrides), tuple(prefs))
    present: set[str] = set().union(*(f.keys() for f in (*prefs, *overrides)))
    for name, kind in SETTINGS.items():
        found: list[tuple[Any, ConnectKey | None]] = []  # per layer: (prop, its Connect key)
        if name in key_map:
            candidates: list[tuple[str, ConnectKey | None]] = [(key_map[name], None)]
        else:
            own = real.get(name)
            candidates = [(own.key, own)] if own is not None else []
            if own is None or own.key != name:
                candidates.append((name, None))
        if name not in inline and all(key not in present for key, _ in candidates):
            continue  # in no file of this server and not inline: nothing to read or report
        for layer in layers:
            best = None
            for key, connect_key in candidates:
                prop = None
                for prefs_file in layer:
                    entry = prefs_file.get(key)
                    if entry is None:
                        continue
                    file_name = _file_name(prefs_file)
                    if (
                        connect_key is not None
                        and file_name in BUNDLES
                        and file_name != connect_key.bundle
                    ):
                        problems.append(
                            _ignored(
                                f"{key} belongs in {connect_key.bundle}: Connect does not read "
                                f"it from {file_name}, so this line is ignored",
                                entry,
                            )
                        )
                        continue
                    prop = entry
                if prop is None:
                    continue
                if best is None:
                    best = (prop, connect_key)
                elif connect_key is None and speaks_connect:
                    problems.append(
                        _ignored(
                            f"{key} is olclint's setting name, not a Connect key: Connect "
                            f"ignores this line; {best[0].key} ({_file_name_of(best[0])}:"
                            f"{best[0].location.line}) decides {name}",
                            prop,
                        )
                    )
            if best is not None:
                prop, connect_key = best
                own = real.get(name)
                if (
                    connect_key is None
                    and speaks_connect
                    and own is not None
                    and key_map.get(name) is None
                ):
                    problems.append(
                        _ignored(
                            f"{prop.key} is olclint's setting name, not a Connect key: Connect "
                            f"ignores this line (its key is {own.key} in {own.bundle}); olclint "
                            "reads it as written",
                            prop,
                            Level.NOTE,
                        )
                    )
                found.append((prop, connect_key))
        overridden = found[1][0].location if len(found) > 1 else None
        real_key = False
        if name in inline:
            value, where = inline[name]
            raw = _inline_raw(value)
            location, value_location, source = where, where, "inline"
            secret = False
            key = name
        elif found:
            prop, connect_key = found[0]
            real_key = connect_key is not None
            value = raw = prop.value
            location, value_location, source = prop.location, prop.value_location, "prefs"
            secret = prop.secret
            where = prop.value_location
            key = prop.key
        else:
            continue
        try:
            typed = _typed(name, kind, value, raw)
        except ValueError as exc:
            typed = None
            label = f"{key} ({name})" if real_key and key != name else name
            problems.append(diag(INPUT_VALUE, Level.ERROR, f"{label}: {exc}", where, subject=name))
        label = f"{key} ({name})" if real_key and key != name else name
        for remark in getattr(typed, "warnings", ()) + getattr(typed, "defects", ()):
            # a cron expression Quartz reads otherwise than written, or misbehaves on
            problems.append(
                diag(INPUT_VALUE, Level.WARNING, f"{label}: {remark}", where, subject=name)
            )
        if secret:
            raw = REDACTED
        settings[name] = Setting(
            name, raw, typed, location, value_location, source, key, overridden
        )
    problems += _url_beside_keys(settings, real, speaks_connect)
    return settings, problems


_DB_PARTS = ("database.host", "database.port", "database.schema")


def _url_beside_keys(
    settings: Mapping[str, Setting], real: Mapping[str, ConnectKey], speaks_connect: bool
) -> list[Finding]:
    """OLC008 for a `database.url` line in a store of Connect's keys (or beside one of
    them): no Connect key is named so. When a host, port or schema is also given (as
    `database_connection` reads them: any key, any source), the connection comes from those
    and the URL is ignored (a warning); alone, olclint still reads it (a note)."""
    url = settings.get("database.url")
    if url is None or url.source != "prefs" or url.key != "database.url":
        return []
    parts = [settings[name] for name in _DB_PARTS if name in settings]
    connect_part = any(
        part.source == "prefs" and part.name in real and part.key == real[part.name].key
        for part in parts
    )
    if not (speaks_connect or connect_part):
        return []  # a store of olclint's setting names: read as olclint describes it
    if parts:
        first = parts[0].value_location or parts[0].location
        named = ", ".join(part.key or part.name for part in parts)
        message = (
            f"database.url is not a Connect key: Connect ignores this line, and olclint "
            f"takes the connection from {named} ({first.path.rsplit('/', 1)[-1]}:"
            f"{first.line}) instead"
        )
        return [diag(PREFERENCE_IGNORED, Level.WARNING, message, url.location, subject=url.key)]
    message = (
        "database.url is olclint's setting name, not a Connect key: Connect ignores this line "
        f"(it reads db.host, db.port and db.schema in {REPOSITORY_BUNDLE}); olclint reads it "
        "as written"
    )
    return [diag(PREFERENCE_IGNORED, Level.NOTE, message, url.location, subject=url.key)]


def _file_name_of(prop) -> str:
    return prop.location.path.rsplit("/", 1)[-1]


# -- the database connection of one server -------------------------------------------------

MYSQL_VENDORS = frozenset({"mysql", "mariadb"})
_TLS_REQUIRED = frozenset({"required", "verify_ca", "verify_identity"})


@dataclass(frozen=True)
class Part:
    """One piece of the connection, with the key and line that gave it."""

    value: object | None
    key: str  # "db.host", "database.url", ...
    location: Location | None  # None: a default


@dataclass(frozen=True)
class DbConnection:
    """Where one Connect server opens its database connection, as its store says.

    `form` is "keys" (Connect's `db.host`/`db.port`/`db.schema`, 2021.x), "url" (a JDBC
    URL where a store has one) or "default" (neither: cluster.yaml decides). A part that
    is not given has value None (the caller applies cluster.yaml's defaults). `undecided`
    says why olclint cannot tell where the server connects (a note, not a guess);
    `unreadable` is True when a value that decides it could not be read (OLC005 says so).
    """

    form: str
    host: Part
    port: Part
    schema: Part
    vendor: Part | None = None
    params: tuple[tuple[str, str], ...] = ()
    params_location: Location | None = None
    undecided: str | None = None
    unreadable: bool = False

    @property
    def foreign_vendor(self) -> bool:
        """The store names a database product other than MySQL/MariaDB (`db.vendor`)."""
        vendor = self.vendor.value if self.vendor is not None else None
        return isinstance(vendor, str) and vendor.strip().lower() not in MYSQL_VENDORS

    @property
    def tls_required(self) -> str | None:
        """The parameter that makes the driver refuse a connection without TLS, if any."""
        params = {k.lower(): v for k, v in self.params}
        mode = params.get("sslmode", "").strip().lower()
        if mode in _TLS_REQUIRED:
            return f"sslMode={params['sslmode']}"
        if (
            params.get("usessl", "").lower() == "true"
            and params.get("requiressl", "").lower() == "true"
        ):
            return "useSSL=true&requireSSL=true"
        return None


def parse_query_params(text: str) -> tuple[tuple[str, str], ...]:
    """`db.query.params` (`useUnicode=true&sslMode=PREFERRED`): pairs, secrets REDACTED."""
    pairs: list[tuple[str, str]] = []
    for item in text.split("&"):
        key, _, value = item.strip().partition("=")
        if key:
            pairs.append((key, REDACTED if is_secret_name(key) else value))
    return tuple(pairs)


def _part(setting: Setting | None, key: str) -> Part:
    if setting is None:
        return Part(None, key, None)
    return Part(setting.value, setting.key or key, setting.value_location or setting.location)


def database_connection(settings: Mapping[str, Setting]) -> DbConnection:
    """The connection of one server from its settings: Connect's separate keys when any of
    `db.host`/`db.port`/`db.schema` is set (they win over a URL), else `database.url`.

    A `db.host` that is missing (while the other keys are set) or empty is undecided:
    Connect builds its URL from it and olclint does not guess the default.
    """
    host_s = settings.get("database.host")
    port_s = settings.get("database.port")
    schema_s = settings.get("database.schema")
    url_s = settings.get("database.url")
    vendor_s = settings.get("database.vendor")
    params_s = settings.get("database.query_params")
    vendor = _part(vendor_s, "db.vendor") if vendor_s is not None else None
    params: tuple[tuple[str, str], ...] = ()
    params_location = None
    if params_s is not None and isinstance(params_s.value, str):
        params = parse_query_params(params_s.value)
        params_location = params_s.value_location or params_s.location
    if host_s is not None or port_s is not None or schema_s is not None:
        host = _part(host_s, "db.host")
        port = _part(port_s, "db.port")
        schema = _part(schema_s, "db.schema")
        unreadable = any(s is not None and s.value is None for s in (host_s, port_s, schema_s))
        undecided = None
        if host_s is None:
            undecided = "db.host is not set"
        elif isinstance(host_s.value, str) and not host_s.value.strip():
            undecided = "db.host is empty"
            host = Part(None, host.key, host.location)
        elif isinstance(host_s.value, str):
            host = Part(host_s.value.strip(), host.key, host.location)
        return DbConnection(
            "keys", host, port, schema, vendor, params, params_location, undecided, unreadable
        )
    if url_s is not None:
        where = url_s.value_location or url_s.location
        key = url_s.key or "database.url"
        url = url_s.value
        if not isinstance(url, JdbcUrl):
            empty = Part(None, key, where)
            return DbConnection("url", empty, empty, empty, vendor, unreadable=True)
        return DbConnection(
            "url",
            Part(url.host, key, where),
            Part(url.port, key, where if url.port is not None else None),
            Part(url.schema, key, where if url.schema is not None else None),
            vendor,
            (*url.params, *params),
            params_location or where,
        )
    none = Part(None, "", None)
    return DbConnection("default", none, none, none, vendor, params, params_location)
