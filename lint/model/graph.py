"""The node graph of a cluster (networkx): servers, the database, networks, and what connects.

Nodes:
- `server:<name>`: a Connect server (kind "server", role, address)
- `database`: the database server (kind "database", hosted on a node or external)
- `network:<name>`: a declared network (kind "network", cidr)

Edges (a `MultiDiGraph`, every edge has a `kind`):
- server/database -> network, kind "member": its address lies in that network
- network -> network, kind "route", with `ports` (None: all) and the route's location
- database -> server, kind "hosted_on": the database runs on that Connect node
- server -> database, kind "uses_database", with `port`: every server connects to it
- server -> server, kind "uses_master", with `port`: an extension connects to the master

Reachability (`reaches`) follows member and route edges: with no networks declared,
everything reaches everything.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from olclint.model.cluster import DEFAULT_MASTER_PORT, Cluster, IPAddress

if TYPE_CHECKING:
    from olclint.model.facts import ClusterFacts

DATABASE = "database"


def server_id(name: str) -> str:
    return f"server:{name}"


def network_id(name: str) -> str:
    return f"network:{name}"


def _setting_value(node: Any, name: str) -> Any:
    setting = node.setting(name)
    return None if setting is None else setting.value


def build_graph(cluster: Cluster, facts: ClusterFacts | None = None) -> nx.MultiDiGraph:
    """The graph of a cluster, from its facts (derived here when not given)."""
    if facts is None and cluster.usable:
        from olclint.model.facts import derive

        facts = derive(cluster)
    graph = nx.MultiDiGraph(cluster=cluster.name)
    for network in cluster.networks:
        graph.add_node(network_id(network.name), kind="network", cidr=str(network.cidr))
    for node in cluster.nodes:
        sid = server_id(node.name)
        graph.add_node(sid, kind="server", role=node.role, address=str(node.address))
        _join_networks(graph, sid, node.address, cluster)
    db = cluster.database
    if db is not None:
        address = db.external_address
        if db.node is not None and cluster.node(db.node) is not None:
            address = cluster.node(db.node).address
        graph.add_node(
            DATABASE,
            kind="database",
            engine=db.engine,
            port=db.port,
            address=str(address) if address is not None else None,
            node=db.node,
        )
        if db.node is not None and cluster.node(db.node) is not None:
            graph.add_edge(DATABASE, server_id(db.node), kind="hosted_on")
        elif address is not None:
            _join_networks(graph, DATABASE, address, cluster)
        for node in cluster.nodes:
            target = facts.server(node).connection if facts is not None else None
            port = target.port if target is not None else db.port
            graph.add_edge(server_id(node.name), DATABASE, kind="uses_database", port=port)
    for route in cluster.routes:
        graph.add_edge(
            network_id(route.source),
            network_id(route.target),
            kind="route",
            ports=sorted(route.ports) if route.ports is not None else None,
            line=route.location.line,
        )
    master = cluster.master
    if master is not None:
        for node in cluster.extensions:
            location = _setting_value(node, "master.location")
            port = getattr(location, "port", None) or DEFAULT_MASTER_PORT
            graph.add_edge(
                server_id(node.name), server_id(master.name), kind="uses_master", port=port
            )
    return graph


def _join_networks(graph: nx.MultiDiGraph, nid: str, address: IPAddress, cluster: Cluster) -> None:
    for network in cluster.networks:
        if address.version == network.cidr.version and address in network.cidr:
            graph.add_edge(nid, network_id(network.name), kind="member")


def networks_of(graph: nx.MultiDiGraph, nid: str) -> list[str]:
    """The networks a server or the database is in (the host's, for a hosted database)."""
    if nid == DATABASE:
        for _, host, data in graph.out_edges(nid, data=True):
            if data["kind"] == "hosted_on":
                nid = host
    return [t for _, t, d in graph.out_edges(nid, data=True) if d["kind"] == "member"]


def reaches(graph: nx.MultiDiGraph, source: str, target: str, port: int) -> bool:
    """Can `source` open a TCP connection to `target` on `port`, following declared routes?

    The networks each network reaches on a port are computed once per graph and port (the
    graph is complete when rules ask), so asking for every server stays linear.
    """
    closure = _reachable_networks(graph, port)
    if closure is None:
        return True
    sources = networks_of(graph, source)
    targets = set(networks_of(graph, target))
    if not sources or not targets:
        return False
    return any(targets & closure[start] for start in sources)


_REACHABILITY: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)


def _reachable_networks(graph: nx.MultiDiGraph, port: int) -> dict[str, set[str]] | None:
    """network -> the networks it reaches on `port` (itself included); None: no networks."""
    cache = _REACHABILITY.get(graph)
    if cache is None:
        networks = [n for n, d in graph.nodes(data=True) if d.get("kind") == "network"]
        routes = [(a, b, d["ports"]) for a, b, d in graph.edges(data=True) if d["kind"] == "route"]
        cache = {"networks": networks, "routes": routes, "ports": {}}
        _REACHABILITY[graph] = cache
    if not cache["networks"]:
        return None
    closure = cache["ports"].get(port)
    if closure is None:
        allowed = nx.DiGraph()
        allowed.add_nodes_from(cache["networks"])
        for a, b, ports in cache["routes"]:
            if ports is None or port in ports:
                allowed.add_edge(a, b)
        closure = {start: {start} | nx.descendants(allowed, start) for start in allowed}
        cache["ports"][port] = closure
    return closure


def to_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=2, sort_keys=True, default=str)


def _label(node: str, data: dict[str, Any]) -> str:
    extra = data.get("address") or data.get("cidr") or ""
    role = data.get("role") or data.get("engine") or ""
    parts = [node.split(":", 1)[-1], *(p for p in (role, extra) if p)]
    return "\\n".join(parts)


def _edge_label(data: dict[str, Any]) -> str:
    kind = data["kind"]
    if data.get("port"):
        return f"{kind} :{data['port']}"
    if kind == "route":
        ports = data.get("ports")
        return "route " + ("all ports" if ports is None else ",".join(map(str, ports)))
    return kind


def to_dot(graph: nx.MultiDiGraph) -> str:
    shapes = {"server": "box", "database": "cylinder", "network": "ellipse"}
    lines = [f'digraph "{graph.graph.get("cluster", "cluster")}" {{', "  rankdir=LR;"]
    for node, data in sorted(graph.nodes(data=True)):
        shape = shapes.get(data.get("kind"), "box")
        lines.append(f'  "{node}" [shape={shape}, label="{_label(node, data)}"];')
    for a, b, data in _sorted_edges(graph.edges(data=True)):
        lines.append(f'  "{a}" -> "{b}" [label="{_edge_label(data)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.MultiDiGraph) -> str:
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
    lines = ["flowchart LR"]
    for node, data in sorted(graph.nodes(data=True)):
        label = _label(node, data).replace("\\n", "<br/>")
        kind = data.get("kind")
        shape = (
            ("[(", ")]")
            if kind == "database"
            else (("([", "])") if kind == "network" else ("[", "]"))
        )
        lines.append(f'  {ids[node]}{shape[0]}"{label}"{shape[1]}')
    for a, b, data in _sorted_edges(graph.edges(data=True)):
        lines.append(f'  {ids[a]} -->|"{_edge_label(data)}"| {ids[b]}')
    return "\n".join(lines) + "\n"


def _sorted_edges(edges: Iterable[tuple[str, str, dict[str, Any]]]) -> list:
    return sorted(edges, key=lambda e: (e[0], e[1], e[2]["kind"]))
