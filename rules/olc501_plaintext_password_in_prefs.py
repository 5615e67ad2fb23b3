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
SECURITY_SEVERITY = "7.5"  # a password in plain text in the repository


def check(ctx) -> Iterator[Finding]:
    for secret in ctx.facts.secrets:
        if secret.kind != "prefs":
            continue
        inside = " inside its URL" if secret.in_url else ""
        yield ctx.finding(
            f"{secret.node}: '{secret.key}' holds a password in plain text{inside} in "
            f"{secret.path}; everyone who can read the repository can read it",
            secret.value_location,
            node=secret.node,
            subject=f"{secret.path}:{secret.key}",
        )
