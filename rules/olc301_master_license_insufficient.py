"""The master's licence does not allow clustering.

## What it does

Checks the master's `license.edition` in `cluster.yaml` against what clustering needs:

- up to Connect 2023.x (and when `connect_version` is not given): a Performance Pack
  licence, `performance-pack` or `enterprise`;
- from Connect 2024.1: the `enterprise` edition.

A master without a `license` (or without an `edition`) is reported too. The result points
at the `edition` value (or at the `license` key, or the node's name when there is none).

## Why it matters

The master hands work to the extensions only when its licence allows clustering: the
guides up to 2021.2 require a Performance Pack on the master, and Connect 2024.1 requires
the Enterprise edition. Without it the extensions stay idle.

## Example

Failing (`connect_version: "2024.1"`):

```yaml
  - name: master01
    role: master
    address: 192.168.10.10
    license: {edition: performance-pack}
```

Passing:

```yaml
    license: {edition: enterprise}
```

## How to fix

License the master with the edition the message names (and update `cluster.yaml`), or
correct `connect_version` if it is wrong.
"""

from __future__ import annotations

from olclint.core.findings import Level

ID = "OLC301"
NAME = "MasterLicenseInsufficient"
LEVEL = Level.ERROR

ENTERPRISE_ONLY = (2024, 1)


def check(ctx):
    cluster = ctx.cluster
    master = cluster.master
    if master is None:
        return
    version = cluster.connect_version
    if version is not None and version >= ENTERPRISE_ONLY:
        allowed = ("enterprise",)
        need = "from Connect 2024.1 clustering needs the Enterprise edition on the master"
    else:
        allowed = ("performance-pack", "enterprise")
        need = "clustering needs a Performance Pack licence (performance-pack or enterprise)"
    lic = master.license
    edition = lic.edition if lic is not None else None
    if edition in allowed:
        return
    if lic is None:
        location, have = master.location, "has no licence"
    elif edition is None:
        location, have = lic.location, "has a licence without an edition"
    else:
        location, have = lic.edition_location or lic.location, f"has the {edition} edition"
    yield ctx.finding(
        f"the master {master.name} {have}; {need}",
        location,
        node=master.name,
        subject="license.edition",
    )
