"""Shared by the rules that read Connect settings: typed look-ups and the "could not
decide" note that a rule gives instead of guessing when a setting it needs is missing."""

from __future__ import annotations

from olclint.core.findings import Finding, Level
from olclint.engine.rule import Context
from olclint.model.cluster import Cluster, Node

CLEANUP_SETTINGS = (
    "cleanup.enabled",
    "cleanup.run_at_startup",
    "cleanup.cron",
    "cleanup.database",
    "cleanup.files",
)


def _typed(node: Node, name: str, kind: type) -> tuple[object | None, str]:
    setting = node.setting(name)
    if setting is None:
        return None, "is not set"
    value = setting.value
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return None, "cannot be read"
    return value, ""


def setting_int(node: Node, name: str) -> tuple[int | None, str]:
    """(value, "") or (None, why it cannot be used: "is not set" / "cannot be read")."""
    return _typed(node, name, int)  # type: ignore[return-value]


def setting_bool(node: Node, name: str) -> tuple[bool | None, str]:
    """(value, "") or (None, why it cannot be used: "is not set" / "cannot be read")."""
    return _typed(node, name, bool)  # type: ignore[return-value]


def undecided(ctx: Context, node: Node, name: str, why: str, what: str) -> Finding:
    """The note a rule gives when a setting it needs is missing on a server."""
    return ctx.finding(
        f"could not check {what}: {name} {why} on {node.name}",
        node.location,
        level=Level.NOTE,
        node=node.name,
        subject=f"{name}@{node.name}",
    )


def cleanup_described(cluster: Cluster) -> bool:
    """Whether any server's clean-up settings were collected at all."""
    return any(n.setting(name) is not None for n in cluster.nodes for name in CLEANUP_SETTINGS)


def cleanup_enabled(ctx: Context, what: str) -> tuple[list[Node], list[Finding]]:
    """The servers whose clean-up service is enabled, and a note for each server where
    `cleanup.enabled` is missing or unreadable."""
    enabled_nodes: list[Node] = []
    notes: list[Finding] = []
    for node in ctx.cluster.nodes:
        enabled, why = setting_bool(node, "cleanup.enabled")
        if enabled is None:
            notes.append(undecided(ctx, node, "cleanup.enabled", why, what))
        elif enabled:
            enabled_nodes.append(node)
    return enabled_nodes, notes
