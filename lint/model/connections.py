"""Where each Connect server connects, worked out from the model: the database server's
address and names, its effective options, and each server's connection target.

These apply the domain (`olclint.domain.mysql`, the settings of `olclint.domain.connect`)
to the model; `olclint.model.facts.derive` calls them once per cluster.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from olclint.core.findings import Location
from olclint.domain.connect import DbConnection, database_connection
from olclint.domain.hostnames import names_host
from olclint.domain.mysql import LOOPBACK_V4, ServerOptions, effective_options
from olclint.model.cluster import Cluster, IPAddress, Node


@dataclass(frozen=True)
class Target:
    """Where one Connect server opens its database connection.

    `address` is the address it connects to (None when olclint cannot tell: an unknown
    host name); `wrong_host` says the store names a host that is not the database server.
    `source` is the client address the database server sees. `host_key`/`port_key` name
    the key that gave the host and port (`db.host`, `database.url`...), `url_location` and
    `port_location` their lines (None when cluster.yaml's default applies). `undecided`
    says why olclint cannot tell where the server connects (then nothing else is judged).
    """

    node: str
    host: str  # as written in the store, or the default
    address: IPAddress | None
    port: int
    source: IPAddress
    url_location: Location | None  # the host's line, None when the default applies
    port_from_url: bool  # the port comes from the server's store
    wrong_host: bool = False
    host_key: str = "database.url"
    port_key: str = "database.url"
    port_location: Location | None = None
    schema: str | None = None  # None: cluster.yaml's database.schema
    schema_location: Location | None = None
    connection: DbConnection | None = None
    undecided: str | None = None


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
    """Where `node` connects to the database: its store's `db.host`/`db.port`/`db.schema`
    or `database.url` (`database_connection`), else the defaults of cluster.yaml.

    None when a value that decides it cannot be read (OLC005 says so) or there is no
    database; a Target with `undecided` when olclint cannot tell where the server connects.
    """
    db = cluster.database
    db_address = database_address(cluster)
    if db is None or db_address is None:
        return None
    conn = database_connection(node.settings)
    if conn.unreadable:
        return None
    on_db_host = db.node == node.name
    host_value = conn.host.value if isinstance(conn.host.value, str) else None
    host = host_value or ("localhost" if on_db_host else str(db_address))
    port_value = conn.port.value if isinstance(conn.port.value, int) else None
    port = port_value or db.port
    schema = conn.schema.value if isinstance(conn.schema.value, str) else None
    common = {
        "host_key": conn.host.key or "database.url",
        "port_key": conn.port.key or "database.url",
        "port_location": conn.port.location if port_value is not None else None,
        "schema": schema,
        "schema_location": conn.schema.location if schema is not None else None,
        "connection": conn,
    }
    where = conn.host.location if host_value is not None else None
    if conn.undecided is not None:
        return Target(
            node.name,
            host,
            None,
            port,
            node.address,
            conn.host.location,
            port_value is not None,
            undecided=conn.undecided,
            **common,
        )
    own_names = list(database_names(cluster))
    address: IPAddress | None
    wrong = False
    if host.lower() == "localhost":
        address = LOOPBACK_V4
        wrong = not on_db_host
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            # `connect-m1.corp.local` names the host whose hostname is `connect-m1`, as OLC103
            address = db_address if any(names_host(host, n) for n in own_names) else None
        if address is not None and address != db_address:
            wrong = not (on_db_host and address.is_loopback)
    if address is None and not on_db_host:
        other = next((n for n in cluster.nodes if names_host(host, n.hostname)), None)
        if other is not None:
            address, wrong = other.address, True
    source = address if (on_db_host and address is not None) else node.address
    return Target(
        node.name, host, address, port, source, where, port_value is not None, wrong, **common
    )


def database_options(cluster: Cluster) -> ServerOptions | None:
    """The database server's effective options (None without a database)."""
    db = cluster.database
    if db is None:
        return None
    return effective_options(db.option_file, db.engine, db.server_version, database_names(cluster))
