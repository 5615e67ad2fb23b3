"""The running database server differs from its collected option file.

## What it does

Compares the values the running server reports, as `olclint collect database` wrote them
to `server.json` beside the database's grants file (or option file), with the values its
collected option file gives: `port`, `bind-address`, `skip-networking` and
`skip-name-resolve`. When the server reports the option files it read (MySQL 8.0), it
also checks that the collected option file is one of them. Silent when no `server.json`
or no option file was collected.

## Why it matters

Every other database rule judges the option file, which is what the server will do after
its next restart. When the running server differs, either the file was edited and the
service was not restarted (the next restart, often at night, changes what the Connect
servers can reach), or the collected file is not the one the server reads (the findings
judge the wrong file).

## Example

```ini
# master01/my.ini; server.json says "bind_address": "127.0.0.1"
[mysqld]
bind-address = 0.0.0.0
```

Passing: the running server reports `"bind_address": "0.0.0.0"` (it was restarted after
the edit), or the option file says `bind-address = 127.0.0.1`.

## How to fix

Restart the database service so that it reads its option file (database host first, then
the master, then the extensions), then collect again; or, when the server reads another
file (`--defaults-file` of the Windows service), collect that file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import PurePosixPath, PureWindowsPath

from olclint.core.findings import Finding, Level, Related
from olclint.domain.mysql import short

ID = "OLC105"
NAME = "RunningServerDrift"
LEVEL = Level.WARNING

_ALL_INTERFACES = {"", "*"}  # what a server without bind-address reports
# (option name in the file, variable in server.json, attribute of ServerOptions)
_COMPARED = (
    ("port", "port", "port"),
    ("bind-address", "bind_address", "bind_address"),
    ("skip-networking", "skip_networking", "skip_networking"),
    ("skip-name-resolve", "skip_name_resolve", "skip_name_resolve"),
)


def _same(option: str, in_file: object, running: object) -> bool:
    if option == "port":
        return (in_file or 3306) == (running or 3306)
    if option == "bind-address":
        left = "" if in_file is None else str(in_file).strip().lower()
        right = "" if running is None else str(running).strip().lower()
        if left in _ALL_INTERFACES and right in _ALL_INTERFACES:
            return True
        return left == right
    return bool(in_file) == bool(running)


def _shown(option: str, value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if option == "bind-address" and (value is None or str(value) in _ALL_INTERFACES):
        return "every interface"
    return str(value)


def _name(path: str) -> str:
    return PureWindowsPath(path).name.lower() or PurePosixPath(path).name.lower()


def check(ctx) -> Iterator[Finding]:
    cluster, facts = ctx.cluster, ctx.facts
    db = cluster.database
    if db is None or facts.database is None or db.option_file is None:
        return
    running = facts.database.running
    if running is None or not running.variables:  # unreadable: OLC005 says why
        return
    options = facts.database.options
    file_key = db.loc("option_file")
    if running.option_files is not None:
        collected = _name(db.option_file.path)
        if collected not in {_name(p) for p in running.option_files}:
            read = ", ".join(running.option_files) or "no option file"
            yield ctx.finding(
                f"the running database server read {read}, not the collected option file "
                f"{db.option_file.path}: the findings judge another file than the one the "
                "server uses",
                file_key,
                related=(Related(running.location, "the running server's option files"),),
                node=db.node or "",
                subject="option_files",
            )
    if not options.starts:
        return  # OLC003: the file would not start a server at all
    for option, variable, attribute in _COMPARED:
        live = running.get(variable)
        if live is None:
            continue
        value = getattr(options, attribute)
        if _same(option, value.value, live.value):
            continue
        where = value.option.location if value.option is not None else file_key
        said = (
            f"{short(where)} sets {option} = {_shown(option, value.value)}"
            if value.option is not None
            else f"{db.option_file.path} does not set {option} "
            f"(default: {_shown(option, value.value)})"
        )
        how = (
            " (set on the server's command line)"
            if running.sources.get(variable) == "COMMAND_LINE"
            else ""
        )
        yield ctx.finding(
            f"the running database server has {option} = {_shown(option, live.value)}{how}, "
            f"but {said}: the file changed after the server started, or the server reads "
            "another file",
            where,
            related=(
                Related(
                    live.location, f"the running server: {variable} = {json.dumps(live.value)}"
                ),
            ),
            node=db.node or "",
            subject=f"running:{option}",
        )
