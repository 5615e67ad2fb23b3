"""The running database server against its option file: which values compare, and how.

A server started from an option file reports `@@port`, `@@bind_address`,
`@@skip_networking` and `@@skip_name_resolve` (`olclint collect database` writes them to
`server.json`); the same setting can read differently on each side (no `bind-address` in
the file is `*` or `''` on the server; a port of 0 is 3306).
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

_ALL_INTERFACES = {"", "*"}  # what a server without bind-address reports
# (option name in the file, variable in server.json, attribute of ServerOptions)
COMPARED = (
    ("port", "port", "port"),
    ("bind-address", "bind_address", "bind_address"),
    ("skip-networking", "skip_networking", "skip_networking"),
    ("skip-name-resolve", "skip_name_resolve", "skip_name_resolve"),
)


def same_value(option: str, in_file: object, running: object) -> bool:
    """Whether the option file's value and the running server's are the same setting."""
    if option == "port":
        return (in_file or 3306) == (running or 3306)
    if option == "bind-address":
        left = "" if in_file is None else str(in_file).strip().lower()
        right = "" if running is None else str(running).strip().lower()
        if left in _ALL_INTERFACES and right in _ALL_INTERFACES:
            return True
        return left == right
    return bool(in_file) == bool(running)


def shown(option: str, value: object) -> str:
    """A value as a message says it."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if option == "bind-address" and (value is None or str(value) in _ALL_INTERFACES):
        return "every interface"
    return str(value)


def file_name(path: str) -> str:
    """The file name of a path the server reported (Windows or POSIX), lower case."""
    return PureWindowsPath(path).name.lower() or PurePosixPath(path).name.lower()
