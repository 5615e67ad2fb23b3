"""An extension's `master.location` does not name the master, or no route reaches it.

## What it does

For every extension, reads `master.location` (`host:port`) and checks that the host is
the master: its `address`, its `hostname`, or nothing else (not `localhost`, not another
node). The port the extension connects to (`server.connections.master.port` of its
`com.objectiflune.scheduling.prefs`, which Connect reads and which decides when both are
given, else the port of `master.location`; default 9340) must be the port the master
listens on (`server.primary.port` of the master's
`com.objectiflune.serverengine.preferences.prefs`, default 9340); the finding says which
line to change on which side. With `networks` and `routes` declared, it also checks that a
route from the extension's network reaches the master's on that port.

Connect 2021's stores hold no known key for the master's host, so with real stores give
it inline (`settings: {master.location: "connect-m1:9340"}` in cluster.yaml); without it
olclint notes that it could not check the host.

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

```properties
# ext01/settings/com.objectiflune.scheduling.prefs
server.connections.master.port=9341
# master01/settings/com.objectiflune.serverengine.preferences.prefs
server.primary.port=9340
```

Passing: the same port on both sides.

## How to fix

Point `master.location` at the master's address or host name, make the extension's
master port and the master's `server.primary.port` agree, or add a route for the port
between the networks. When the collected `.prefs` files of an extension hold no
`master.location` (and cluster.yaml gives none inline), olclint notes that it could not
decide; without collected `.prefs` files it says nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.fixes import setting_fix
from olclint.domain.hostnames import names_host
from olclint.model.cluster import DEFAULT_MASTER_PORT
from olclint.model.graph import reaches, server_id
from olclint.rules._settings import undecided

ID = "OLC103"
NAME = "MasterNotReachable"
LEVEL = Level.ERROR
FIX = """
`--fix` sets an extension's `server.connections.master.port`, or the port of a
`master.location` written as plain `host:port`, to the master's `server.primary.port`
(or its default 9340), in the extension's `.prefs` store. A `master.location` that names
another host, one with a scheme, a path or an IPv6 address, an inline value of
cluster.yaml and a missing key are left to you.
"""


def _names_master(host: str, master) -> bool:
    try:
        return ipaddress.ip_address(host) == master.address
    except ValueError:
        return names_host(host, master.hostname)


def _port_line(setting) -> str:
    where = setting.value_location or setting.location
    return f"{setting.key or setting.name}, {where.path.rsplit('/', 1)[-1]}:{where.line}"


def _deciding_port(node, location):
    """(setting, port) of the master port the extension connects to: Connect's
    `server.connections.master.port` when set, else the port of `master.location`; None
    when neither gives one."""
    for setting in (node.setting("master.port"), location):
        if setting is None or setting.value is None:
            continue
        port = setting.value if setting.name == "master.port" else setting.value.port
        if port is not None:
            return setting, port
    return None


def _port_findings(ctx, node, master, listen, listen_setting, location) -> Iterator[Finding]:
    """The extension's master port (`server.connections.master.port`, or the port of
    `master.location`) against the master's `server.primary.port`."""
    if listen_setting is not None:
        listen_text = f"{listen} ({_port_line(listen_setting)})"
        listen_at = listen_setting.value_location or listen_setting.location
    else:
        listen_text = f"{listen} (the default; no server.primary.port)"
        listen_at = master.loc("address")
    given = _deciding_port(node, location)
    if given is None:
        if listen == DEFAULT_MASTER_PORT:
            return
        yield ctx.finding(
            f"{node.name} connects to the master on the default port {DEFAULT_MASTER_PORT} "
            f"(no server.connections.master.port) but {master.name} listens on {listen_text}; "
            f"set server.connections.master.port={listen} on {node.name}, or "
            f"server.primary.port={DEFAULT_MASTER_PORT} on {master.name}",
            listen_at,
            related=(Related(node.location, f"{node.name} uses the default port"),),
            node=node.name,
            subject="master.port",
        )
        return
    setting, port = given
    if port == listen:
        return
    fix_here = f"set it to {listen} on {node.name}"
    if listen_setting is not None:
        fix_here += f", or server.primary.port to {port} on {master.name}"
    yield ctx.finding(
        f"{node.name} connects to the master on port {port} ({_port_line(setting)}) but "
        f"{master.name} listens on {listen_text}; {fix_here}",
        setting.value_location or setting.location,
        related=(Related(listen_at, f"{master.name} listens on port {listen}"),),
        fix=_port_fix(setting, node, master, listen),
        node=node.name,
        subject=f"{setting.name}:port",
    )


def check(ctx) -> Iterator[Finding]:
    cluster = ctx.cluster
    master = cluster.master
    if master is None:
        return
    listen_setting = master.setting("server.port")
    listen = DEFAULT_MASTER_PORT
    if listen_setting is not None:
        if listen_setting.value is None:
            return  # unreadable: OLC005
        listen = listen_setting.value
    for node in cluster.extensions:
        setting = node.setting("master.location")
        if setting is not None and setting.value is None:
            continue  # unreadable: OLC005
        port_findings = list(_port_findings(ctx, node, master, listen, listen_setting, setting))
        yield from port_findings
        if setting is None:
            if not node.prefs:
                continue  # no .prefs collected for this server (inline values are partial)
            yield undecided(
                ctx, node, "master.location", "is not set", "whether it reaches the master"
            )
            continue
        value = setting.value
        where = setting.value_location or setting.location
        master_at = Related(master.loc("address"), f"the master {master.name} is {master.address}")
        if not _names_master(value.host, master):
            known = str(master.address) + (f" or {master.hostname}" if master.hostname else "")
            yield ctx.finding(
                f"{node.name} ({node.address}): master.location '{setting.raw}' does not name "
                f"the master {master.name} ({known})",
                where,
                related=(master_at,),
                node=node.name,
                subject="master.location",
            )
            continue
        if port_findings:
            continue
        given = _deciding_port(node, setting)
        port = given[1] if given is not None else listen
        if not reaches(ctx.reach, server_id(node.name), server_id(master.name), port):
            yield ctx.finding(
                f"{node.name} ({node.address}) has no network route to the master "
                f"{master.name} ({master.address}) on port {port}",
                where,
                related=(Related(cluster.loc("routes"), "the declared routes"), master_at),
                node=node.name,
                subject="master.location:route",
            )


def _port_fix(setting, node, master, listen: int):
    """`server.connections.master.port`, or the port of a `master.location` written as
    plain `host:port`, to the port the master listens on."""
    what = f"on {node.name}, the port {master.name} listens on"
    if setting.name == "master.port":
        return setting_fix(setting, str(listen), f"set {setting.key} to {listen} {what}")
    value = setting.value
    if ":" in value.host or setting.raw.strip() != f"{value.host}:{value.port}":
        return None  # IPv6, a scheme or a path: not one plain value
    return setting_fix(
        setting, f"{value.host}:{listen}", f"set the port of {setting.key} to {listen} {what}"
    )
