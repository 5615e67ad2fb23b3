"""The resolved facts of a cluster: every fact computed once, with its location and origin.

`derive(cluster)` is the build step's last stage. It asks the domain once for everything
the rules judge and keeps the answers:

- the database server's effective options and what it listens on (`DatabaseFacts`);
- for every Connect server (`ServerFacts`): where it connects (host, address, port), from
  which address, as which user (`Login`), which account the database picks for that login
  and whether that account holds ALL PRIVILEGES on the schema; its time zone;
- the secrets present in the collected files (`Secret`).

A rule receives these facts in its context and only judges them: it never calls the domain
to work a fact out again. Each fact keeps where it came from as a `Fact` (a value, the
place it is written and its origin: a collected file, cluster.yaml, or a default).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field

from olclint.core.findings import Location
from olclint.core.values import CLUSTER_FILE, DEFAULT, FILE, Fact
from olclint.domain.accounts import Client, Pick, nearest_account, pick_account
from olclint.domain.mysql import ServerOptions
from olclint.domain.privileges import (
    AccessOptions,
    SchemaAccess,
    database_access_options,
    schema_access,
)
from olclint.model.cluster import Cluster, IPAddress, Node
from olclint.model.connections import (
    Target,
    connection_target,
    database_address,
    database_options,
)


@dataclass(frozen=True)
class Login:
    """How one Connect server logs in to the database, and what the server makes of it."""

    user: Fact[str]
    own_user: bool  # the user is set on this server (database.user), not for the cluster
    client: Client
    pick: Pick  # every matching row in the server's order, and the one it uses
    nearest: object | None  # no row matches: the closest account of that user, for a hint
    all_on_schema: Location | None  # a grant giving the login ALL on the schema, else None
    schema: Fact[str]  # the schema it uses: its own store's, else cluster.yaml's
    access: SchemaAccess | None = None  # what the server lets it do there, and why not

    @property
    def account(self):
        return self.pick.account

    @property
    def refused(self) -> str | None:
        """Why the server refuses the login although an account matches, or None."""
        return self.access.refused if self.access is not None else None

    def covering_alternatives(self, schema: str) -> tuple:
        """Rows that match this login after the picked one and would have covered it."""
        return tuple(a for a in self.pick.matching[1:] if a.has_all_on(schema) is not None)


@dataclass(frozen=True)
class ServerFacts:
    """One Connect server as the rules see it."""

    node: Node
    connection: Target | None  # None: no database, or an unreadable database.url
    login: Login | None  # None: no connection or no grants collected
    zone: dt.tzinfo  # its own time zone, else the master's, else UTC


@dataclass(frozen=True)
class DatabaseFacts:
    """The database server: its effective options and who may log in."""

    engine: str
    version: tuple[int, ...] | None
    address: IPAddress | None
    options: ServerOptions
    port: Fact[int]  # the port it listens on
    schema: str
    accounts: tuple = ()  # the accounts of the collected grants, in file order
    grants_collected: bool = False
    grants_read: bool = False  # the collected grants file could be read (not too large...)
    login_users: frozenset[str] = frozenset()  # every user a Connect server logs in as
    running: object | None = None  # the running server (server.json), when collected


@dataclass(frozen=True)
class Secret:
    """A non-empty secret value in a collected file (the value itself is never kept)."""

    node: str
    path: str
    key: str  # the option or property key
    location: Location  # its line
    value_location: Location | None
    kind: str  # "prefs" or "option"
    group: str = ""  # the option group, for option files
    name: str = ""  # the option name as written
    in_url: bool = False  # the password is inside a URL value (`jdbc:...//u:pw@host`)


@dataclass(frozen=True)
class ClusterFacts:
    database: DatabaseFacts | None
    servers: Mapping[str, ServerFacts] = field(default_factory=dict)
    secrets: tuple[Secret, ...] = ()

    def server(self, node: Node | str) -> ServerFacts:
        return self.servers[node if isinstance(node, str) else node.name]


def zone_of(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _login_user(cluster: Cluster, node: Node) -> tuple[Fact[str], bool]:
    """The user a server logs in as, and whether the server sets it itself."""
    setting = node.setting("database.user")
    if setting is not None and setting.value:
        return setting.fact, True
    db = cluster.database
    assert db is not None
    where = db.locations.get("user")
    return Fact(db.user, where, CLUSTER_FILE if where is not None else DEFAULT), False


def _login(
    cluster: Cluster,
    node: Node,
    target: Target,
    options: ServerOptions,
    user: tuple[Fact[str], bool],
    access_options: AccessOptions,
) -> Login | None:
    db = cluster.database
    if db is None or db.grants is None or target.wrong_host or target.undecided is not None:
        return None
    if target.connection is not None and target.connection.foreign_vendor:
        return None  # another product: OLC101 says so
    if target.schema is not None:
        schema = Fact(target.schema, target.schema_location, FILE)
    else:
        where = db.locations.get("schema")
        schema = Fact(db.schema, where, CLUSTER_FILE if where is not None else DEFAULT)
    fact, own = user
    accounts = db.grants.accounts
    client = Client.of(target.source, node.hostname, options.name_resolve)
    pick = pick_account(accounts, fact.value, client, db.engine, db.server_version)
    nearest = None if pick.account else nearest_account(accounts, fact.value, target.source)
    access = schema_access(
        db.grants,
        fact.value,
        client,
        schema.value,
        db.engine,
        db.server_version,
        lower_case_table_names=access_options.lower_case_table_names,
        server_tls=access_options.tls,
        pick=pick,
    )
    return Login(fact, own, client, pick, nearest, access.covering, schema, access)


def _secrets(cluster: Cluster) -> tuple[Secret, ...]:
    found: list[Secret] = []
    for node in cluster.nodes:
        for prefs in node.prefs:
            for prop in prefs.secret_properties():
                found.append(
                    Secret(
                        node.name,
                        prefs.path,
                        prop.key,
                        prop.location,
                        prop.value_location,
                        "prefs",
                        in_url=prop.url_password and not prop.secret,
                    )
                )
    db = cluster.database
    if db is not None and db.option_file is not None:
        for option in db.option_file.secret_options():
            found.append(
                Secret(
                    db.node or "",
                    option.location.path,
                    option.key,
                    option.location,
                    option.value_location,
                    "option",
                    group=option.group,
                    name=option.name,
                )
            )
    return tuple(found)


_DERIVED: dict[int, tuple[weakref.ref, ClusterFacts]] = {}


def derive(cluster: Cluster) -> ClusterFacts:
    """Every fact the rules judge, computed once from a built, usable cluster: a later call
    for the same cluster object (the picture, `--sql`, the graph) gets the same facts while
    the cluster lives. (A cluster checked in a worker process is derived again here.)"""
    key = id(cluster)
    held = _DERIVED.get(key)
    if held is not None and held[0]() is cluster:
        return held[1]
    facts = _derive(cluster)
    _DERIVED[key] = (weakref.ref(cluster, lambda ref, key=key: _forget(key, ref)), facts)
    return facts


def _forget(key: int, ref: weakref.ref) -> None:
    held = _DERIVED.get(key)
    if held is not None and held[0] is ref:
        del _DERIVED[key]


def _derive(cluster: Cluster) -> ClusterFacts:
    db = cluster.database
    options = database_options(cluster)
    database = None
    servers: dict[str, ServerFacts] = {}
    master = cluster.master
    master_zone = zone_of(master.timezone) if master is not None else None
    users: set[str] = set()
    access_options = database_access_options(db) if db is not None else None
    for node in cluster.nodes:
        target = connection_target(cluster, node) if options is not None else None
        login = None
        if db is not None:
            user = _login_user(cluster, node)
            users.add(user[0].value)
            if target is not None and options is not None:
                login = _login(cluster, node, target, options, user, access_options)
        own = zone_of(node.timezone)
        zone = own or master_zone
        servers[node.name] = ServerFacts(node, target, login, zone or dt.timezone.utc)
    if db is not None and options is not None:
        database = DatabaseFacts(
            engine=db.engine,
            version=db.server_version,
            address=database_address(cluster),
            options=options,
            port=options.port.fact,
            schema=db.schema,
            accounts=tuple(db.grants.accounts) if db.grants is not None else (),
            grants_collected=db.grants is not None,
            grants_read=db.grants is not None and db.grants.read,
            login_users=frozenset(users | {db.user}),
            running=db.running,
        )
    return ClusterFacts(database, servers, _secrets(cluster))
