"""An absolute `!include`/`!includedir` path that olclint cannot follow.

## What it does

Warns for each `!include` or `!includedir` of an option file whose path is absolute
(`C:/ProgramData/...`, `/etc/mysql/...`) and that `database.include_map` does not map onto
the repository. Such a path names a file on the database server, not in the repository,
so olclint does not open it: the options it holds are not checked and the effective
configuration (and with it OLC101/OLC102) could not be decided.

## Why it matters

Options in the included file (often `bind-address` or `port`) may change what the other
rules conclude; the result is only as complete as the files collected.

## Example

```ini
[mysqld]
!includedir C:/ProgramData/MySQL/conf.d
```

## How to fix

Collect the included folder into the repository and map the server's folder onto it in
cluster.yaml (`include_map: {/etc/mysql: db01/etc/mysql}` under `database`), include the
files by a relative path, or suppress this warning for that line with a reason.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC006"
NAME = "IncludeNotFollowed"
LEVEL = Level.WARNING


def check(ctx):
    return reader_findings(ctx)
