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

from olclint.core.findings import Finding, Level, Related
from olclint.domain.mysql import short
from olclint.domain.running import COMPARED, file_name, same_value, shown

ID = "OLC105"
NAME = "RunningServerDrift"
LEVEL = Level.WARNING


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
        collected = file_name(db.option_file.path)
        if collected not in {file_name(p) for p in running.option_files}:
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
    for option, variable, attribute in COMPARED:
        live = running.get(variable)
        if live is None:
            continue
        value = getattr(options, attribute)
        if same_value(option, value.value, live.value):
            continue
        where = value.option.location if value.option is not None else file_key
        said = (
            f"{short(where)} sets {option} = {shown(option, value.value)}"
            if value.option is not None
            else f"{db.option_file.path} does not set {option} "
            f"(default: {shown(option, value.value)})"
        )
        how = (
            " (set on the server's command line)"
            if running.sources.get(variable) == "COMMAND_LINE"
            else ""
        )
        yield ctx.finding(
            f"the running database server has {option} = {shown(option, live.value)}{how}, "
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
