"""A value in a .prefs or grants file that cannot be read.

## What it does

Reports values that olclint cannot read: a setting that should be an integer or a
boolean and is not, a clean-up cron expression that is not valid Quartz cron, a
`database.url` that is not a JDBC URL, a `master.location` that is not `host:port`, a
malformed `\\uXXXX` escape in a .prefs file, and a statement of the grants file that is
not a `CREATE USER`, `GRANT`, `REVOKE` or `DROP USER` it can parse. The value or
statement is skipped; the rules that need it say they could not decide.

## Why it matters

Connect falls back to a default, or fails, on a value it cannot parse; the cluster then
runs with settings nobody chose.

## Example

```properties
merge.local_engines=four
cleanup.cron=0 0 25 * * ?
```

## How to fix

Write the value in the type the setting expects (see the settings table in the README).
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC005"
NAME = "InputValueError"
LEVEL = Level.ERROR


def check(ctx):
    return reader_findings(ctx)
