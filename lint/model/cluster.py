"""The cluster model: frozen dataclasses, every value with the Location it was read at.

Built once by `olclint.model.build` from the cluster file and the files it references; rules
read it and never go back to the files.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from olclint.core.findings import Finding, Location
from olclint.domain.mysql import DEFAULT_PORT, IPAddress

if TYPE_CHECKING:
    from olclint.domain.connect import Setting
    from olclint.readers.grants import Grants
    from olclint.readers.optionfile import OptionFile
    from olclint.readers.prefs import PrefsFile
    from olclint.readers.serverinfo import RunningServer


MASTER = "master"
EXTENSION = "extension"
DEFAULT_DB_PORT = DEFAULT_PORT
DEFAULT_MASTER_PORT = 9340
DEFAULT_SCHEMA = "objectiflune"
DEFAULT_USER = "root"


def version_tuple(text: str | None) -> tuple[int, ...] | None:
    """ "8.0.36" -> (8, 0, 36); "10.11.6-MariaDB" -> (10, 11, 6); None for None."""
    if not text:
        return None
    parts: list[int] = []
    for piece in text.replace("-", "+").split("+", 1)[0].split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts) or None


@dataclass(frozen=True)
class License:
    edition: str | None  # none | standard | performance-pack | enterprise; None when not given
    expires: dt.date | None
    location: Location  # the node's `license` key (or the node when there is none)
    edition_location: Location | None = None
    expires_location: Location | None = None


@dataclass(frozen=True)
class Node:
    name: str
    role: str  # MASTER | EXTENSION ("slave" is read as EXTENSION)
    address: IPAddress
    location: Location  # the node's `name` key
    locations: Mapping[str, Location]  # key (e.g. "address", "license.edition") -> value location
    hostname: str | None = None
    timezone: str | None = None
    license: License | None = None
    prefs: tuple[PrefsFile, ...] = ()
    settings: Mapping[str, Setting] = field(default_factory=dict)

    @property
    def is_master(self) -> bool:
        return self.role == MASTER

    def loc(self, key: str) -> Location:
        """Where `key` of this node is written, else the node itself."""
        return self.locations.get(key, self.location)

    def setting(self, name: str) -> Setting | None:
        return self.settings.get(name)


@dataclass(frozen=True)
class Database:
    engine: str  # mysql | mariadb
    server_version: tuple[int, ...] | None
    port: int
    schema: str
    user: str
    location: Location  # the `database` key
    locations: Mapping[str, Location]
    node: str | None = None  # the Connect node hosting it ...
    external_address: IPAddress | None = None  # ... or a server outside the cluster
    external_hostname: str | None = None
    option_file: OptionFile | None = None
    grants: Grants | None = None
    running: RunningServer | None = None  # server.json beside the grants or option file

    def loc(self, key: str) -> Location:
        return self.locations.get(key, self.location)


@dataclass(frozen=True)
class Network:
    name: str
    cidr: ipaddress.IPv4Network | ipaddress.IPv6Network
    location: Location


@dataclass(frozen=True)
class Route:
    source: str
    target: str
    ports: frozenset[int] | None  # None: every port
    location: Location

    def allows(self, port: int) -> bool:
        return self.ports is None or port in self.ports


@dataclass(frozen=True)
class Cluster:
    """One cluster.yaml and everything it references.

    `usable` is False when the description itself is broken (OLC001): then only the
    input rules run, since every other rule would reason on a guess.
    """

    name: str
    path: str  # the cluster file, relative to the root
    folder: str  # its folder, relative to the root
    location: Location  # the top of the cluster file
    locations: Mapping[str, Location]
    diagnostics: tuple[Finding, ...] = ()
    usable: bool = False
    connect_version: tuple[int, ...] | None = None
    database: Database | None = None
    nodes: tuple[Node, ...] = ()
    networks: tuple[Network, ...] = ()
    routes: tuple[Route, ...] = ()
    cleanup_duration: dt.timedelta | None = None
    preference_keys: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    def loc(self, key: str) -> Location:
        return self.locations.get(key, self.location)

    def node(self, name: str) -> Node | None:
        for node in self.nodes:
            if node.name == name:
                return node
        return None

    @property
    def master(self) -> Node | None:
        return next((n for n in self.nodes if n.is_master), None)

    @property
    def extensions(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if not n.is_master)

    @property
    def database_node(self) -> Node | None:
        if self.database is None or self.database.node is None:
            return None
        return self.node(self.database.node)
