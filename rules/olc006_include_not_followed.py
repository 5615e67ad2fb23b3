"""An absolute `!include`/`!includedir` path that olclint cannot follow.

## What it does

Notes each `!include` or `!includedir` of an option file whose path is absolute
(`C:/ProgramData/...`, `/etc/mysql/...`). Such a path names a file on the database
server, not in the repository, so olclint does not open it and the options it holds are
not checked.

## Why it matters

Options in the included file (often `bind-address` or `port`) may change what the other
rules conclude; the result is only as complete as the files collected.

## Example

```ini
[mysqld]
!includedir C:/ProgramData/MySQL/conf.d
```

## How to fix

Collect the included files into the repository and include them by a relative path, or
suppress this note for that line with a reason.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC006"
NAME = "IncludeNotFollowed"
LEVEL = Level.NOTE


def check(ctx):
    return reader_findings(ctx)
