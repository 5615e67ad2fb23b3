"""An option file that holds a password is readable by every user of the database server.

## What it does

Warns when a file of the database's option file (`database.option_file` or a file it
includes) holds a non-empty password option, in any group (`password`, `[client]`
`password`, `loose-password`...), and its collected mode lets every user read it (the
"other" read bit, as in `0644`).

Modes only mean something when the files were collected with them, for instance with
`rsync -a`, `scp -p`, `tar -p` or a configuration-management copy; git keeps only the
executable bit and checks files out as `0644` (`0664` under umask `002`). So the rule
judges an option file only when its modes were evidently kept: when at least one file of
that option file has a mode other than a checkout default (`0644`, `0664`, `0755`,
`0775`). A tree checked out from git, where every file has a default mode, is never
reported; a collected tree where `my.ini` is `0600` and an included `client.cnf` is
`0644` reports `client.cnf`, and a lone `my.ini` collected as `0666` or `0604` is
reported too.

When the modes were not collected, the rule neither passes nor fails a file that holds a
password: it reports a note, once per file, saying that it cannot judge who may read it.
That is the case for a tree where every file has a checkout default mode, for files read
on Windows (whose file system has no POSIX modes: `os.stat` gives every file `0666`,
whatever its access control list says), and for files collected from a Windows database
server, whose permissions are an access control list that no collected mode describes.

## Why it matters

The MySQL manual asks that an option file holding a password be readable by its owner
only: any local account (a service, a user logged in on the server) can otherwise read
the password and log in to the database, with the privileges of that account (often
`root`). A world-writable option file is worse: MySQL ignores it entirely.

## Example

Failing, collected with modes (`ls -l`):

```
-rw------- master01/my.ini          !include client.cnf
-rw-r--r-- master01/client.cnf      [client] password=Admin123
```

Passing:

```
-rw------- master01/my.ini
-rw------- master01/client.cnf
```

A note (cannot judge), checked out from git:

```
-rw-r--r-- master01/my.ini          [client] password=Admin123
```

## How to fix

On the database server, make the file readable by its owner only (`chmod 600 FILE`, or
on Windows remove read access for `Users` and `Everyone`), then collect it again. Better,
keep passwords out of option files altogether (`mysql_config_editor`, or a prompt).
For the note, check the file's permissions on the server (`icacls FILE` on Windows, `ls -l`
elsewhere), or collect the files with their modes.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator

from olclint.core.findings import Finding, Level

ID = "OLC502"
NAME = "OptionFileWorldReadable"
LEVEL = Level.WARNING
SECURITY_SEVERITY = "6.5"  # a password readable by every local user

# what a git checkout gives a file under the usual umasks (022, 002)
CHECKOUT_MODES = frozenset({0o644, 0o664, 0o755, 0o775})


def check(ctx) -> Iterator[Finding]:
    secrets = [s for s in ctx.facts.secrets if s.kind == "option"]
    db = ctx.cluster.database
    if db is None or db.option_file is None or not secrets:
        return
    modes = {path: stat.S_IMODE(mode) for path, mode in db.option_file.modes}
    # modes are evidence only when some file has one that a git checkout never gives
    kept = any(mode not in CHECKOUT_MODES for mode in modes.values())
    reported: set[str] = set()
    for secret in secrets:
        path = secret.path
        if path in reported:
            continue
        mode = modes.get(path) if kept else None
        if mode is None:
            reported.add(path)
            why = (
                "every file of the option file has a git checkout default mode"
                if modes
                else "no mode was collected with it (read on Windows, or not from a file)"
            )
            yield ctx.finding(
                f"{path} holds a password option ('{secret.name}' in [{secret.group}]), but "
                f"olclint cannot judge who may read it: {why}; check its permissions on the "
                "database server, or collect the files with their modes (rsync -a, tar -p)",
                secret.location,
                level=Level.NOTE,
                node=secret.node,
                subject=f"{path}:modes-not-collected",
            )
            continue
        if not mode & stat.S_IROTH:
            continue
        reported.add(path)
        extra = " and write" if mode & stat.S_IWOTH else ""
        yield ctx.finding(
            f"{path} holds a password option ('{secret.name}' in [{secret.group}]) and its "
            f"collected mode {mode:04o} lets every user read{extra} it; make it readable "
            "by its owner only (chmod 600)",
            secret.location,
            node=secret.node,
            subject=f"{path}:{secret.key}",
        )
