"""A server's licence has expired.

## What it does

Compares each node's `license.expires` date with the date of the run (`--today`,
`SOURCE_DATE_EPOCH`, or today): an expiry date before that day is an error at the
`expires` value. The licence is still valid on its expiry day. Nodes without an `expires`
date are not checked.

## Why it matters

An expired licence stops the server's production: on the master, nothing is handed out;
on an extension, its engines stop. Checking the recorded dates in CI catches this before
the morning it happens.

## Example

Failing (run on 2026-01-01):

```yaml
    license: {edition: enterprise, expires: 2025-12-31}
```

Passing:

```yaml
    license: {edition: enterprise, expires: 2027-06-30}
```

## How to fix

Renew the licence and record the new date in `cluster.yaml`.
"""

from __future__ import annotations

from olclint.core.findings import Level

ID = "OLC303"
NAME = "LicenseExpired"
LEVEL = Level.ERROR
USES_DATE = True  # judges against the run's date (`ctx.today`)


def check(ctx):
    cluster = ctx.cluster
    today = ctx.today
    for node in cluster.nodes:
        lic = node.license
        if lic is None or lic.expires is None or lic.expires >= today:
            continue
        days = (today - lic.expires).days
        yield ctx.finding(
            f"the licence of {node.name} expired on {lic.expires.isoformat()} "
            f"({days} day{'s' if days != 1 else ''} before {today.isoformat()})",
            lic.expires_location or lic.location,
            node=node.name,
            subject="license.expires",
        )
