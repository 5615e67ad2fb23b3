"""The values that flow from readers and rules to reporters.

A `Location` is born where a value is read and travels with it; a `Finding` is what a
reader or a rule reports. Both are frozen, comparable and hashable, so tests can compare
whole findings and sets of them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace


class Level(str, enum.Enum):
    """A finding's level, ordered: error > warning > note."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return {"note": 1, "warning": 2, "error": 3}[self.value]

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: path relative to the repository root (POSIX), 1-based line and column.

    `end_line`/`end_column` (exclusive column) delimit the region when known.
    """

    path: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def at_line(self, line: int, column: int = 1) -> Location:
        return Location(self.path, line, column)


@dataclass(frozen=True)
class Related:
    """Another place that explains a finding, with what it says there."""

    location: Location
    message: str


@dataclass(frozen=True)
class Fix:
    """Replace the text of `location`'s region (a single line region) by `replacement`;
    `also`: more edits of the same fix, applied with it or not at all.

    An empty region at column 1 with a `replacement` ending in its only line break adds
    that line before `location.line` (after the last line when it is one past the end),
    written with the line ending of the line before it."""

    description: str
    location: Location
    replacement: str
    also: tuple[Fix, ...] = ()

    @property
    def edits(self) -> tuple[Fix, ...]:
        return (self, *self.also)


@dataclass(frozen=True)
class Finding:
    """One problem: what rule, how bad, what is wrong and exactly where.

    `cluster`, `node` and `subject` are the stable parts of the fingerprint: they never
    contain line numbers, so a baseline survives edits elsewhere in a file.
    """

    rule: str
    level: Level
    message: str
    location: Location | None
    related: tuple[Related, ...] = ()
    fix: Fix | None = None
    cluster: str = ""
    node: str = ""
    subject: str = ""
    properties: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def sort_key(self) -> tuple:
        loc = self.location or Location("")
        return (loc.path, loc.line, loc.column, self.rule, self.message)

    def with_context(self, *, cluster: str | None = None, node: str | None = None) -> Finding:
        return replace(
            self,
            cluster=self.cluster if cluster is None else cluster,
            node=self.node if node is None else node,
        )

    @property
    def fingerprint(self) -> str:
        """Rule, cluster, node and subject: stable across line shifts."""
        return "/".join((self.rule, self.cluster, self.node, self.subject))


def diag(
    rule: str,
    level: Level,
    message: str,
    location: Location | None,
    *,
    subject: str = "",
    related: tuple[Related, ...] = (),
) -> Finding:
    """A reader diagnostic (OLC00x); the cluster and node are filled in by the builder."""
    return Finding(rule, level, message, location, related=related, subject=subject)


@dataclass(frozen=True)
class Notification:
    """A problem of olclint itself: a rule raised, a configuration problem, a crash.

    `exception` is the exception type name only, never a traceback or its values, which
    may hold secrets read from a file.
    """

    message: str
    level: Level = Level.ERROR
    rule: str | None = None
    exception: str | None = None
