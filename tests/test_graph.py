import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from oracles import require

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
    assert dot.startswith('digraph cluster {\n  label="g";\n')
    # ids: database n0, network:branch n1, dc n2, dmz n3, server:e1 n4, e2 n5, e3 n6, m n7
    assert '  n4 -> n0 [label="uses_database :3307", color=darkgreen];' in dot
    assert (
        '  n1 -> n2 [label="route 3307", ltail=cluster_0, lhead=cluster_1, color=gray40];'
    ) in dot
    mermaid = to_mermaid(graph)
    assert mermaid.startswith("flowchart LR")
    assert '-->|"route all ports"|' not in mermaid
    assert '"kind": "hosted_on"' in to_json(graph)


def test_networks_are_boxes_holding_their_servers(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    dot = to_dot(graph)
    boxes = [b.split("  }\n")[0] for b in dot.split("  subgraph ")[1:]]
    assert [b.splitlines()[1].strip() for b in boxes] == [
        'label="branch\\n10.1.0.0/24";',
        'label="dc\\n10.0.0.0/24";',
        'label="dmz\\n10.2.0.0/24";',
    ]
    assert '    n4 [shape=box, label="e1\\nextension\\n10.1.0.5"];' in boxes[0]
    assert "    n7 [shape=box" in boxes[1] and "    n0 [shape=cylinder" in boxes[1]
    assert "    n5 [shape=box" in boxes[2]
    # e3 is in no network: outside every box; membership is the box, not an edge
    assert all("n6 [" not in b for b in boxes)
    assert '  n6 [shape=box, label="e3\\nextension\\n172.16.0.9"];' in dot
    assert "member" not in dot
    mermaid = to_mermaid(graph)
    assert [line.strip() for line in mermaid.splitlines() if "subgraph" in line] == [
        'subgraph n1["branch 10.1.0.0/24"]',
        'subgraph n2["dc 10.0.0.0/24"]',
        'subgraph n3["dmz 10.2.0.0/24"]',
    ]
    assert mermaid.count("  end\n") == 3
    assert '  n1 -->|"route 3307"| n2' in mermaid  # routes join the network boxes


def test_marks_make_connections_red(tmp_path: Path) -> None:
    graph = _graph(tmp_path)
    marks = {("server:e1", "database"): ['OLC101 no "route"']}
    dot = to_dot(graph, marks)
    assert (
        '  n4 -> n0 [label="uses_database :3307\\nOLC101 no \\"route\\"", '
        "color=red, fontcolor=red, penwidth=2];"
    ) in dot
    assert dot.count(", color=red") == 1
    mermaid = to_mermaid(graph, marks)
    edges = [line for line in mermaid.splitlines() if "-->" in line or "-.->" in line]
    red = [i for i, line in enumerate(edges) if "OLC101" in line]
    assert red == [
        edges.index('  n4 -->|"uses_database :3307<br/>OLC101 no #quot;route#quot;"| n0')
    ]
    assert mermaid.splitlines()[-1] == f"  linkStyle {red[0]} stroke:#cf222e,stroke-width:3px"


HOSTILE = r"""version: 1
name: 'a"b\c {x} <y> |z| #1'
database: {node: 'm"1'}
networks:
  - {name: 'dc "main" \', cidr: 10.0.0.0/24}
nodes:
  - {name: 'm"1', role: master, address: 10.0.0.1}
  - {name: 'e\"]; evil [label=x \N', role: extension, address: 10.0.0.2}
"""


def test_every_label_is_escaped(tmp_path: Path) -> None:
    graph = _graph(tmp_path, HOSTILE)
    dot = to_dot(graph)
    # ids: database n0, network n1, server:e... n2, server:m"1 n3
    assert dot.startswith('digraph cluster {\n  label="a\\"b\\\\c {x} <y> |z| #1";\n')
    assert '    label="dc \\"main\\" \\\\\\n10.0.0.0/24";' in dot
    assert (
        '    n2 [shape=box, label="e\\\\\\"]; evil [label=x \\\\N\\nextension\\n10.0.0.2"];' in dot
    )
    mermaid = to_mermaid(graph)
    assert '    n3["m#quot;1<br/>master<br/>10.0.0.1"]' in mermaid
    assert '    n2["e\\#quot;#93;; evil #91;label=x \\N<br/>extension<br/>10.0.0.2"]' in mermaid
    assert '  subgraph n1["dc #quot;main#quot; \\ 10.0.0.0/24"]' in mermaid


@pytest.mark.oracle
def test_dot_renders_with_graphviz(tmp_path: Path) -> None:
    import subprocess

    dot_tool = require("dot")
    for name, text in (("plain", CLUSTER), ("hostile", HOSTILE)):
        folder = tmp_path / name
        folder.mkdir()
        graph = _graph(folder, text)
        first = sorted(n for n in graph.nodes if n.startswith("server:"))[0]
        marks = {(first, "database"): ['OLC102 "3306" \\ 3307']}
        done = subprocess.run(
            [dot_tool, "-Tsvg"], input=to_dot(graph, marks), capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == "", done.stderr  # no syntax warning either
        svg = ET.fromstring(done.stdout)
        ns = "{http://www.w3.org/2000/svg}"
        titles = [t.text for t in svg.iter(f"{ns}title")]
        assert len([t for t in titles if t and t.startswith("cluster_")]) == (
            3 if name == "plain" else 1
        )
        texts = [t.text for t in svg.iter(f"{ns}text")]
        assert texts.count('OLC102 "3306" \\ 3307') == 1
        if name == "hostile":
            assert texts[0] == 'a"b\\c {x} <y> |z| #1'  # the graph's own label, at the top
            assert 'e\\"]; evil [label=x \\N' in texts
            assert 'm"1' in texts and 'dc "main" \\' in texts
        else:
            assert sorted(t for t in texts if t in ("m", "e1", "e2", "e3")) == [
                "e1",
                "e2",
                "e3",
                "m",
            ]


def _reach_cases():
    root = Path(__file__).resolve().parent.parent
    files = sorted(
        [*root.glob("examples/**/cluster.yaml"), *root.glob("tests/fixtures/**/cluster.yaml")]
    )
    return [f for f in files if "olc001" not in str(f)]


def test_reach_answers_as_the_graph_on_every_fixture_pair_and_port():
    """`Context.reach` (model/reach.py, no networkx) equals `reaches` on the graph."""
    from olclint.model.reach import Reach

    files = _reach_cases()
    compared = 0
    differ = []
    for path in files:
        cluster = build_cluster(Workspace(path.parent), path)
        if not cluster.usable:
            continue
        graph = build_graph(cluster)
        reach = Reach(cluster)
        ids = [server_id(n.name) for n in cluster.nodes] + [DATABASE, "server:absent"]
        ports = {3306, 3307, 9340, 1} | {p for r in cluster.routes for p in (r.ports or ())}
        for a in ids:
            for b in ids:
                for port in sorted(ports):
                    compared += 1
                    if reaches(graph, a, b, port) != reaches(reach, a, b, port):
                        differ.append((str(path), a, b, port))
    assert differ == []
    assert compared > 1000


def test_reach_on_the_example_graph(tmp_path):
    from olclint.model.reach import Reach

    (tmp_path / "cluster.yaml").write_text(CLUSTER)
    reach = Reach(build_cluster(Workspace(tmp_path), tmp_path / "cluster.yaml"))
    assert [
        reaches(reach, server_id("e1"), DATABASE, 3307),
        reaches(reach, server_id("e1"), DATABASE, 3306),
        reaches(reach, server_id("e2"), DATABASE, 3307),
        reaches(reach, server_id("e2"), server_id("m"), 9340),
        reaches(reach, server_id("e3"), server_id("m"), 9340),
    ] == [True, False, False, True, False]
