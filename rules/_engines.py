"""Shared by OLC201 and OLC202: the master's expected remote engines against the sum of
the extensions' local engines."""

from __future__ import annotations

from collections.abc import Iterator

from olclint.core.findings import Finding, Level, Related
from olclint.domain.connect import has_setting
from olclint.domain.fixes import setting_fix
from olclint.engine.rule import Context
from olclint.model.cluster import Node
from olclint.rules._settings import setting_int, undecided


def engine_findings(ctx: Context, family: str, label: str) -> Iterator[Finding]:
    """OLC201/OLC202: the master's `<family>.expected_remote_engines` against the sum of
    the extensions' `<family>.local_engines`."""
    cluster = ctx.cluster
    master = cluster.master
    if master is None:
        return
    expected_name = f"{family}.expected_remote_engines"
    local_name = f"{family}.local_engines"
    present = master.setting(expected_name) is not None or (
        has_setting(cluster.connect_version, expected_name)
        and any(ext.setting(local_name) is not None for ext in cluster.extensions)
    )
    if not present:
        return
    what = f"the remote {label} engines"
    expected, why = setting_int(master, expected_name)
    notes: list[Finding] = []
    if expected is None:
        notes.append(undecided(ctx, master, expected_name, why, what))
    launched: list[tuple[Node, int]] = []
    for ext in cluster.extensions:
        count, why = setting_int(ext, local_name)
        if count is None:
            notes.append(undecided(ctx, ext, local_name, why, what))
        else:
            launched.append((ext, count))
    if notes:
        yield from notes
        return
    assert expected is not None
    total = sum(count for _, count in launched)
    if total == expected:
        return
    breakdown = ", ".join(f"{ext.name} {count}" for ext, count in launched) or "no extension"
    setting = master.setting(expected_name)
    assert setting is not None
    if expected > total:
        level = Level.ERROR
        effect = "the master waits for engines that never register and jobs may fail"
    else:
        level = Level.WARNING
        effect = f"{total - expected} launched engine(s) are never used"
    message = (
        f"{master.name} expects {expected} remote {label} engines, the extensions launch "
        f"{total}: {breakdown}; {effect}"
    )
    related = tuple(
        Related(
            ext.setting(local_name).location,  # type: ignore[union-attr]
            f"{ext.name} launches {count} local {label} engine(s)",
        )
        for ext, count in launched
    )
    fix = setting_fix(
        setting,
        str(total),
        f"set {expected_name} to {total}, the sum of the extensions' {local_name}",
    )
    yield ctx.finding(
        message,
        setting.location,
        level=level,
        related=related,
        fix=fix,
        node=master.name,
        subject=expected_name,
    )
