"""What a rule is, seen from the engine: metadata, a check function and its context.

A rule module (in `olclint.rules`) has a docstring (its documentation page, Markdown,
first line the one-line summary), `ID`, `NAME`, `LEVEL` and `check(ctx)`, which yields
findings from a `Context`: the built cluster, its resolved facts, the graph and the run's
date. A rule makes its findings with `ctx.finding(...)`, which stamps the rule's id and
default level (a rule may give another level, e.g. a note when it cannot decide); the
input rules pass on the readers' diagnostics as they are.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from olclint.core.findings import Finding, Fix, Level, Location, Related
from olclint.core.ids import FAMILY_TAGS, INPUT_RULE_PREFIX

if TYPE_CHECKING:
    import networkx as nx

    from olclint.model.cluster import Cluster
    from olclint.model.facts import ClusterFacts


class ClusterView:
    """The graph and reachability of one cluster, each built on first use and shared by the
    contexts of all its rules: a check whose rules only ask `reaches` never builds the
    networkx graph (nor imports networkx)."""

    def __init__(self, cluster: Cluster, facts: ClusterFacts | None, graph: Any = None):
        self.cluster = cluster
        self.facts = facts
        self._graph = graph
        self._reach: Any = None

    @property
    def graph(self) -> nx.MultiDiGraph | None:
        if self._graph is None and self.facts is not None:
            from olclint.model.graph import build_graph

            self._graph = build_graph(self.cluster, self.facts)
        return self._graph

    @property
    def reach(self) -> Any:
        """What `olclint.model.graph.reaches` takes: the graph when it is built, else a
        `olclint.model.reach.Reach` that answers the same."""
        if self._graph is not None:
            return self._graph
        if self._reach is None:
            from olclint.model.reach import Reach

            self._reach = Reach(self.cluster)
        return self._reach


@dataclass(frozen=True)
class Context:
    """What one rule sees of one cluster. `facts` and `graph` are None when the cluster
    file is unusable (then only the input rules run). The fifth argument is the graph
    itself or a `ClusterView` that builds it when a rule first asks for it."""

    rule_id: str
    level: Level
    cluster: Cluster
    facts: ClusterFacts | None
    view: Any
    today: dt.date

    def __post_init__(self) -> None:
        if not isinstance(self.view, ClusterView):
            object.__setattr__(self, "view", ClusterView(self.cluster, self.facts, self.view))

    @property
    def graph(self) -> nx.MultiDiGraph | None:
        return self.view.graph if self.facts is not None else None

    @property
    def reach(self) -> Any:
        """Reachability for `olclint.model.graph.reaches`, without networkx when it can."""
        return self.view.reach

    def finding(
        self,
        message: str,
        location: Location | None,
        *,
        level: Level | None = None,
        related: tuple[Related, ...] = (),
        fix: Fix | None = None,
        node: str = "",
        subject: str = "",
    ) -> Finding:
        """A finding of this rule, at its default level unless `level` is given."""
        return Finding(
            self.rule_id,
            self.level if level is None else level,
            message,
            location,
            related=related,
            fix=fix,
            cluster=self.cluster.name,
            node=node,
            subject=subject,
        )


CheckFn = Callable[[Context], Iterable[Finding]]

NO_FIX = "None: `olclint check --fix` leaves these findings to you (see How to fix)."


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    level: Level
    summary: str
    doc: str
    check: CheckFn
    security_severity: str | None = None  # a CVSS-like score ("8.0") for a security rule
    uses_date: bool = False  # reads `Context.today` (`USES_DATE = True`): the cache keys on it
    fix: str = ""  # what `--fix` (or `--sql`) does for its findings; "" when nothing

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        """A rule from its module: `ID`, `NAME`, `LEVEL`, `check`, the docstring as its page,
        `SECURITY_SEVERITY` for a rule whose findings are security problems, and `FIX`, what
        its automatic fix does, for a rule that has one."""
        doc = inspect.cleandoc(module.__doc__ or "")
        summary, _, body = doc.partition("\n")
        return cls(
            id=module.ID,
            name=module.NAME,
            level=Level(module.LEVEL),
            summary=summary.strip(),
            doc=body.strip(),
            check=module.check,
            security_severity=getattr(module, "SECURITY_SEVERITY", None),
            uses_date=bool(getattr(module, "USES_DATE", False)),
            fix=inspect.cleandoc(getattr(module, "FIX", "")),
        )

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags of its family; "security" for a rule with a security severity."""
        tags = FAMILY_TAGS.get(self.id[:4], ())
        if self.security_severity is not None and "security" not in tags:
            tags = (*tags[:1], "security")
        return tags

    @property
    def precision(self) -> str:
        """How often a finding is right: input rules report what a file says ("very-high");
        the others reason on collected files, which may lag behind the servers ("high")."""
        return "very-high" if self.id.startswith(INPUT_RULE_PREFIX) else "high"

    def named_by(self, key: str) -> bool:
        """Whether `key` (an id, an id prefix like OLC1, or a name; any case) names it."""
        key = key.strip()
        return self.id.upper().startswith(key.upper()) or self.name.lower() == key.lower()

    def page(self) -> str:
        """The rule's documentation page in Markdown."""
        head = f"# {self.id} {self.name}\n\nDefault level: {self.level}.\n\n"
        fix = self.fix or NO_FIX
        return f"{head}{self.summary}\n\n{self.doc}\n\n## Automatic fix\n\n{fix}\n"

    def meta(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "level": str(self.level),
            "summary": self.summary,
        }
