"""What a rule is, seen from the engine: metadata and a check function.

A rule module (in `olclint.rules`) has a docstring (its documentation page, Markdown,
first line the one-line summary), `ID`, `NAME`, `LEVEL` and `check(cluster, graph)`,
which yields `Finding`s from a model and graph that are already built.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from olclint.core.findings import Finding, Level

if TYPE_CHECKING:
    import networkx as nx

    from olclint.model.cluster import Cluster

CheckFn = Callable[["Cluster", "nx.MultiDiGraph"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: Level
    summary: str
    doc: str
    check: CheckFn

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        doc = inspect.cleandoc(module.__doc__ or "")
        summary, _, body = doc.partition("\n")
        return cls(
            id=module.ID,
            name=module.NAME,
            level=Level(module.LEVEL),
            summary=summary.strip(),
            doc=body.strip(),
            check=module.check,
        )

    def named_by(self, key: str) -> bool:
        """Whether `key` (an id, an id prefix like OLC1, or a name; any case) names it."""
        key = key.strip()
        return self.id.upper().startswith(key.upper()) or self.name.lower() == key.lower()

    def page(self) -> str:
        """The rule's documentation page in Markdown."""
        head = f"# {self.id} {self.name}\n\nDefault level: {self.level}.\n\n"
        return f"{head}{self.summary}\n\n{self.doc}\n"

    def meta(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "level": str(self.level),
            "summary": self.summary,
        }
