"""The rule runner: each rule gets a `Context` (the built model, its facts, the graph, the
run's date); a rule that raises is a bug, reported as a notification with its id, and
never hides the other rules' findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from olclint.core.findings import Finding, Notification
from olclint.core.ids import INPUT_RULE_PREFIX
from olclint.engine.rule import ClusterView, Context, Rule
from olclint.model.cluster import Cluster


@dataclass(frozen=True)
class ClusterResult:
    cluster: Cluster
    findings: tuple[Finding, ...]
    notifications: tuple[Notification, ...] = ()
    looked: tuple[str, ...] = ()  # the paths its readers asked about (for the result cache)
    read_rows: tuple[tuple[str, tuple], ...] = ()  # each file read and its state as read


def run_rules(
    cluster: Cluster, rules: Iterable[Rule], today: dt.date | None = None
) -> ClusterResult:
    """Run every rule on one cluster.

    The facts are derived once (`olclint.model.facts.derive`) and the graph built from
    them when a rule first asks for it; each rule gets them in its `Context`, with the
    run's date. When the cluster file itself is broken (`usable` is False), only the input
    rules run.
    """
    findings: list[Finding] = []
    notes: list[Notification] = []
    facts = None
    if cluster.usable:
        try:
            from olclint.model.facts import derive

            facts = derive(cluster)
        except Exception as exc:  # a bug: say so and run what can still run
            facts = None
            notes.append(
                Notification(
                    f"building the facts of cluster '{cluster.name}' failed "
                    f"({type(exc).__name__}); only the input rules ran",
                    exception=type(exc).__name__,
                )
            )
    day = today or dt.date.today()
    view = ClusterView(cluster, facts)  # the graph is built if a rule asks for it
    for rule in rules:
        if facts is None and not rule.id.startswith(INPUT_RULE_PREFIX):
            continue
        ctx = Context(rule.id, rule.level, cluster, facts, view, day)
        try:
            produced = list(rule.check(ctx))
        except Exception as exc:  # a bug in one rule must not hide the others
            notes.append(
                Notification(
                    f"rule {rule.id} {rule.name} failed on cluster '{cluster.name}' "
                    f"({type(exc).__name__}); its findings are missing",
                    rule=rule.id,
                    exception=type(exc).__name__,
                )
            )
            continue
        for finding in produced:
            findings.append(
                finding if finding.cluster else finding.with_context(cluster=cluster.name)
            )
    return ClusterResult(cluster, tuple(findings), tuple(notes))
