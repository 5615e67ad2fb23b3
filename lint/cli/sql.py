"""`olclint check --sql FILE`: the statements that make the grant rules pass.

For each checked cluster with a collected grants file, from the findings that count:

- every Connect server that OLC110 reports, and every server that logs in through an
  account the script drops, gets an account for its user from its own address (the one
  netmask pattern matching exactly the servers when they form an aligned block and no
  other account of that user, or anonymous one, remains), with ALL PRIVILEGES on its
  schema; an account that already exists with that user and host only gets the `GRANT`,
  and so does an existing account of the user that the server would still pick for that
  address (`'olc'@'localhost'` from loopback with name resolution), as
  `olclint.domain.accounts.pick_account` decides; an anonymous account that would win is
  dropped;
- every `root` account that OLC112 (any host) or OLC503 (a whole subnet) reports is
  dropped, after the accounts that replace it are created.

The statements are built by `olclint.domain.sql`; the file is written through the run's
`Writer`, never over a file the run read. A password is a placeholder, never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from olclint.cli.common import UsageError
from olclint.core import ids
from olclint.core.findings import Finding, Level, Notification
from olclint.core.writer import WriteError, Writer
from olclint.domain import sql


def _plan(cluster, facts, counted: list[Finding]) -> tuple[list[sql.Need], list[tuple]]:
    mine = [f for f in counted if f.cluster == cluster.name]
    failing = {f.node for f in mine if f.rule == ids.GRANT_NOT_COVERING}
    wide = {
        f.subject: f.rule for f in mine if f.rule in (ids.ROOT_FROM_ANY_HOST, ids.ROOT_FROM_SUBNET)
    }
    accounts = list(facts.database.accounts)
    dropped = [a for a in accounts if f"{a.user}@{a.host}" in wide]
    drops, seen = [], set()
    for a in dropped:
        if (a.user, a.host) in seen:
            continue
        seen.add((a.user, a.host))
        why = (
            "root from any host"
            if wide[f"{a.user}@{a.host}"] == ids.ROOT_FROM_ANY_HOST
            else ("root with ALL PRIVILEGES from a whole subnet")
        )
        drops.append((a.user, a.host, f"{why} ({a.location})"))
    kept = [a for a in accounts if (a.user, a.host) not in seen]
    groups: dict[tuple[str, str], list[tuple[str, object]]] = {}
    for node in cluster.nodes:
        server = facts.server(node)
        login, target = server.login, server.connection
        if login is None or target is None:
            continue
        through_dropped = login.account is not None and (
            (login.account.user, login.account.host) in seen
        )
        if node.name not in failing and not through_dropped:
            continue
        key = (login.user.value, login.schema.value)
        groups.setdefault(key, []).append((node.name, target.source, login.client))
    needs: list[sql.Need] = []
    existing = {(a.user, a.host) for a in kept}
    db = facts.database
    for (user, schema), members in sorted(groups.items()):
        sources = [source for _, source, _ in members]
        hosts = sql.host_patterns(sources)
        clients = [client for _, _, client in members]
        if len(hosts) == 1 and len(members) > 1 and not _picked(kept, user, hosts, clients, db):
            hosts = [str(s) for s in sources]  # another account would win over the pattern
        if len(hosts) == 1 and len(members) > 1:
            names = tuple(name for name, _, _ in members)
            needs.append(sql.Need(user, hosts[0], schema, names, (user, hosts[0]) in existing))
            continue
        for name, source, client in members:
            host = str(source)
            winner = _winner(kept, user, host, client, db)
            if winner is not None and winner.user == user:
                host = winner.host  # an existing account of the user wins: grant it ALL
            elif winner is not None:  # an anonymous account wins over the new one
                drops.append(
                    (winner.user, winner.host, f"anonymous, it wins over '{user}' from {name}")
                )
            merged = next((n for n in needs if (n.user, n.host) == (user, host)), None)
            if merged is not None:
                needs[needs.index(merged)] = replace(merged, servers=(*merged.servers, name))
                continue
            needs.append(sql.Need(user, host, schema, (name,), (user, host) in existing))
    return needs, drops


def _winner(kept: list, user: str, host: str, client, db):
    """The account the server picks for `user` from `client` once `user`@`host` exists,
    when it is not that one (None when it is)."""
    from olclint.domain.accounts import pick_account

    rows = list(kept)
    if (user, host) not in {(a.user, a.host) for a in kept}:
        rows.append(_Planned(user, host))
    account = pick_account(rows, user, client, db.engine, db.version).account
    if account is None or (account.user, account.host) == (user, host):
        return None
    return account


@dataclass(frozen=True)
class _Planned:
    user: str
    host: str


def _picked(kept: list, user: str, hosts: list[str], clients: list, db) -> bool:
    """Whether the server picks one of the accounts `user`@`hosts` for every client once
    they exist beside the `kept` accounts (`olclint.domain.accounts.pick_account`)."""
    from olclint.domain.accounts import pick_account

    planned = [_Planned(user, h) for h in hosts]
    rows = [
        *kept,
        *(p for p in planned if (p.user, p.host) not in {(a.user, a.host) for a in kept}),
    ]
    wanted = {(user, h) for h in hosts}
    for client in clients:
        account = pick_account(rows, user, client, db.engine, db.version).account
        if account is None or (account.user, account.host) not in wanted:
            return False
    return True


def scripts(clusters: Iterable, counted: list[Finding]) -> tuple[str, int]:
    """The SQL of every cluster with collected grants, and the number of statements."""
    from olclint.model.facts import derive

    parts, count = [], 0
    for cluster in clusters:
        facts = derive(cluster)
        database = facts.database
        if database is None or not database.grants_collected or not database.grants_read:
            continue
        needs, drops = _plan(cluster, facts, counted)
        count += sum(1 if n.exists else 2 for n in needs) + len(drops)
        title = f"olclint --sql: cluster {cluster.name}, schema access for its Connect servers"
        parts.append(sql.script(database.engine, database.version, needs, drops, title=title))
    return "\n".join(parts), count


def write_sql(run, checked, outcomes, protected: list[Path]) -> Notification:
    counted = [o.finding for o in outcomes if o.counts]
    text, count = scripts(checked.usable, counted)
    if not text:
        text = "-- olclint --sql: no cluster with a collected grants file\n"
    try:
        Writer(run.root, protected).write_text(Path(run.args.sql), text, what="--sql")
    except WriteError as exc:
        raise UsageError(str(exc)) from exc
    n = f"{count} statement{'' if count == 1 else 's'}"
    return Notification(f"--sql {run.args.sql} written: {n}", level=Level.NOTE)
