from pathlib import Path

from olclint.model.build import build_cluster
from olclint.model.graph import (
    DATABASE,
    build_graph,
    reaches,
    server_id,
    to_dot,
    to_json,
    to_mermaid,
)
from olclint.readers.workspace import Workspace

CLUSTER = """\
version: 1
name: g
database: {node: m, port: 3307}
networks:
  - {name: dc, cidr: 10.0.0.0/24}
  - {name: branch, cidr: 10.1.0.0/24}
  - {name: dmz, cidr: 10.2.0.0/24}
routes:
  - {from: branch, to: dc, ports: [3307]}
  - {from: dmz, to: dc, ports: [9340]}
nodes:
  - {name: m, role: master, address: 10.0.0.1}
  - {name: e1, role: extension, address: 10.1.0.5}
  - {name: e2, role: slave, address: 10.2.0.5}
  - {name: e3, role: extension, address: 172.16.0.9}
"""


def _graph(tmp_path: Path, text: str = CLUSTER):
    (tmp_path / "cluster.yaml").write_text(text)
    cluster = build_cluster(Workspace(tmp_path), tmp_path / "cluster.yaml")
    assert cluster.usable, cluster.diagnostics
    return build_graph(cluster)


def test_nodes_and_edges(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    assert graph.nodes["database"]["address"] == "10.0.0.1"
    kinds = sorted((a, b, d["kind"]) for a, b, d in graph.edges(data=True))
    assert ("database", "server:m", "hosted_on") in kinds
    assert ("server:e1", "network:branch", "member") in kinds
    assert ("server:e1", "server:m", "uses_master") in kinds
    assert ("server:e2", "database", "uses_database") in kinds
    assert ("network:branch", "network:dc", "route") in kinds
    assert not any(a == "server:e3" and d == "member" for a, _, d in kinds)
    ports = {(a, b): d.get("port") for a, b, d in graph.edges(data=True)}
    assert ports[("server:e1", "database")] == 3307
    assert ports[("server:e1", "server:m")] == 9340


def test_reachability_follows_routes_and_ports(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    assert reaches(graph, server_id("e1"), DATABASE, 3307)
    assert not reaches(graph, server_id("e1"), DATABASE, 3306)
    assert not reaches(graph, server_id("e2"), DATABASE, 3307)
    assert reaches(graph, server_id("e2"), server_id("m"), 9340)
    assert reaches(graph, server_id("m"), DATABASE, 1)  # same network: every port
    assert not reaches(graph, server_id("e3"), DATABASE, 3307)  # in no network


def test_without_networks_everything_reaches(tmp_path: Path) -> None:
    head, _, rest = CLUSTER.partition("networks:\n")
    text = head + "nodes:\n" + rest.partition("nodes:\n")[2]
    graph = _graph(tmp_path, text)
    assert reaches(graph, server_id("e3"), DATABASE, 3307)


def test_exports(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    dot = to_dot(graph)
    assert dot.startswith('digraph "g" {')
    assert '"server:e1" -> "database" [label="uses_database :3307"];' in dot
    assert '"network:branch" -> "network:dc" [label="route 3307"];' in dot
    mermaid = to_mermaid(graph)
    assert mermaid.startswith("flowchart LR")
    assert '-->|"route all ports"|' not in mermaid
    assert '"kind": "hosted_on"' in to_json(graph)
