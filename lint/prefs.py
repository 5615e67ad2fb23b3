"""Connect preference files (`.prefs`) and the typed settings read from them.

A `.prefs` file is a Java properties file, read the way `java.util.Properties.load` reads
an `InputStream`:

- the bytes are ISO-8859-1 (every byte is one character);
- lines end at `\\r\\n`, `\\r` or `\\n`; leading spaces, tabs and form feeds are skipped;
- a line whose first non-blank character is `#` or `!` is a comment (a comment never
  continues onto the next line);
- a line ending in an odd number of backslashes continues on the next line, whose leading
  blanks are dropped; an empty continuation line ends the entry;
- the key ends at the first unescaped `=`, `:`, space, tab or form feed; blanks around the
  separator, and one `=` or `:` after blanks, are skipped; the rest is the value (trailing
  blanks included);
- `\\uXXXX`, `\\t`, `\\n`, `\\r`, `\\f` are escapes, and `\\x` is `x` for any other `x`.
  A malformed `\\uXXXX` makes Java reject the whole file: olclint reports it (OLC005) and
  skips that entry only, so later rules still see the rest.

A key that appears twice keeps both entries, in order; `PrefsFile.get` gives the last one,
as `Properties` does. Values of secret keys (`is_secret_name`) are never kept: they read
`REDACTED` with `secret=True`; credentials inside URL values are redacted too.

The settings that rules use (the table in the input contract) are resolved from the `.prefs`
files of a node and the inline `settings:` of cluster.yaml by `resolve_settings`, which also
types them. JDBC URLs and `host:port` values are parsed here and nowhere else
(`parse_jdbc_url`, `parse_host_port`).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from olclint.findings import Finding, Level, Location, diag
from olclint.secrets import REDACTED, is_secret_name, redact_text

if TYPE_CHECKING:
    from olclint.workspace import Workspace

INPUT_VALUE = "OLC005"

_BLANK = " \t\f"
_EOL = "\r\n"
_SIMPLE_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_HEX = frozenset("0123456789abcdefABCDEF")
_EOL_AT = re.compile(r"[\r\n]")
_LINE_END = re.compile(r"\r\n|\r|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Property:
    """One `key=value` entry of a `.prefs` file."""

    key: str
    value: str  # REDACTED when the key is secret
    location: Location  # the key (first line of a continued entry)
    value_location: Location  # where the value starts; end_line/end_column when on one line
    secret: bool = False


@dataclass(frozen=True)
class PrefsFile:
    path: str
    properties: tuple[Property, ...]
    diagnostics: tuple[Finding, ...]

    def get(self, key: str) -> Property | None:
        """The last entry with this key (the one Java keeps), or None."""
        for prop in reversed(self.properties):
            if prop.key == key:
                return prop
        return None


class _Positions:
    """Offsets of a text to 1-based (line, column), lines ending at \\r\\n, \\r or \\n."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(text))]

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _logical_lines(text: str) -> Iterator[tuple[int, list[str], list[int]]]:
    """Java's LineReader: each logical line as its start, its characters and their offsets."""
    i, n = 0, len(text)
    while True:
        while i < n and (text[i] in _BLANK or text[i] in _EOL):
            i += 1
        if i >= n:
            return
        if text[i] in "#!":
            eol = _EOL_AT.search(text, i)
            i = eol.start() if eol else n
            continue
        start = i
        chars: list[str] = []
        offsets: list[int] = []
        continued = False
        emit = True
        while True:
            segment_start = len(chars)
            eol = _EOL_AT.search(text, i)
            j = eol.start() if eol else n
            chars.extend(text[i:j])
            offsets.extend(range(i, j))
            if continued and j == i:  # an empty continuation line ends the entry
                emit = bool(chars)
                break
            run = 0
            k = len(chars) - 1
            while k >= segment_start and chars[k] == "\\":
                run += 1
                k -= 1
            if run % 2 == 0:
                break
            chars.pop()
            offsets.pop()
            if j + 1 >= n:  # end of file, or the line end is the file's last character
                j = n
                break
            j += 2 if text[j] == "\r" and text[j + 1] == "\n" else 1
            while j < n and text[j] in _BLANK:
                j += 1
            i = j
            continued = True
        i = j
        if emit:
            yield start, chars, offsets


def _split_entry(chars: list[str]) -> tuple[int, int]:
    """Java's key/value split: (key length, value start)."""
    limit = len(chars)
    key_len = 0
    value_start = limit
    has_sep = False
    backslash = False
    while key_len < limit:
        c = chars[key_len]
        if c in "=:" and not backslash:
            value_start = key_len + 1
            has_sep = True
            break
        if c in _BLANK and not backslash:
            value_start = key_len + 1
            break
        backslash = (not backslash) if c == "\\" else False
        key_len += 1
    while value_start < limit:
        c = chars[value_start]
        if c not in _BLANK:
            if not has_sep and c in "=:":
                has_sep = True
            else:
                break
        value_start += 1
    return key_len, value_start


