"""Synthetic cluster repositories for benchmarks: deterministic for a given seed.

A cluster is the layout of `examples/prod-eu` scaled up:

```
<name>/cluster.yaml
<name>/master01/my.ini            (!include conf/tuning.ini)
<name>/master01/conf/tuning.ini
<name>/master01/grants.sql        (CREATE USER + GRANT per account)
<name>/<node>/settings/com.objectiflune.cleanup.prefs
<name>/<node>/settings/com.objectiflune.repository.commonutils.prefs
```

The master hosts MySQL 8.0 and lives in the `dc` network; extensions are spread over
`branchNN` networks with routes to the database and master ports. Every generated cluster
is meant to be clean: one master with a Performance Pack licence, licensed extensions,
expected remote engines equal to the sums, database clean-up on the master only, clean-up
schedules that never all run at once, accounts that give the Connect user `olconnect` ALL
PRIVILEGES on the schema from every server (from its /24 at most; `root` only locally).

    python bench/generate.py cluster OUT --extensions 1000 --grants 1000 --schedules daily
    python bench/generate.py repo OUT --clusters 200
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import sys
from dataclasses import dataclass
from pathlib import Path

SCHEMA = "objectiflune"
USER = "olconnect"
DC = ipaddress.ip_network("10.10.0.0/16")
BRANCH_BASE = 20  # branch networks are 10.20.0.0/16, 10.21.0.0/16, ...
MASTER_ADDRESS = "10.10.0.10"
ZONES = ("Europe/Paris", "Europe/London", "America/New_York", "Asia/Singapore")
DOW = ("MON-FRI", "2-6", "SAT,SUN", "TUE,THU")
CLEANUP_PREFS = "com.objectiflune.cleanup.prefs"
COMMON_PREFS = "com.objectiflune.repository.commonutils.prefs"


@dataclass(frozen=True)
class Spec:
    """What to generate for one cluster."""

    name: str = "bench"
    extensions: int = 3
    grants: int = 8  # GRANT statements in grants.sql (more when the required accounts need it)
    schedules: str = "varied"  # "daily": every node daily; "varied": weekdays, L, # too
    branches: int = 0  # branch networks; 0: one per 250 extensions, at least 1
    seed: int = 0


def _ext_name(i: int, width: int) -> str:
    return f"ext{i + 1:0{width}d}"


def _ext_address(i: int, branches: int) -> str:
    net = ipaddress.ip_network(f"10.{BRANCH_BASE + i % branches}.0.0/16")
    return str(net.network_address + 100 + i // branches)


def _cron(rng: random.Random, slot: int, mode: str) -> str:
    """A schedule at a time of its own: `slot` picks the half hour (slot % 48), then the
    second within the minute (slot // 48), so nodes never share a fire time. `mode` "daily"
    gives daily schedules; "varied" also weekdays, `L`, `nL` and `n#k`."""
    hour, minute = divmod(slot % 48 * 30, 60)
    second = slot // 48 % 60
    kind = "daily" if mode == "daily" else rng.choice(("daily", "daily", "dow", "L", "#", "nL"))
    if kind == "dow":
        return f"{second} {minute} {hour} ? * {rng.choice(DOW)}"
    if kind == "L":
        return f"{second} {minute} {hour} L * ?"
    if kind == "#":
        return f"{second} {minute} {hour} ? * {rng.randint(1, 7)}#{rng.randint(1, 4)}"
    if kind == "nL":
        return f"{second} {minute} {hour} ? * {rng.randint(2, 6)}L"
    return f"{second} {minute} {hour} * * ?"


def _cleanup_prefs(cron: str, *, database: bool) -> str:
    return (
        "eclipse.preferences.version=1\n"
        "cleanup.enabled=true\n"
        "cleanup.run_at_startup=false\n"
        f"cleanup.database={'true' if database else 'false'}\n"
        "cleanup.files=true\n"
        f"cleanup.cron={cron}\n"
    )


def _common_prefs(merge: int, weaver: int, db_host: str, extra: str = "") -> str:
    return (
        "eclipse.preferences.version=1\n"
        f"merge.local_engines={merge}\n"
        f"weaver.local_engines={weaver}\n"
        f"{extra}"
        f"database.url=jdbc:mysql://{db_host}:3306/{SCHEMA}\n"
        f"database.user={USER}\n"
    )


MY_INI = """\
[client]
port=3306

[mysqld]
# The master hosts MySQL; the extensions connect over the network.
port=3306
bind-address=0.0.0.0
skip-name-resolve
mysqlx=OFF
max_connections={connections}
!include conf/tuning.ini
"""

TUNING_INI = """\
[mysqld]
innodb_buffer_pool_size=2G
tmpdir="C:/ProgramData/MySQL/tmp"
"""


def _grants_sql(rng: random.Random, spec: Spec, addresses: list[str], branches: int) -> str:
    """`spec.grants` GRANT statements, each after the CREATE USER of its account.

    Required first: `root` from localhost only, and `olconnect` with ALL PRIVILEGES on the
    schema from the master itself (127.0.0.1, as skip-name-resolve is on) and from each /24
    that holds extensions. The rest is a mix of exact-address `olconnect` accounts with the
    same privileges and accounts of other users (exact addresses, netmasks, wildcards) with
    lesser privileges.
    """
    lines = ["-- Accounts of the Connect database, as printed by SHOW GRANTS."]

    def account(user: str, host: str, privileges: str, on: str = f"{SCHEMA}.*") -> None:
        lines.append(f"CREATE USER '{user}'@'{host}' IDENTIFIED BY 'secret-{len(lines)}';")
        lines.append(f"GRANT {privileges} ON {on} TO '{user}'@'{host}';")

    account("root", "localhost", "ALL PRIVILEGES", on="*.*")
    account(USER, "127.0.0.1", "ALL PRIVILEGES")
    subnets = sorted(
        {a.rsplit(".", 1)[0] for a in addresses}, key=lambda t: tuple(map(int, t.split(".")))
    )
    for subnet in subnets:
        account(USER, f"{subnet}.%", "ALL PRIVILEGES")
    required = 2 + len(subnets)
    for k in range(max(0, spec.grants - required)):
        kind = k % 4
        if kind == 0 and k // 4 < len(addresses):
            account(USER, addresses[k // 4], "ALL PRIVILEGES")
        elif kind in (0, 1):
            net = BRANCH_BASE + rng.randrange(branches)
            account(f"report{k:04d}", f"10.{net}.0.0/255.255.0.0", "SELECT")
        elif kind == 2:
            account(f"backup{k:04d}", f"10.10.{rng.randrange(256)}.%", "SELECT, LOCK TABLES")
        else:
            host = addresses[rng.randrange(len(addresses))] if addresses else "10.10.0.99"
            account(f"app{k:04d}", host, "SELECT, INSERT, UPDATE, DELETE")
    return "\n".join(lines) + "\n"


def write_cluster(folder: Path, spec: Spec) -> Path:
    """Write one cluster into `folder` (created); returns the cluster.yaml path."""
    rng = random.Random(f"{spec.seed}:{spec.name}")
    n = spec.extensions
    branches = spec.branches or max(1, (n + 249) // 250)
    width = max(2, len(str(n)))
    names = [_ext_name(i, width) for i in range(n)]
    addresses = [_ext_address(i, branches) for i in range(n)]
    zone = rng.choice(ZONES)
    zones = [zone if spec.schedules == "daily" else rng.choice(ZONES) for _ in range(n + 1)]
    # Every node fires at a half hour of its own (the first 48 nodes) and the master and
    # ext01 run daily in the same zone, 30 minutes or more apart: clean-up runs (20
    # minutes) of all nodes never overlap, whatever the other schedules and zones.
    zones[1:2] = zones[:1]
    order = rng.sample(range(48), 48)
    slots = [order[j % 48] + 48 * (j // 48) for j in range(n + 1)]
    modes = ["daily" if j < 2 else spec.schedules for j in range(n + 1)]
    merges = [rng.randint(1, 4) for _ in range(n)]
    weavers = [rng.randint(1, 2) for _ in range(n)]

    folder.mkdir(parents=True, exist_ok=True)
    y = [
        f"# A synthetic OL Connect 2021.2 cluster: 1 master, {n} extensions.",
        "version: 1",
        f"name: {spec.name}",
        'connect_version: "2021.2"',
        "database:",
        "  engine: mysql",
        '  server_version: "8.0.36"',
        "  node: master01",
        "  port: 3306",
        f"  schema: {SCHEMA}",
        f"  user: {USER}",
        "  option_file: master01/my.ini",
        "  grants: master01/grants.sql",
        "networks:",
        f"  - {{name: dc, cidr: {DC}}}",
    ]
    for b in range(branches):
        y.append(f"  - {{name: branch{b:02d}, cidr: 10.{BRANCH_BASE + b}.0.0/16}}")
    y.append("routes:")
    for b in range(branches):
        y.append(f"  - {{from: branch{b:02d}, to: dc, ports: [3306, 9340]}}")
        y.append(f"  - {{from: dc, to: branch{b:02d}}}")
    y += [
        "cleanup:",
        "  expected_duration: 20m",
        "nodes:",
        "  - name: master01",
        "    role: master",
        f"    address: {MASTER_ADDRESS}",
        "    hostname: connect-m1",
        f"    timezone: {zones[0]}",
        "    license: {edition: performance-pack, expires: 2030-06-30}",
        "    preferences: master01/settings",
    ]
    for i, name in enumerate(names):
        y += [
            f"  - name: {name}",
            "    role: extension",
            f"    address: {addresses[i]}",
            f"    timezone: {zones[i + 1]}",
            "    license: {edition: standard}",
            f"    preferences: {name}/settings",
        ]
    cluster_file = folder / "cluster.yaml"
    cluster_file.write_text("\n".join(y) + "\n", encoding="utf-8")

    master = folder / "master01"
    (master / "conf").mkdir(parents=True, exist_ok=True)
    (master / "settings").mkdir(parents=True, exist_ok=True)
    # room for every server's pool (OLC104), and some to spare: the default 48 each, or a
    # smaller pool where the servers' 48 would pass the 100,000 a server accepts
    pool = 48 if 48 * (n + 1) + 20 <= 100_000 else (100_000 - 20) // (n + 1)
    sized = "" if pool == 48 else f"database.max_pool_connections={pool}\n"
    connections = pool * (n + 1) + 20
    (master / "my.ini").write_text(MY_INI.format(connections=connections), encoding="utf-8")
    (master / "conf" / "tuning.ini").write_text(TUNING_INI, encoding="utf-8")
    (master / "grants.sql").write_text(
        _grants_sql(rng, spec, addresses, branches), encoding="utf-8"
    )
    expected = (
        f"merge.expected_remote_engines={sum(merges)}\n"
        f"weaver.expected_remote_engines={sum(weavers)}\n"
        "scheduling.max_records_small_job=100\n"
        "scheduling.min_records_large_job=10000\n"
    )
    (master / "settings" / COMMON_PREFS).write_text(
        _common_prefs(2, 2, "localhost", expected + sized), encoding="latin-1"
    )
    (master / "settings" / CLEANUP_PREFS).write_text(
        _cleanup_prefs(_cron(rng, slots[0], modes[0]), database=True), encoding="latin-1"
    )
    for i, name in enumerate(names):
        settings = folder / name / "settings"
        settings.mkdir(parents=True, exist_ok=True)
        common = _common_prefs(
            merges[i],
            weavers[i],
            MASTER_ADDRESS,
            f"master.location={MASTER_ADDRESS}:9340\n" + sized,
        )
        (settings / COMMON_PREFS).write_text(common, encoding="latin-1")
        cron = _cron(rng, slots[i + 1], modes[i + 1])
        (settings / CLEANUP_PREFS).write_text(
            _cleanup_prefs(cron, database=False), encoding="latin-1"
        )
    return cluster_file


def write_repo(root: Path, clusters: int, *, extensions: int = 3, seed: int = 0) -> list[Path]:
    """A repository of `clusters` typical clusters under `root/clusters/`."""
    root.mkdir(parents=True, exist_ok=True)
    width = max(3, len(str(clusters)))
    return [
        write_cluster(
            root / "clusters" / f"site{k:0{width}d}",
            Spec(name=f"site{k:0{width}d}", extensions=extensions, seed=seed),
        )
        for k in range(clusters)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("cluster", help="one cluster")
    one.add_argument("out", type=Path)
    one.add_argument("--name", default="bench")
    one.add_argument("--extensions", type=int, default=3)
    one.add_argument("--grants", type=int, default=8)
    one.add_argument("--schedules", choices=("daily", "varied"), default="varied")
    one.add_argument("--seed", type=int, default=0)
    many = sub.add_parser("repo", help="a repository of typical clusters")
    many.add_argument("out", type=Path)
    many.add_argument("--clusters", type=int, default=200)
    many.add_argument("--extensions", type=int, default=3)
    many.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.what == "cluster":
        spec = Spec(args.name, args.extensions, args.grants, args.schedules, seed=args.seed)
        print(write_cluster(args.out, spec))
    else:
        files = write_repo(args.out, args.clusters, extensions=args.extensions, seed=args.seed)
        print(f"{len(files)} clusters under {args.out / 'clusters'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
