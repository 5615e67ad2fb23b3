"""An inline `# olclint: ignore[...]` comment that suppresses nothing.

## What it does

Notes each inline suppression comment, or each rule id inside one, that matched no
finding in this run: the problem it was written for is gone, the id is misspelt or names
no rule, or the comment sits on the wrong line (a trailing comment covers its own line,
a comment on its own line covers the next line).

This rule is produced by the suppression stage of `olclint check`, after every other rule
has run; its `check` function yields nothing. It only speaks about ids whose rule ran on
the cluster that read the file: with `--select`, `--ignore`, or a cluster file that is
broken, the ids of the rules that did not run are not reported.

## Why it matters

A suppression that outlives its reason silently hides the next, real problem on that
line. Reporting the stale ones keeps every accepted exception deliberate and current.

## Example

```ini
[mysqld]
# olclint: ignore[OLC101] the database only serves the master
bind-address = 0.0.0.0
```

`bind-address = 0.0.0.0` reaches every server, so OLC101 no longer fires there and the
comment suppresses nothing. The passing version drops the comment:

```ini
[mysqld]
bind-address = 0.0.0.0
```

## How to fix

Delete the comment, or the ids in it that are reported, or move it to the line of the
finding (trailing) or to the line just above it (own line).
"""

from olclint.core.findings import Level

ID = "OLC007"
NAME = "UnusedSuppression"
LEVEL = Level.NOTE


def check(ctx):
    """Nothing here: `olclint.filter.suppress` reports unused suppressions after all rules ran."""
    return ()
