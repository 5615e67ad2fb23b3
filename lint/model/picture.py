"""The picture of a cluster: a plain view-model that the HTML and SVG reporters draw.

`picture(cluster, findings, today)` turns the model and the kept findings of one cluster
into values that need no knowledge of MySQL or Connect to draw:

- `servers`: one per Connect server, with its network, licence and engine counts;
- `networks`: the declared networks in declaration order, each with its servers (a server
  whose address lies in several networks is drawn in the first); servers outside every
  network go to a group with an empty name;
- `database`: where it runs (its host server, or an external address and network);
- `connections`: one per server-to-database and extension-to-master connection, with the
  findings of OLC101/OLC102/OLC110 (database) and OLC103 (master) that break it. A finding
  of those rules without a server (the database does not start, it listens on another port)
  breaks every database connection;
- `routes`: between networks, with their ports;
- `timeline`: the clean-up runs of the day to show (`None` when no server has a schedule).

The timeline day is the UTC day of the first instant when every server's clean-up runs at
once (what OLC402 reports), else the UTC day of `today`. Runs are busy intervals in seconds
of that day, UTC, clipped to the day; `overlaps` are the parts where two or more servers are
busy, `all_busy` the parts where every server with a schedule is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from olclint.core.findings import Finding
from olclint.core.ids import (
    DATABASE_NOT_REACHABLE,
    DATABASE_PORT_MISMATCH,
    GRANT_NOT_COVERING,
    MASTER_NOT_REACHABLE,
)
from olclint.model.cluster import Cluster, Node
from olclint.model.facts import ClusterFacts, derive

DATABASE_RULES = (DATABASE_NOT_REACHABLE, DATABASE_PORT_MISMATCH, GRANT_NOT_COVERING)
MASTER_RULES = (MASTER_NOT_REACHABLE,)
CONNECTION_RULES = DATABASE_RULES + MASTER_RULES
DEFAULT_DURATION = dt.timedelta(minutes=30)
DAY = 86400


@dataclass(frozen=True)
class Problem:
    rule: str
    reason: str  # one line
    message: str  # the finding's whole message


@dataclass(frozen=True)
class ServerView:
    name: str
    role: str  # "master" | "extension"
    address: str
    network: str  # "" when in no declared network
    licence: str  # e.g. "performance-pack until 2027-06-30", "no licence"
    engines: str  # local engines, e.g. "merge 2 · weaver 1", "" when unknown
    expects: str  # the master's expected remote engines, e.g. "merge 4 · weaver 2"
    hosts_database: bool
    zone: str
    broken: bool  # some connection of this server is broken


@dataclass(frozen=True)
class NetworkView:
    name: str  # "" for the servers in no declared network
    cidr: str
    servers: tuple[str, ...]
    database: bool = False  # the external database is drawn in this network


@dataclass(frozen=True)
class DatabaseView:
    engine: str
    port: int
    host: str | None  # the server it runs on, or None when external
    address: str
    network: str


@dataclass(frozen=True)
class ConnectionView:
    source: str  # a server name
    target: str  # "database" or the master's name
    kind: str  # "database" | "master"
    port: int
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class RouteView:
    source: str
    target: str
    ports: str  # "3306, 9340" or "all ports"


@dataclass(frozen=True)
class TimelineRow:
    server: str
    zone: str
    utc_offset: str  # "UTC+02:00" on the day shown (at its start)
    runs: tuple[tuple[int, int], ...]  # [start, end) seconds of the day, UTC
    local_starts: tuple[str, ...]  # each run's start in the server's time, "02:00"
    cleans_database: bool


@dataclass(frozen=True)
class TimelineView:
    day: dt.date
    why: str
    rows: tuple[TimelineRow, ...]
    overlaps: tuple[tuple[int, int], ...]
    all_busy: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Picture:
    cluster: str
    servers: tuple[ServerView, ...]
    networks: tuple[NetworkView, ...]
    database: DatabaseView | None
    connections: tuple[ConnectionView, ...]
    routes: tuple[RouteView, ...]
    timeline: TimelineView | None

    def server(self, name: str) -> ServerView | None:
        return next((s for s in self.servers if s.name == name), None)


def one_line(message: str, server: str = "", limit: int = 90) -> str:
    """The first clause of a message, on one line, at most `limit` characters, without the
    leading "server (address)" that the picture already shows."""
    text = " ".join(message.split(";")[0].split())
    if server and text.startswith(server):
        rest = text[len(server) :].lstrip()
        if rest.startswith("("):
            rest = rest.partition(")")[2].lstrip()
        text = rest.lstrip(":").lstrip() or text
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _value(node: Node, name: str) -> object | None:
    setting = node.setting(name)
    return None if setting is None else setting.value


def _int(node: Node, name: str) -> int | None:
    value = _value(node, name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _licence(node: Node) -> str:
    lic = node.license
    if lic is None or lic.edition in (None, "none"):
        return "no licence"
    return lic.edition + (f" until {lic.expires.isoformat()}" if lic.expires else "")


def _engines(node: Node, merge: str, weaver: str) -> str:
    parts = []
    for label, name in (("merge", merge), ("weaver", weaver)):
        value = _int(node, name)
        if value is not None:
            parts.append(f"{label} {value}")
    return " · ".join(parts)


def _network_of(cluster: Cluster, address) -> str:
    for network in cluster.networks:
        if (
            address is not None
            and address.version == network.cidr.version
            and address in network.cidr
        ):
            return network.name
    return ""


def connections(cluster: Cluster, findings: Iterable[Finding]) -> tuple[ConnectionView, ...]:
    """Every server-to-database and extension-to-master connection, with what breaks it."""
    from olclint.model.cluster import DEFAULT_MASTER_PORT

    mine = [f for f in findings if f.rule in CONNECTION_RULES and f.cluster == cluster.name]

    def problems(node: str, rules: tuple[str, ...], everyone: bool) -> tuple[Problem, ...]:
        return tuple(
            Problem(f.rule, one_line(f.message, node), f.message)
            for f in sorted(mine, key=Finding.sort_key)
            if f.rule in rules and (f.node == node or (everyone and not f.node))
        )

    out: list[ConnectionView] = []
    db = cluster.database
    if db is not None:
        for node in cluster.nodes:
            url = _value(node, "database.url")
            port = getattr(url, "port", None) or db.port
            out.append(
                ConnectionView(
                    node.name,
                    "database",
                    "database",
                    port,
                    problems(node.name, DATABASE_RULES, True),
                )
            )
    master = cluster.master
    if master is not None:
        for node in cluster.extensions:
            location = _value(node, "master.location")
            port = getattr(location, "port", None) or DEFAULT_MASTER_PORT
            out.append(
                ConnectionView(
                    node.name, master.name, "master", port, problems(node.name, MASTER_RULES, False)
                )
            )
    return tuple(out)


def edge_marks(conns: Iterable[ConnectionView]) -> dict[tuple[str, str], list[str]]:
    """(source id, target id) of the graph -> "RULE reason" of each broken connection, for
    `olclint.model.graph.to_dot` and `to_mermaid`."""
    from olclint.model.graph import DATABASE, server_id

    marks: dict[tuple[str, str], list[str]] = {}
    for conn in conns:
        if conn.problems:
            target = DATABASE if conn.kind == "database" else server_id(conn.target)
            marks[(server_id(conn.source), target)] = [
                f"{p.rule} {p.reason}" for p in conn.problems
            ]
    return marks


def picture(
    cluster: Cluster,
    findings: Iterable[Finding],
    today: dt.date,
    facts: ClusterFacts | None = None,
) -> Picture:
    """The picture of a usable cluster; its facts are derived when not given."""
    facts = facts if facts is not None else derive(cluster)
    findings = list(findings)
    conns = connections(cluster, findings)
    broken = {c.source for c in conns if not c.ok}
    db = cluster.database
    servers = tuple(
        ServerView(
            name=node.name,
            role="master" if node.is_master else "extension",
            address=str(node.address),
            network=_network_of(cluster, node.address),
            licence=_licence(node),
            engines=_engines(node, "merge.local_engines", "weaver.local_engines"),
            expects=_engines(
                node, "merge.expected_remote_engines", "weaver.expected_remote_engines"
            )
            if node.is_master
            else "",
            hosts_database=db is not None and db.node == node.name,
            zone=getattr(facts.server(node).zone, "key", None) or "UTC",
            broken=node.name in broken,
        )
        for node in cluster.nodes
    )
    database = None
    if db is not None:
        host = cluster.database_node
        address = host.address if host is not None else db.external_address
        database = DatabaseView(
            engine=db.engine,
            port=db.port,
            host=host.name if host is not None else None,
            address=str(address) if address is not None else (db.external_hostname or "?"),
            network=_network_of(cluster, address),
        )
    external_net = database.network if database is not None and database.host is None else None
    order = sorted(servers, key=lambda s: (s.role != "master", not s.hosts_database))
    networks = []
    for name, cidr in [(n.name, str(n.cidr)) for n in cluster.networks] + [("", "")]:
        members = tuple(s.name for s in order if s.network == name)
        holds_db = external_net == name
        if members or holds_db or (name and cluster.networks):
            networks.append(NetworkView(name, cidr, members, holds_db))
    routes = tuple(
        RouteView(
            r.source,
            r.target,
            "all ports" if r.ports is None else ", ".join(map(str, sorted(r.ports))),
        )
        for r in cluster.routes
    )
    return Picture(
        cluster.name,
        servers,
        tuple(networks),
        database,
        conns,
        routes,
        timeline(cluster, facts, today),
    )


def timeline(cluster: Cluster, facts: ClusterFacts, today: dt.date) -> TimelineView | None:
    """The clean-up runs of the day to show, or None when no server has a readable schedule."""
    from olclint.domain.quartz import CronExpr
    from olclint.domain.schedule import NodeSchedule, busy_intervals, first_common_busy

    scheduled: list[tuple[Node, NodeSchedule]] = []
    for node in cluster.nodes:
        if _value(node, "cleanup.enabled") is False:
            continue
        cron = _value(node, "cleanup.cron")
        if not isinstance(cron, CronExpr):
            continue
        scheduled.append((node, NodeSchedule(node.name, cron, facts.server(node).zone)))
    if not scheduled:
        return None
    duration = cluster.cleanup_duration or DEFAULT_DURATION
    found = first_common_busy([s for _, s in scheduled], duration, today)
    if found is not None:
        day = found.instant.date()
        why = f"{day.isoformat()}, the first day every server's clean-up runs at once"
    else:
        day = today
        why = f"{day.isoformat()}, a typical day: the runs never all overlap"
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()
    seconds = duration.total_seconds()
    rows = []
    busy_lists = []
    for node, sched in scheduled:
        busy = busy_intervals(
            sched.cron,
            sched.zone,
            seconds,
            day - dt.timedelta(days=int(seconds // DAY) + 2),
            day + dt.timedelta(days=1),
        )
        clipped = [
            (max(0, int(a - start)), min(DAY, int(b - start)))
            for a, b in busy
            if b > start and a < start + DAY
        ]
        busy_lists.append(clipped)
        local = tuple(
            dt.datetime.fromtimestamp(start + a, sched.zone).strftime("%H:%M") for a, _ in clipped
        )
        offset = dt.datetime.fromtimestamp(start, sched.zone).strftime("%z")
        rows.append(
            TimelineRow(
                node.name,
                getattr(sched.zone, "key", None) or "UTC",
                f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC",
                tuple(clipped),
                local,
                _value(node, "cleanup.database") is True,
            )
        )
    return TimelineView(
        day, why, tuple(rows), tuple(_covered(busy_lists, 2)), tuple(_covered(busy_lists, 0))
    )


def _covered(lists: list[list[tuple[int, int]]], least: int) -> list[tuple[int, int]]:
    """Where at least `least` of the interval lists are busy (0: all of them)."""
    need = least or len(lists)
    if need < 2 or len(lists) < need:
        return []
    events = sorted(
        [(a, 1) for lst in lists for a, _ in lst] + [(b, -1) for lst in lists for _, b in lst]
    )
    out: list[tuple[int, int]] = []
    count = 0
    opened = None
    for t, step in sorted(events, key=lambda e: (e[0], e[1])):
        count += step
        if count >= need and opened is None:
            opened = t
        elif count < need and opened is not None:
            if t > opened:
                out.append((opened, t))
            opened = None
    return out
