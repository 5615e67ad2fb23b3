"""Clusters built in a few lines, for calling rules directly.

    c = cluster(
        master("master01", "192.168.10.10", prefs="cleanup.enabled=true"),
        extension("ext01", "192.168.10.21"),
        my_ini="[mysqld]\\nbind-address=127.0.0.1\\n",
        grants="GRANT ALL PRIVILEGES ON *.* TO 'root'@'%';",
    )
    assert findings(olc101, c) == [...]

Nodes take their settings as the text of one `.prefs` file (`<name>/settings/test.prefs`,
so findings have real lines); the database's option file and grants are texts read by
the real readers (`db/my.ini`, `db/grants.sql`). `findings` derives the facts, builds the
graph and calls the rule's `check` with a context, as the runner does.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from types import ModuleType

from olclint.core.findings import Finding, Location
from olclint.domain.connect import resolve_settings
from olclint.engine.rule import Context, Rule
from olclint.model.cluster import EXTENSION, MASTER, Cluster, Database, License, Network, Node
from olclint.model.cluster import Route as ClusterRoute
from olclint.model.facts import derive
from olclint.model.graph import build_graph
from olclint.readers.grants import parse_grants_text
from olclint.readers.optionfile import parse_option_text
from olclint.readers.prefs import parse_prefs_text

TODAY = dt.date(2026, 12, 1)
CLUSTER_FILE = "cluster.yaml"


def _node(
    name: str,
    role: str,
    address: str,
    *,
    prefs: str | None = None,
    hostname: str | None = None,
    timezone: str | None = None,
    edition: str | None = "enterprise",
    expires: dt.date | None = None,
    line: int = 1,
) -> Node:
    where = Location(CLUSTER_FILE, line, 5)
    files = (parse_prefs_text(prefs, f"{name}/settings/test.prefs"),) if prefs is not None else ()
    settings, _ = resolve_settings(files, {}, {})
    lic = (
        License(edition, expires, Location(CLUSTER_FILE, line + 3, 5))
        if edition is not None or expires is not None
        else None
    )
    return Node(
        name,
        role,
        ipaddress.ip_address(address),
        where,
        {"address": Location(CLUSTER_FILE, line + 2, 14)},
        hostname=hostname,
        timezone=timezone,
        license=lic,
        prefs=files,
        settings=settings,
    )


def master(name: str = "master01", address: str = "192.168.10.10", **kw) -> Node:
    return _node(name, MASTER, address, **kw)


def extension(name: str = "ext01", address: str = "192.168.10.21", **kw) -> Node:
    return _node(name, EXTENSION, address, line=kw.pop("line", 10), **kw)


def cluster(
    *nodes: Node,
    engine: str = "mariadb",
    version: tuple[int, ...] | None = (10, 11, 6),
    db_node: str | None = "master01",
    external: str | None = None,
    port: int = 3306,
    schema: str = "objectiflune",
    user: str = "root",
    my_ini: str | None = None,
    grants: str | None = None,
    networks: dict[str, str] | None = None,
    routes: tuple[tuple[str, str, frozenset[int] | None], ...] = (),
    connect_version: tuple[int, ...] | None = None,
    cleanup_duration: dt.timedelta | None = None,
) -> Cluster:
    """A usable cluster of `nodes` (default: master01 and ext01) and its database."""
    nodes = nodes or (master(), extension())
    database = Database(
        engine=engine,
        server_version=version,
        port=port,
        schema=schema,
        user=user,
        location=Location(CLUSTER_FILE, 30, 1),
        locations={
            "node": Location(CLUSTER_FILE, 31, 9),
            "port": Location(CLUSTER_FILE, 32, 9),
            "option_file": Location(CLUSTER_FILE, 33, 16),
            "grants": Location(CLUSTER_FILE, 34, 11),
        },
        node=None if external else db_node,
        external_address=ipaddress.ip_address(external) if external else None,
        option_file=parse_option_text(my_ini, "db/my.ini") if my_ini is not None else None,
        grants=parse_grants_text(grants, "db/grants.sql") if grants is not None else None,
    )
    nets = tuple(
        Network(name, ipaddress.ip_network(cidr), Location(CLUSTER_FILE, 40 + i, 5))
        for i, (name, cidr) in enumerate((networks or {}).items())
    )
    return Cluster(
        "test",
        CLUSTER_FILE,
        ".",
        Location(CLUSTER_FILE),
        {"routes": Location(CLUSTER_FILE, 50, 1)},
        usable=True,
        connect_version=connect_version,
        database=database,
        nodes=nodes,
        networks=nets,
        routes=tuple(
            ClusterRoute(a, b, ports, Location(CLUSTER_FILE, 51 + i, 5))
            for i, (a, b, ports) in enumerate(routes)
        ),
        cleanup_duration=cleanup_duration,
    )


def context(module: ModuleType, built: Cluster, today: dt.date = TODAY) -> Context:
    rule = Rule.from_module(module)
    facts = derive(built) if built.usable else None
    graph = build_graph(built, facts) if built.usable else None
    return Context(rule.id, rule.level, built, facts, graph, today)


def findings(module: ModuleType, built: Cluster, today: dt.date = TODAY) -> list[Finding]:
    """What the rule of `module` reports on `built`, in the order it reports it."""
    return list(module.check(context(module, built, today)))


def messages(module: ModuleType, built: Cluster, today: dt.date = TODAY) -> list[str]:
    return [f.message for f in findings(module, built, today)]
