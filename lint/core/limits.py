"""Counts that bound what one input can cost: findings per file.

A file of millions of bad lines would otherwise hold millions of findings in memory and in
every report. Readers keep at most `MAX_FINDINGS_PER_FILE` findings about one file, count
the rest, and end with the one finding `too_many` makes, which says the limit was hit.
"""

from __future__ import annotations

from olclint.core.findings import Finding, Level, Location, diag

MAX_FINDINGS_PER_FILE = 1000


def too_many(rule: str, path: str, dropped: int, at: Location | None = None) -> Finding:
    """The finding that stands for the `dropped` findings past the limit in `path`."""
    return diag(
        rule,
        Level.WARNING,
        f"'{path}' has more than {MAX_FINDINGS_PER_FILE} findings of {rule}; "
        f"{dropped} more were not reported",
        at or Location(path),
        subject=f"{path}:finding-limit",
    )
