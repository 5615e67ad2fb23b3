"""An extension's `master.location` does not name the master, or no route reaches it.

## What it does

For every extension, reads `master.location` (`host:port`, default port 9340) and checks
that the host is the master: its `address`, its `hostname`, or nothing else (not
`localhost`, not another node). With `networks` and `routes` declared, it also checks
that a route from the extension's network reaches the master's on that port.

## Why it matters

An extension that cannot reach the master never registers, so the master schedules no
work on it while the extension itself looks healthy.

## Example

```properties
# ext01/settings/com.objectiflune.connect.prefs
master.location=localhost:9340
```

Passing: `master.location=192.168.10.10:9340` (the master's address) or
`connect-m1:9340` (its hostname; also `connect-m1.corp.local:9340`, whose short form is
the hostname).

## How to fix

Point `master.location` at the master's address or host name, or add a route for the
port between the networks. When the collected `.prefs` files of an extension hold no
`master.location` (and cluster.yaml gives none inline), olclint notes that it could not
decide; without collected `.prefs` files it says nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.hostnames import names_host
from olclint.model.cluster import DEFAULT_MASTER_PORT
from olclint.model.graph import reaches, server_id
from olclint.rules._settings import undecided

ID = "OLC103"
NAME = "MasterNotReachable"
LEVEL = Level.ERROR


def _names_master(host: str, master) -> bool:
    try:
        return ipaddress.ip_address(host) == master.address
    except ValueError:
        return names_host(host, master.hostname)


def check(cluster, graph) -> Iterator[Finding]:
    master = cluster.master
    if master is None:
        return
    for node in cluster.extensions:
        setting = node.setting("master.location")
        if setting is None:
            if not node.prefs:
                continue  # no .prefs collected for this server (inline values are partial)
            yield undecided(
                ID, node, "master.location", "is not set", "whether it reaches the master"
            )
            continue
        value = setting.value
        if value is None:
            continue  # unreadable: OLC005
        where = setting.value_location or setting.location
        port = value.port or DEFAULT_MASTER_PORT
        master_at = Related(master.loc("address"), f"the master {master.name} is {master.address}")
        if not _names_master(value.host, master):
            known = str(master.address) + (f" or {master.hostname}" if master.hostname else "")
            yield Finding(
                ID,
                LEVEL,
                f"{node.name} ({node.address}): master.location '{setting.raw}' does not name "
                f"the master {master.name} ({known})",
                where,
                related=(master_at,),
                node=node.name,
                subject="master.location",
            )
            continue
        if not reaches(graph, server_id(node.name), server_id(master.name), port):
            yield Finding(
                ID,
                LEVEL,
                f"{node.name} ({node.address}) has no network route to the master "
                f"{master.name} ({master.address}) on port {port}",
                where,
                related=(Related(cluster.loc("routes"), "the declared routes"), master_at),
                node=node.name,
                subject="master.location:route",
            )
