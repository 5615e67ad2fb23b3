"""Shared by OLC101 and OLC113: the `bind-address` that serves every Connect server."""

from __future__ import annotations

from olclint.domain.fixes import bind_address_for


def serving_bind_address(cluster, facts) -> str | None:
    """The narrowest `bind-address` accepting every Connect server's connection: each
    server's target address, the database's own address for a server whose store names
    another host (its own fix points it there). None when a server's target is unknown."""
    db = facts.database
    if db is None:
        return None
    addresses = []
    for node in cluster.nodes:
        target = facts.server(node).connection
        if target is None:
            continue
        if target.undecided is not None:
            return None
        if target.wrong_host:
            if db.address is None:
                return None
            addresses.append(db.address)
        elif target.address is None:
            return None
        else:
            addresses.append(target.address)
    return bind_address_for(addresses, db.engine, db.version)
