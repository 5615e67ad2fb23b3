"""The option file would stop the database server from starting.

## What it does

Reads `my.ini`/`my.cnf` as MySQL and MariaDB read it and reports what makes the server
refuse to start: an option before any `[group]`, a UTF-8 byte order mark or UTF-16 text
(what Notepad writes with "Unicode" encoding), a group line without `]`, an
`!includedir` folder that does not exist, and an include loop.

## Why it matters

The server reads its option file at start-up and stops at the first such line. The
change looks harmless until the next restart, when the database of the whole cluster
stays down.

## Example

```ini
port=3306            # before any group: the server will not start
[mysqld
bind-address=0.0.0.0
```

## How to fix

Put every option under a group (`[mysqld]`), close the brackets, save the file as UTF-8
without BOM (or ANSI), and make every `!includedir` folder exist.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC003"
NAME = "OptionFileError"
LEVEL = Level.ERROR


def check(ctx):
    return reader_findings(ctx)
