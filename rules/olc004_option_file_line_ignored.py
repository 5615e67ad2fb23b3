"""A line of the option file that the server silently ignores.

## What it does

Reports option-file lines that the server skips without a word: a quoted `!include`
path, a comment after an `!include` path, an `!include` file that does not exist, an
unknown `!` directive, and a group name with spaces inside the brackets (`[ mysqld ]` is
a different group from `[mysqld]`, and no server reads it).

## Why it matters

The administrator believes the setting is in force; the server never saw it. A
`bind-address` in `[ mysqld ]` keeps the database on loopback while the file says
otherwise.

## Example

```ini
[ mysqld ]
bind-address=0.0.0.0
!include "C:/ProgramData/MySQL/extra.ini"
```

## How to fix

Write group names without spaces (`[mysqld]`), include paths without quotes or trailing
comments, and make sure included files exist.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC004"
NAME = "OptionFileLineIgnored"
LEVEL = Level.WARNING


def check(ctx):
    return reader_findings(ctx)
