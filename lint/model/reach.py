"""Reachability of a cluster without building its graph: which networks each server and the
database are in, and which networks each network reaches on a port through the declared
routes. It answers `reaches` exactly as `olclint.model.graph.reaches` answers it on the
networkx graph (tests/test_graph.py compares both on every pair and port), so a check run,
which only asks that question, never imports networkx."""

from __future__ import annotations

from olclint.model.cluster import Cluster

DATABASE = "database"


class Reach:
    """Member and route edges of the cluster's graph, as plain sets."""

    def __init__(self, cluster: Cluster) -> None:
        self.networks = [f"network:{n.name}" for n in cluster.networks]
        self.routes = [
            (
                f"network:{r.source}",
                f"network:{r.target}",
                None if r.ports is None else frozenset(r.ports),
            )
            for r in cluster.routes
        ]
        self.members: dict[str, list[str]] = {}
        for node in cluster.nodes:
            # nodes of the same name are one graph node: their memberships add up
            self.members.setdefault(f"server:{node.name}", []).extend(
                self._join(node.address, cluster)
            )
        db = cluster.database
        if db is not None:
            if db.node is not None and cluster.node(db.node) is not None:
                self.members[DATABASE] = self.members[f"server:{db.node}"]
            elif db.external_address is not None:
                self.members[DATABASE] = self._join(db.external_address, cluster)
            else:
                self.members[DATABASE] = []
        self._closures: dict[int, dict[str, set[str]]] = {}

    @staticmethod
    def _join(address, cluster: Cluster) -> list[str]:
        return [
            f"network:{n.name}"
            for n in cluster.networks
            if address.version == n.cidr.version and address in n.cidr
        ]

    def _closure(self, port: int) -> dict[str, set[str]]:
        closure = self._closures.get(port)
        if closure is None:
            nodes = set(self.networks)
            out: dict[str, set[str]] = {n: set() for n in self.networks}
            for a, b, ports in self.routes:
                if ports is None or port in ports:
                    out.setdefault(a, set()).add(b)
                    out.setdefault(b, set())
                    nodes.update((a, b))
            closure = {}
            for start in nodes:
                seen = {start}
                todo = [start]
                while todo:
                    for nxt in out[todo.pop()]:
                        if nxt not in seen:
                            seen.add(nxt)
                            todo.append(nxt)
                closure[start] = seen
            self._closures[port] = closure
        return closure

    def reaches(self, source: str, target: str, port: int) -> bool:
        if not self.networks:
            return True
        sources = self.members.get(source, [])
        targets = set(self.members.get(target, []))
        if not sources or not targets:
            return False
        closure = self._closure(port)
        return any(targets & closure[start] for start in sources)
