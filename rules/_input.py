"""Shared by the input rules (OLC001-OLC006): their findings are born in the readers."""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding
from olclint.engine.rule import Context


def reader_findings(ctx: Context) -> Iterator[Finding]:
    """The diagnostics the readers gave for this rule, as they are."""
    return (f for f in ctx.cluster.diagnostics if f.rule == ctx.rule_id)
