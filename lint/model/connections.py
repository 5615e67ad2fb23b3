"""Where each Connect server connects, worked out from the model: the database server's
address and names, its effective options, and each server's connection target.

These apply the domain (`olclint.domain.mysql`, the settings of `olclint.domain.connect`)
to the model; `olclint.model.facts.derive` calls them once per cluster.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from olclint.core.findings import Location
from olclint.domain.mysql import LOOPBACK_V4, ServerOptions, effective_options
from olclint.model.cluster import Cluster, IPAddress, Node


@dataclass(frozen=True)
class Target:
    """Where one Connect server opens its database connection.

    `address` is the address it connects to (None when olclint cannot tell: an unknown
    host name); `wrong_host` says the URL names a host that is not the database server.
    `source` is the client address the database server sees.
    """

    node: str
    host: str  # as written in database.url, or the default
    address: IPAddress | None
    port: int
    source: IPAddress
    url_location: Location | None  # database.url value, None when the default applies
    port_from_url: bool
    wrong_host: bool = False


def database_address(cluster: Cluster) -> IPAddress | None:
    db = cluster.database
    if db is None:
        return None
    host = cluster.database_node
    return host.address if host is not None else db.external_address


def database_names(cluster: Cluster) -> dict[str, IPAddress]:
    """Host names the database host resolves for itself (for a bind-address name)."""
    db = cluster.database
    address = database_address(cluster)
    if db is None or address is None:
        return {}
    host = cluster.database_node
    name = host.hostname if host is not None else db.external_hostname
    return {name: address} if name else {}


def connection_target(cluster: Cluster, node: Node) -> Target | None:
    """Where `node` connects to the database (spec: database.url, or the defaults)."""
    db = cluster.database
    db_address = database_address(cluster)
    if db is None or db_address is None:
        return None
    on_db_host = db.node == node.name
    setting = node.setting("database.url")
    url = setting.value if setting is not None else None
    if setting is not None and url is None:
        return None  # unreadable: OLC005 says so
    host = getattr(url, "host", None) or ("localhost" if on_db_host else str(db_address))
    port = getattr(url, "port", None) or db.port
    where = (setting.value_location or setting.location) if setting is not None else None
    own_names = {n.lower() for n in database_names(cluster)}
    address: IPAddress | None
    wrong = False
    if host.lower() == "localhost":
        address = LOOPBACK_V4
        wrong = not on_db_host
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = db_address if host.lower() in own_names else None
        if address is not None and address != db_address:
            wrong = not (on_db_host and address.is_loopback)
    if address is None and not on_db_host:
        other = next((n for n in cluster.nodes if (n.hostname or "").lower() == host.lower()), None)
        if other is not None:
            address, wrong = other.address, True
    source = address if (on_db_host and address is not None) else node.address
    return Target(
        node.name, host, address, port, source, where, getattr(url, "port", None) is not None, wrong
    )


def database_options(cluster: Cluster) -> ServerOptions | None:
    """The database server's effective options (None without a database)."""
    db = cluster.database
    if db is None:
        return None
    return effective_options(db.option_file, db.engine, db.server_version, database_names(cluster))
