"""Shared by the input rules (OLC001-OLC006): their findings are born in the readers."""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding
from olclint.model.cluster import Cluster


def reader_findings(cluster: Cluster, rule_id: str) -> Iterator[Finding]:
    """The diagnostics the readers gave for `rule_id`, as they are."""
    return (f for f in cluster.diagnostics if f.rule == rule_id)
