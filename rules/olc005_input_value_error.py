"""A value in a .prefs or grants file that cannot be read.

## What it does

Reports values that olclint cannot read: a setting that should be an integer or a
boolean and is not, a clean-up cron expression that is not valid Quartz cron, a
`database.url` that is not a JDBC URL, a `master.location` that is not `host:port`, a
malformed `\\uXXXX` escape in a .prefs file, and a statement of the grants file that is
not a `CREATE USER`, `GRANT`, `REVOKE` or `DROP USER` it can parse. The value or
statement is skipped; the rules that need it say they could not decide.

A clean-up cron expression is read as Quartz 2.3.2 reads it, which is what Connect runs:
an expression Quartz refuses is an error (with Quartz's own message), and so is one that
Quartz accepts but cannot compute a fire time for (a field with no value, such as `L` as
the seconds: its scheduler throws). Quartz also reads many sloppy forms without complaint
(`MON/2` as `MON`, `0/0` as `0`, `1,,2` as `1,2`, `MONDAY` as `MON`, `1-5W` as `1-5`, an
eighth field ignored): each is a **warning** that says how Quartz reads it, and the
schedule counts as so read. Quartz's defects are warnings too, saying how Connect's
scheduler misbehaves: an `L-nW` with n of 28 or more, or `0W`, makes it loop forever once
its search reaches a month too short for it (a February, whatever the month field says),
and an `nW` past the end of a shorter month can fire on its 30th or 29th; olclint's
schedule does not copy them.

## Why it matters

Connect falls back to a default, or fails, on a value it cannot parse; the cluster then
runs with settings nobody chose.

## Example

```properties
merge.local_engines=four
cleanup.cron=0 0 25 * * ?
```

## How to fix

Write the value in the type the setting expects (see the settings table in the README);
for a cron warning, write the expression as Quartz reads it (the message gives it), or
what was meant.
"""

from olclint.core.findings import Level
from olclint.rules._input import reader_findings

ID = "OLC005"
NAME = "InputValueError"
LEVEL = Level.ERROR


def check(ctx):
    return reader_findings(ctx)
