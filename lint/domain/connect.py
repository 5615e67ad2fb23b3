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

from olclint.core.findings import Finding, Level, Location, diag
from olclint.core.secrets import REDACTED, is_secret_name, redact_text
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
    "master.location": "hostport",
}


@dataclass(frozen=True)
class Setting:
    name: str  # the setting name, e.g. "merge.local_engines"
    raw: str  # the text as found (REDACTED when secret)
    value: object | None  # int, bool, str, CronExpr, JdbcUrl, HostPort; None: unreadable
    location: Location  # the .prefs key line, or the cluster.yaml value
    value_location: Location | None
    source: str  # "prefs" or "inline"


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
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INT.fullmatch(value.strip()):
            return int(value.strip())
        raise ValueError(f"'{_shown(raw)}' is not an integer")
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
        return parse_jdbc_url(value)
    if kind == "hostport":
        return parse_host_port(value)
    return value


def resolve_settings(
    prefs: Sequence[PrefsFile],
    key_map: Mapping[str, str],
    inline: Mapping[str, tuple[object, Location]],
) -> tuple[dict[str, Setting], list[Finding]]:
    """The typed settings of one node, by setting name, and OLC005 for unreadable values.

    Each setting of `SETTINGS` is looked up by its key (`key_map`, default: the setting
    name) in `prefs`; when several files hold it the last file wins, and within a file the
    last entry. An inline value (already YAML-typed) overrides the files. Only the value
    that wins is typed and checked. A value of the wrong type gives OLC005 at the value
    and the setting is kept with `value=None`. Names outside `SETTINGS` are ignored here
    (cluster.yaml validation reports them). Missing settings are simply absent.
    """
    settings: dict[str, Setting] = {}
    problems: list[Finding] = []
    for name, kind in SETTINGS.items():
        if name in inline:
            value, where = inline[name]
            raw = _inline_raw(value)
            location, value_location, source = where, where, "inline"
            secret = False
        else:
            key = key_map.get(name) or name
            prop = None
            for prefs_file in prefs:
                found = prefs_file.get(key)
                if found is not None:
                    prop = found
            if prop is None:
                continue
            value = raw = prop.value
            location, value_location, source = prop.location, prop.value_location, "prefs"
            secret = prop.secret
            where = prop.value_location
        try:
            typed = _typed(name, kind, value, raw)
        except ValueError as exc:
            typed = None
            problems.append(diag(INPUT_VALUE, Level.ERROR, f"{name}: {exc}", where, subject=name))
        if secret:
            raw = REDACTED
        settings[name] = Setting(name, raw, typed, location, value_location, source)
    return settings, problems
