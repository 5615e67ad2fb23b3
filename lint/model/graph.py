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
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from olclint.model.cluster import DEFAULT_MASTER_PORT, Cluster, IPAddress
from olclint.model.reach import Reach

if TYPE_CHECKING:
    import networkx as nx

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
    import networkx as nx  # here: a check run answers reachability without it (model/reach.py)

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


def reaches(graph: nx.MultiDiGraph | Reach, source: str, target: str, port: int) -> bool:
    """Can `source` open a TCP connection to `target` on `port`, following declared routes?

    The networks each network reaches on a port are computed once per graph and port (the
    graph is complete when rules ask), so asking for every server stays linear. Given a
    `Reach` (what `Context.reach` is during a check), it answers the same without networkx.
    """
    if isinstance(graph, Reach):
        return graph.reaches(source, target, port)
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
        import networkx as nx

        allowed = nx.DiGraph()
        allowed.add_nodes_from(cache["networks"])
        for a, b, ports in cache["routes"]:
            if ports is None or port in ports:
                allowed.add_edge(a, b)
        closure = {start: {start} | nx.descendants(allowed, start) for start in allowed}
        cache["ports"][port] = closure
    return closure


def to_json(graph: nx.MultiDiGraph) -> str:
    import networkx as nx

    data = nx.node_link_data(graph, edges="edges")
    return json.dumps(data, indent=2, sort_keys=True, default=str)


Marks = Mapping[tuple[str, str], Sequence[str]]


def _label_parts(node: str, data: dict[str, Any]) -> list[str]:
    extra = data.get("address") or data.get("cidr") or ""
    role = data.get("role") or data.get("engine") or ""
    return [node.split(":", 1)[-1], *(p for p in (role, extra) if p)]


def _edge_label(data: dict[str, Any]) -> str:
    kind = data["kind"]
    if data.get("port"):
        return f"{kind} :{data['port']}"
    if kind == "route":
        ports = data.get("ports")
        return "route " + ("all ports" if ports is None else ",".join(map(str, ports)))
    return kind


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain(text: object) -> str:
    """Control characters (newlines included) of a name as U+FFFD: a label is one line."""
    return _CONTROL.sub("\ufffd", str(text))


def _dot_label(parts: Iterable[str]) -> str:
    """A DOT label (an escString: backslash escapes its backslashes and quotes): each part
    escaped, joined by DOT's line break. Node ids are never names (`n0`, `n1`, ...): in a
    DOT id a backslash cannot be escaped."""
    escaped = (_plain(p).replace("\\", "\\\\").replace('"', '\\"') for p in parts)
    return '"' + "\\n".join(escaped) + '"'


def mermaid_text(text: object) -> str:
    """Text for a quoted Mermaid label: its markup characters as entity codes."""
    out = _plain(text).replace("#", "#35;")
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        out = out.replace(char, code)
    for char in "[]{}()`":
        out = out.replace(char, f"#{ord(char)};")
    return out


def _groups(graph: nx.MultiDiGraph) -> tuple[list[str], dict[str, str]]:
    """The networks in name order, and the network drawn around each server or external
    database (its first network; a hosted database goes with its host)."""
    networks = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "network")
    home: dict[str, str] = {}
    for node, data in graph.nodes(data=True):
        if data.get("kind") in ("server", "database"):
            member = sorted(networks_of(graph, node))
            if member:
                home[node] = member[0]
    return networks, home


