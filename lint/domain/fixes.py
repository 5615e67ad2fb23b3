"""The edits that fix a finding: one value, at the exact place it is written.

Rules judge; this module says what a value becomes and writes it as the file needs it.
Every function is pure and returns None when no safe edit exists: the value is not in a
file (an inline value of cluster.yaml, a default), its region spans lines, or it is part
of a larger value (a host inside a JDBC URL, which may also hold a password).

- `prefs_text`: a value as `java.util.Properties.load` reads it back (escapes).
- `setting_fix`: replace a Connect setting's value in its `.prefs` store.
- `option_fix`: replace an option's value in a MySQL option file.
- `option_line_fix`: add an option line right after another one (its group, its file).
- `bind_address_for`: the narrowest `bind-address` that serves the given addresses.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from olclint.core.findings import Fix, Location
from olclint.domain.mysql import (
    MARIADB,
    MARIADB_BIND_LIST_FROM,
    MYSQL,
    MYSQL_BIND_LIST_FROM,
    version_at_least,
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_MULTI_BIND = {MYSQL: MYSQL_BIND_LIST_FROM, MARIADB: MARIADB_BIND_LIST_FROM}


def _one_line(location: Location | None) -> bool:
    return (
        location is not None
        and location.end_column is not None
        and location.end_line in (None, location.line)
    )


def _exact(location: Location) -> Location:
    return Location(
        location.path, location.line, location.column, location.line, location.end_column
    )


def prefs_text(value: str) -> str:
    """`value` as a `.prefs` value: backslashes, a leading blank, line breaks and
    characters outside ISO-8859-1 escaped, so that Java reads back `value` exactly."""
    out: list[str] = []
    for i, ch in enumerate(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\f":
            out.append("\\f")
        elif ch == " " and i == 0:
            out.append("\\ ")
        elif ord(ch) < 0x20 or ord(ch) > 0xFF:
            for unit in range(0, len(ch.encode("utf-16-be")), 2):
                code = int.from_bytes(ch.encode("utf-16-be")[unit : unit + 2], "big")
                out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


def setting_fix(setting, value: str, description: str) -> Fix | None:
    """Replace the value of `setting` (an `olclint.domain.connect.Setting`) by `value` in
    its `.prefs` file; None for an inline value or one written across lines."""
    if setting is None or setting.source != "prefs" or not _one_line(setting.value_location):
        return None
    return Fix(description, _exact(setting.value_location), prefs_text(value))


def _option_text(value: str) -> str | None:
    """`value` as an option file value: plain when MySQL reads it back unchanged."""
    if not value or any(ch in value for ch in "#;'\"\\ \t\r\n"):
        return None
    return value


def option_fix(option, value: str, description: str) -> Fix | None:
    """Replace the value of `option` (an `olclint.readers.optionfile.Option`) by `value`;
    None when the option has no value on its line or `value` would need quoting."""
    if option is None or not _one_line(option.value_location):
        return None
    text = _option_text(value)
    if text is None:
        return None
    return Fix(description, _exact(option.value_location), text)


def option_line_fix(after, name: str, value: str, description: str) -> Fix | None:
    """Add the line `name = value` right after the option `after` (so in its group and
    file); None when `value` would need quoting."""
    text = _option_text(value)
    if after is None or text is None:
        return None
    line = after.location.line + 1
    return Fix(description, Location(after.location.path, line, 1, line, 1), f"{name} = {text}\n")


def bind_address_for(
    addresses: Iterable[IPAddress], engine: str, version: tuple[int, ...] | None
) -> str | None:
    """The narrowest `bind-address` on which the database server accepts connections to
    every one of `addresses` (the addresses the Connect servers connect to): the address
    itself when there is one; several, comma-separated, where the engine's version reads
    a list; else every IPv4 interface when they are all IPv4. None when no value fits."""
    targets = sorted(set(addresses), key=lambda a: (a.version, int(a)))
    if not targets:
        return None
    if len(targets) == 1:
        return str(targets[0])
    least = _MULTI_BIND.get(engine)
    if least is not None and version_at_least(version, least):
        return ",".join(str(a) for a in targets)
    if all(a.version == 4 for a in targets):
        return "0.0.0.0"
    return None
