"""A Connect preference file in the repository holds a password in plain text.

## What it does

Warns for every non-empty value of a `.prefs` key whose name marks a secret
(`password`, `passwd`, `pwd`, `secret`, `token`, `credential`, `private key` in any case,
such as `database.password`) in the preference files collected for a node, and every URL
value that holds a password (`jdbc:mysql://root:secret@host/db`,
`jdbc:mariadb://host/db?password=secret`). An empty value (`database.password=`) is not
reported. olclint never reads or shows the value
itself: findings, snippets and every output format show `********`.

## Why it matters

The preference files are collected from the servers and committed so the cluster can be
checked on every change. A database password in them is then readable by everyone who
can read the repository, its forks, its CI logs and every clone, forever: removing it
later does not remove it from the history. The Connect servers need the password on the
server, not in the repository.

## Example

Failing (`master01/settings/database.prefs`):

```properties
database.url=jdbc:mysql://192.168.10.10:3306/objectiflune
database.user=olconnect
database.password=Admin123
```

Passing: the collection step leaves the secret out (or empties it) before committing.

```properties
database.url=jdbc:mysql://192.168.10.10:3306/objectiflune
database.user=olconnect
database.password=
```

## How to fix

Drop the secret keys from the collected copy (for instance with a `sed` step in the
collection script, or by collecting only the keys olclint needs), rotate the password
if it was ever pushed, and keep it in the servers' own settings or a secret store.
"""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level

ID = "OLC501"
NAME = "PlaintextPasswordInPrefs"
LEVEL = Level.WARNING


def _empty(prop) -> bool:
    # the reader keeps no secret value, only where it was: a value of zero width is empty
    loc = prop.value_location
    return loc.end_line == loc.line and loc.end_column == loc.column


def check(cluster, graph) -> Iterator[Finding]:
    for node in cluster.nodes:
        for prefs in node.prefs:
            for prop in prefs.properties:
                if not (prop.secret and not _empty(prop)) and not prop.url_password:
                    continue
                inside = " inside its URL" if prop.url_password else ""
                yield Finding(
                    ID,
                    LEVEL,
                    f"{node.name}: '{prop.key}' holds a password in plain text{inside} in "
                    f"{prefs.path}; everyone who can read the repository can read it",
                    prop.value_location,
                    node=node.name,
                    subject=f"{prefs.path}:{prop.key}",
                )