def to_dot(graph: nx.MultiDiGraph, marks: Marks | None = None) -> str:
    """The graph in DOT: networks as `cluster_*` boxes holding their servers, routes
    between the boxes, and each connection red with the rule ids of `marks`
    ((source id, target id) -> ["OLC101 reason", ...])."""
    marks = marks or {}
    shapes = {"server": "box", "database": "cylinder"}
    networks, home = _groups(graph)
    lines = [
        "digraph cluster {",
        f"  label={_dot_label([graph.graph.get('cluster', 'cluster')])};",
        "  labelloc=t;",
        "  rankdir=LR;",
        "  compound=true;",
        '  node [fontname="DejaVu Sans"]; edge [fontname="DejaVu Sans"];',
    ]

    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}

    def node_line(node: str, data: dict[str, Any], indent: str) -> str:
        shape = shapes.get(data.get("kind"), "box")
        label = _dot_label(_label_parts(node, data))
        return f"{indent}{ids[node]} [shape={shape}, label={label}];"

    for index, net in enumerate(networks):
        data = graph.nodes[net]
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_dot_label(_label_parts(net, data))};")
        lines.append("    style=dashed;")
        lines.append(f"    {ids[net]} [shape=point, style=invis];")
        for node, d in sorted(graph.nodes(data=True)):
            if home.get(node) == net:
                lines.append(node_line(node, d, "    "))
        lines.append("  }")
    cluster_of = {net: f"cluster_{i}" for i, net in enumerate(networks)}
    for node, data in sorted(graph.nodes(data=True)):
        if data.get("kind") != "network" and node not in home:
            lines.append(node_line(node, data, "  "))
    for a, b, data in _sorted_edges(graph.edges(data=True)):
        kind = data["kind"]
        if kind == "member":
            continue  # drawn as the network box
        attrs = [f"label={_dot_label([_edge_label(data)])}"]
        if kind == "route":
            attrs += [f"ltail={cluster_of[a]}", f"lhead={cluster_of[b]}", "color=gray40"]
        elif kind == "hosted_on":
            attrs.append("style=dashed")
        else:
            problems = marks.get((a, b), ())
            if problems:
                label = [_edge_label(data), *problems]
                attrs = [f"label={_dot_label(label)}", "color=red", "fontcolor=red", "penwidth=2"]
            else:
                attrs.append("color=darkgreen")
        lines.append(f"  {ids[a]} -> {ids[b]} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_mermaid(graph: nx.MultiDiGraph, marks: Marks | None = None) -> str:
    """The graph as a Mermaid flowchart: networks as subgraphs, broken connections red
    with the rule ids of `marks` (as for `to_dot`)."""
    marks = marks or {}
    networks, home = _groups(graph)
    ids = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
    lines = ["flowchart LR"]

    def node_line(node: str, data: dict[str, Any], indent: str) -> str:
        label = "<br/>".join(mermaid_text(p) for p in _label_parts(node, data))
        kind = data.get("kind")
        shape = ("[(", ")]") if kind == "database" else ("[", "]")
        return f'{indent}{ids[node]}{shape[0]}"{label}"{shape[1]}'

    for net in networks:
        label = " ".join(mermaid_text(p) for p in _label_parts(net, graph.nodes[net]))
        lines.append(f'  subgraph {ids[net]}["{label}"]')
        for node, data in sorted(graph.nodes(data=True)):
            if home.get(node) == net:
                lines.append(node_line(node, data, "    "))
        lines.append("  end")
    for node, data in sorted(graph.nodes(data=True)):
        if data.get("kind") != "network" and node not in home:
            lines.append(node_line(node, data, "  "))
    red: list[int] = []
    count = 0
    for a, b, data in _sorted_edges(graph.edges(data=True)):
        if data["kind"] == "member":
            continue
        problems = marks.get((a, b), ()) if data["kind"] in ("uses_database", "uses_master") else ()
        label = "<br/>".join(mermaid_text(p) for p in [_edge_label(data), *problems])
        arrow = "-.->" if data["kind"] == "hosted_on" else "-->"
        lines.append(f'  {ids[a]} {arrow}|"{label}"| {ids[b]}')
        if problems:
            red.append(count)
        count += 1
    if red:
        lines.append(f"  linkStyle {','.join(map(str, red))} stroke:#cf222e,stroke-width:3px")
    return "\n".join(lines) + "\n"


def _sorted_edges(edges: Iterable[tuple[str, str, dict[str, Any]]]) -> list:
    return sorted(edges, key=lambda e: (e[0], e[1], e[2]["kind"]))