def _convert(chars: list[str]) -> tuple[str, int | None]:
    """Java's loadConvert: the unescaped text, and the index of a malformed \\u if any."""
    if "\\" not in chars:  # nothing to unescape (most entries)
        text = "".join(chars)
        if _SURROGATE.search(text):
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
        return text, None
    out: list[str] = []
    i, n = 0, len(chars)
    while i < n:
        c = chars[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:  # cannot happen after the line reader; drop a dangling backslash
            break
        e = chars[i + 1]
        if e == "u":
            digits = chars[i + 2 : i + 6]
            if len(digits) < 4 or any(d not in _HEX for d in digits):
                return "".join(out), i
            out.append(chr(int("".join(digits), 16)))
            i += 6
            continue
        out.append(_SIMPLE_ESCAPES.get(e, e))
        i += 2
    text = "".join(out)
    if _SURROGATE.search(text):  # \uD83D\uDE00: one UTF-16 pair
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    return text, None


def _looks_like_url(value: str) -> bool:
    return "://" in value or value.lower().startswith("jdbc:")


def parse_prefs_text(text: str, rel: str) -> PrefsFile:
    """Read the properties of an already decoded `.prefs` text; never raises."""
    pos = _Positions(text)
    props: list[Property] = []
    problems: list[Finding] = []
    for start, chars, offsets in _logical_lines(text):
        end = offsets[-1] + 1 if offsets else start
        key_len, value_start = _split_entry(chars)
        line, column = pos.at(offsets[0] if offsets else start)
        location = Location(rel, line, column)
        key, bad_key = _convert(chars[:key_len])
        raw_value = chars[value_start:]
        value, bad_value = _convert(raw_value)
        if bad_key is not None or bad_value is not None:
            index = bad_key if bad_key is not None else value_start + (bad_value or 0)
            bad_line, bad_column = pos.at(offsets[index])
            where = "key" if bad_key is not None else f"value of '{key}'"
            msg = (
                f"malformed \\uXXXX escape in the {where}: it needs four hex digits; "
                "Java's Properties.load rejects a file holding it (entry skipped)"
            )
            problems.append(
                diag(
                    INPUT_VALUE,
                    Level.ERROR,
                    msg,
                    Location(rel, bad_line, bad_column),
                    subject=key if bad_key is None else "",
                )
            )
            continue
        if value_start < len(chars):
            v_line, v_column = pos.at(offsets[value_start])
            e_line, e_column = pos.at(end)
            if e_line == v_line:
                value_location = Location(rel, v_line, v_column, v_line, e_column)
            else:
                value_location = Location(rel, v_line, v_column)
        else:
            v_line, v_column = pos.at(end)
            value_location = Location(rel, v_line, v_column, v_line, v_column)
        secret = is_secret_name(key)
        if secret:
            value = REDACTED
        elif _looks_like_url(value):
            value = redact_text(value)
        props.append(Property(key, value, location, value_location, secret))
    return PrefsFile(rel, tuple(props), tuple(problems))


def read_prefs(ws: Workspace, path: Path, where: Location | None = None) -> PrefsFile:
    """Read one `.prefs` file through the workspace (ISO-8859-1, as Java does)."""
    rel = ws.rel(path)
    data, problems = ws.read_bytes(path, where, "preference file")
    if data is None:
        return PrefsFile(rel, (), tuple(problems))
    text = data.decode("latin-1")
    ws.remember(rel, text)
    parsed = parse_prefs_text(text, rel)
    problem = _encoding_problem(data)
    if problem is not None:
        msg = f"'{rel}' {problem}; save it as ISO-8859-1 or ASCII"
        problems = [*problems, diag(INPUT_VALUE, Level.ERROR, msg, Location(rel, 1, 1))]
    return replace(parsed, diagnostics=tuple(problems) + parsed.diagnostics)


def _encoding_problem(data: bytes) -> str | None:
    """What an editor's encoding does to a file that Java reads as ISO-8859-1, if anything."""
    utf16 = "Java reads .prefs files as ISO-8859-1, so no key in it can be read"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return f"is UTF-16 text (it starts with a UTF-16 byte order mark): {utf16}"
    head = data[:4096]
    if len(head) >= 4 and head.count(0) * 4 >= len(head):
        return f"is UTF-16 text (every other byte is NUL): {utf16}"
    if data.startswith(b"\xef\xbb\xbf"):
        return (
            "starts with a UTF-8 byte order mark: Java reads it as ISO-8859-1 text, "
            "so the mark becomes part of the first key"
        )
    return None


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
    return redact_text(text) if _looks_like_url(text) else text


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
        from olclint.cron import CronError, parse_cron

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
        for remark in getattr(typed, "warnings", ()) + getattr(typed, "defects", ()):
            # a cron expression Quartz reads otherwise than written, or misbehaves on
            problems.append(
                diag(INPUT_VALUE, Level.WARNING, f"{name}: {remark}", where, subject=name)
            )
        if secret:
            raw = REDACTED
        settings[name] = Setting(name, raw, typed, location, value_location, source)
    return settings, problems
