"""An extension has no licence.

## What it does

Reports each extension whose `license.edition` is `none`, or that has no `license` (or no
`edition`) at all. The result points at the `edition` value, else at the `license` key,
else at the node's name.

## Why it matters

Every extension needs its own licence: an unlicensed Connect server does not start its
engines, so the master's jobs never reach it.

## Example

Failing:

```yaml
  - name: ext01
    role: extension
    address: 192.168.10.21
    license: {edition: none}
```

Passing:

```yaml
    license: {edition: standard}
```

## How to fix

License the extension and record its edition in `cluster.yaml`.
"""

from __future__ import annotations

from olclint.core.findings import Level

ID = "OLC302"
NAME = "ExtensionUnlicensed"
LEVEL = Level.ERROR


def check(ctx):
    cluster = ctx.cluster
    for ext in cluster.extensions:
        lic = ext.license
        if lic is None:
            location, have = ext.location, "has no licence"
        elif lic.edition is None:
            location, have = lic.location, "has a licence without an edition"
        elif lic.edition == "none":
            location, have = lic.edition_location or lic.location, "has no licence (edition none)"
        else:
            continue
        yield ctx.finding(
            f"the extension {ext.name} {have}; every extension needs its own licence",
            location,
            node=ext.name,
            subject="license.edition",
        )
