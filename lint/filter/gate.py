"""The gate: one verdict for the exit code and for every report that states it.

Exit codes: 0 nothing that counts is at or above `fail_on`; 1 something is; 2 olclint
could not do its job (a usage or configuration error, a missing path, a rule that raised).
An unsuccessful run is never an all-clear: its verdict fails whatever the findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from olclint.core.findings import Level
from olclint.filter.outcome import Outcome

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Verdict:
    fail_on: Level | None  # None: findings never fail
    failing: int  # outcomes that count, at or above fail_on
    execution_successful: bool

    @property
    def failed(self) -> bool:
        return self.failing > 0 or not self.execution_successful

    @property
    def exit_code(self) -> int:
        if not self.execution_successful:
            return EXIT_ERROR
        return EXIT_FINDINGS if self.failing else EXIT_OK


def fails(outcome: Outcome, fail_on: Level | None) -> bool:
    """Whether this outcome alone fails a gate at `fail_on`."""
    return (
        fail_on is not None and outcome.counts and outcome.finding.level.rank >= Level(fail_on).rank
    )


def verdict(
    outcomes: Iterable[Outcome], fail_on: Level | None, *, execution_successful: bool = True
) -> Verdict:
    return Verdict(
        fail_on=None if fail_on is None else Level(fail_on),
        failing=sum(1 for o in outcomes if fails(o, fail_on)),
        execution_successful=execution_successful,
    )
