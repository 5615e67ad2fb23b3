"""Every rule called directly on clusters built by `tests/factory.py`, with exact findings.

The end-to-end fixture cases (tests/test_cases.py) pin the same rules through the CLI;
these pin each rule's judgement on its facts alone: a failing and a passing cluster each.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import pytest
from factory import TODAY, cluster, context, extension, findings, master

from olclint.core.findings import Finding, Fix, Level, Location, diag
from olclint.rules import RULE_MODULES

RULES = {name[:6]: importlib.import_module(f"olclint.rules.{name}") for name in RULE_MODULES}

ALL_ON_ANY = "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%';\n"
PARIS_2AM = "cleanup.enabled=true\ncleanup.cron=0 0 2 * * ?\n"


def brief(found: list[Finding]) -> list[tuple]:
    return [(f.rule, f.level.value, f.message, str(f.location), f.node, f.subject) for f in found]


def related(found: Finding) -> list[tuple[str, str]]:
    return [(str(r.location), r.message) for r in found.related]


INPUT_RULES = ["olc001", "olc002", "olc003", "olc004", "olc005", "olc006", "olc008"]


def test_every_rule_has_a_unit_test_here() -> None:
    tested = {name.split("_")[1] for name in globals() if name.startswith("test_olc")}
    assert tested - {"olc00x"} | set(INPUT_RULES) == set(RULES)


# -- input rules: the readers' diagnostics, each by its own rule -------------------------------


@pytest.mark.parametrize("rule", INPUT_RULES)
def test_olc00x_input_rules_pass_on_their_own_diagnostics_only(rule: str) -> None:
    module = RULES[rule]
    mine = diag(module.ID, Level.ERROR, "mine", Location("db/my.ini", 3), subject="x")
    other = diag("OLC009" if rule != "olc001" else "OLC002", Level.ERROR, "other", None)
    built = dataclasses.replace(cluster(), diagnostics=(other, mine))
    assert findings(module, built) == [mine]
    assert findings(module, cluster()) == []


def test_olc007_is_reported_by_the_filter_not_by_check() -> None:
    assert findings(RULES["olc007"], cluster()) == []


def test_input_rules_run_on_an_unusable_cluster_without_facts() -> None:
    mine = diag("OLC001", Level.ERROR, "broken", Location("cluster.yaml", 2))
    broken = dataclasses.replace(cluster(), usable=False, diagnostics=(mine,))
    ctx = context(RULES["olc001"], broken)
    assert (ctx.facts, ctx.graph) == (None, None)
    assert list(RULES["olc001"].check(ctx)) == [mine]


# -- database side -------------------------------------------------------------------------


def test_olc101_loopback_bind_address_fails_the_extension_only() -> None:
    built = cluster(my_ini="[mysqld]\nbind-address=127.0.0.1\n")
    assert brief(findings(RULES["olc101"], built)) == [
        (
            "OLC101",
            "error",
            "ext01 (192.168.10.21) cannot connect to the database at 192.168.10.10:3306: "
            "bind-address=127.0.0.1 (my.ini:2) listens on 127.0.0.1 only",
            "db/my.ini:2:1",
            "ext01",
            "bind-address",
        )
    ]
    assert findings(RULES["olc101"], cluster(my_ini="[mysqld]\nbind-address=0.0.0.0\n")) == []


def test_olc101_no_route_to_the_database_port() -> None:
    nets = {"lan": "192.168.10.0/28", "dmz": "192.168.10.16/28"}
    routes = (("dmz", "lan", frozenset({9340})),)
    found = findings(RULES["olc101"], cluster(networks=nets, routes=routes))
    assert brief(found) == [
        (
            "OLC101",
            "error",
            "ext01 (192.168.10.21) has no network route to the database on port 3306: "
            "no declared route from its network allows that port",
            "cluster.yaml:12:14",
            "ext01",
            "route",
        )
    ]
    opened = (("dmz", "lan", frozenset({9340, 3306})),)
    assert findings(RULES["olc101"], cluster(networks=nets, routes=opened)) == []


def test_olc101_a_fully_qualified_name_of_the_database_host_is_the_database() -> None:
    host = master(hostname="connect-m1")
    url = "database.url=jdbc:mysql://{}:3306/objectiflune\n"
    fqdn = cluster(host, extension(prefs=url.format("connect-m1.corp.local")))
    assert findings(RULES["olc101"], fqdn) == []
    other = cluster(host, extension(prefs=url.format("connect-x9.corp.local")))
    assert [(f.level, f.subject) for f in findings(RULES["olc101"], other)] == [
        (Level.NOTE, "database.url:host")
    ]


def test_olc102_servers_connect_to_another_port_than_the_database_listens_on() -> None:
    found = findings(RULES["olc102"], cluster(my_ini="[mysqld]\nport=3307\n"))
    assert brief(found) == [
        (
            "OLC102",
            "error",
            "master01, ext01 connect to port 3306 (database.port) but the database listens "
            "on port 3307 (my.ini:2)",
            "db/my.ini:2:1",
            "",
            "database.port",
        )
    ]
    assert related(found[0]) == [("cluster.yaml:32:9", "the Connect servers connect to port 3306")]
    assert findings(RULES["olc102"], cluster(my_ini="[mysqld]\nport=3306\n")) == []


def test_olc103_master_location_names_another_host() -> None:
    wrong = cluster(master(), extension(prefs="master.location=10.0.0.99:9340\n"))
    assert brief(findings(RULES["olc103"], wrong)) == [
        (
            "OLC103",
            "error",
            "ext01 (192.168.10.21): master.location '10.0.0.99:9340' does not name the master "
            "master01 (192.168.10.10)",
            "ext01/settings/test.prefs:1:17",
            "ext01",
            "master.location",
        )
    ]
    right = cluster(master(), extension(prefs="master.location=192.168.10.10:9340\n"))
    assert findings(RULES["olc103"], right) == []


def test_olc103_the_stores_master_port_decides_over_master_location() -> None:
    """Connect reads server.connections.master.port; master.location's port is olclint's
    description: one finding, at the key Connect reads, and none when that key is right."""
    both_wrong = "master.location=192.168.10.10:9341\nmaster.port=9342\n"
    found = findings(RULES["olc103"], cluster(master(), extension(prefs=both_wrong)))
    assert [(f.rule, f.level.value, f.location.line, f.subject) for f in found] == [
        ("OLC103", "error", 2, "master.port:port")
    ]
    assert "connects to the master on port 9342 (master.port, test.prefs:2)" in found[0].message
    store_right = "master.location=192.168.10.10:9341\nmaster.port=9340\n"
    assert findings(RULES["olc103"], cluster(master(), extension(prefs=store_right))) == []


def test_olc103_missing_master_location_is_a_note() -> None:
    built = cluster(master(), extension(prefs="merge.local_engines=1\n"))
    assert brief(findings(RULES["olc103"], built)) == [
        (
            "OLC103",
            "note",
            "could not check whether it reaches the master: master.location is not set on ext01",
            "cluster.yaml:10:5",
            "ext01",
            "master.location@ext01",
        )
    ]


GRANTS_110 = (
    "CREATE USER 'root'@'localhost';\n"
    "GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost';\n"
    "CREATE USER 'root'@'192.168.10.21';\n"
    "GRANT SELECT ON objectiflune.* TO 'root'@'192.168.10.21';\n"
)


def test_olc110_the_picked_account_lacks_all_privileges() -> None:
    found = findings(RULES["olc110"], cluster(grants=GRANTS_110 + ALL_ON_ANY))
    assert brief(found) == [
        (
            "OLC110",
            "error",
            "ext01 (192.168.10.21) logs in as 'root' but the account the server picks, "
            "'root'@'192.168.10.21' (grants.sql:3), lacks ALL PRIVILEGES on objectiflune.*.",
            "db/grants.sql:3:1",
            "ext01",
            "root@192.168.10.21",
        )
    ]
    assert related(found[0]) == [("db/grants.sql:5:1", "'root'@'%' would cover it but is not used")]
    assert findings(RULES["olc110"], cluster(grants=ALL_ON_ANY)) == []


def test_olc110_no_account_for_the_servers_own_user() -> None:
    ext = extension(prefs="database.user=olconnect\n")
    found = findings(RULES["olc110"], cluster(master(), ext, grants=ALL_ON_ANY))
    assert brief(found) == [
        (
            "OLC110",
            "error",
            "ext01 (192.168.10.21) cannot log in as 'olconnect': no account matches this address.",
            "cluster.yaml:12:14",
            "ext01",
            "olconnect:no-account",
        )
    ]
    assert related(found[0]) == [
        ("cluster.yaml:12:14", "ext01's address"),
        ("ext01/settings/test.prefs:1:15", "logs in as 'olconnect'"),
    ]


def test_olc111_identified_by_in_grant_on_mysql_8() -> None:
    grants = "GRANT ALL PRIVILEGES ON objectiflune.* TO 'olc'@'%' IDENTIFIED BY 'pw';\n"
    found = findings(RULES["olc111"], cluster(engine="mysql", version=(8, 0, 36), grants=grants))
    assert brief(found) == [
        (
            "OLC111",
            "warning",
            "GRANT ... IDENTIFIED BY for 'olc'@'%' is a syntax error on MySQL 8.0.36; create the "
            "account with CREATE USER ... IDENTIFIED BY, then GRANT",
            "db/grants.sql:1:1",
            "",
            "olc@%",
        )
    ]
    assert findings(RULES["olc111"], cluster(engine="mariadb", grants=grants)) == []


def test_olc112_root_from_any_host() -> None:
    assert brief(findings(RULES["olc112"], cluster(grants=ALL_ON_ANY))) == [
        (
            "OLC112",
            "warning",
            "'root'@'%' lets root log in from any host; use an account limited to the Connect "
            "servers' addresses",
            "db/grants.sql:1:1",
            "",
            "root@%",
        )
    ]
    local = "GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost';\n"
    assert findings(RULES["olc112"], cluster(grants=local)) == []


def test_olc113_x_protocol_stays_open_on_mysql_8() -> None:
    mysql8 = {"engine": "mysql", "version": (8, 0, 36)}
    found = findings(
        RULES["olc113"], cluster(my_ini="[mysqld]\nbind-address=127.0.0.1\n", **mysql8)
    )
    assert brief(found) == [
        (
            "OLC113",
            "note",
            "bind-address=127.0.0.1 keeps the classic port on 127.0.0.1, but the X Protocol "
            "listener still listens on every interface, port 33060; add mysqlx=OFF or a "
            "mysqlx-bind-address",
            "db/my.ini:2:1",
            "",
            "mysqlx",
        )
    ]
    off = "[mysqld]\nbind-address=127.0.0.1\nmysqlx=OFF\n"
    assert findings(RULES["olc113"], cluster(my_ini=off, **mysql8)) == []


def test_olc114_host_name_account_under_skip_name_resolve() -> None:
    grants = "CREATE USER 'root'@'ext01.corp.local';\n"
    found = findings(
        RULES["olc114"], cluster(my_ini="[mysqld]\nskip-name-resolve\n", grants=grants)
    )
    assert brief(found) == [
        (
            "OLC114",
            "warning",
            "'root'@'ext01.corp.local' names a host, but skip-name-resolve (my.ini:2) makes the "
            "server ignore host-name accounts",
            "db/grants.sql:1:1",
            "",
            "root@ext01.corp.local",
        )
    ]
    assert findings(RULES["olc114"], cluster(my_ini="[mysqld]\n", grants=grants)) == []


def test_olc104_connection_pools_exceed_max_connections() -> None:
    pools = (
        master(prefs="database.max_pool_connections=100\n"),
        extension(prefs="database.max_pool_connections=60\n"),
    )
    found = findings(RULES["olc104"], cluster(*pools, my_ini="[mysqld]\nmax_connections=150\n"))
    assert brief(found) == [
        (
            "OLC104",
            "warning",
            "the Connect servers may open 160 database connections (master01 100, ext01 60) but "
            "the database accepts max_connections=150 (my.ini:2); under load it refuses the rest "
            "and jobs fail",
            "db/my.ini:2:1",
            "",
            "max_connections",
        )
    ]
    assert related(found[0]) == [
        ("master01/settings/test.prefs:1:31", "master01's pool may open 100 connections"),
        ("ext01/settings/test.prefs:1:31", "ext01's pool may open 60 connections"),
    ]
    # two servers with the default pool of 48 fit in 150, not in 90
    assert findings(RULES["olc104"], cluster(my_ini="[mysqld]\nmax_connections=150\n")) == []
    tight = findings(RULES["olc104"], cluster(my_ini="[mysqld]\nmax_connections=90\n"))
    assert [f.message.split(" but ")[0] for f in tight] == [
        "the Connect servers may open 96 database connections (master01 48 (default), "
        "ext01 48 (default))"
    ]


RUNNING = (
    '{"engine": "mariadb", "format": 1, "option_files": null, "sources": null, '
    '"tls_available": false, "variables": {"bind_address": "127.0.0.1", "port": 3306, '
    '"skip_name_resolve": false, "skip_networking": false, "version": "10.11.6"}}\n'
)


def _running(my_ini: str):
    from olclint.readers.serverinfo import parse_server_text

    built = cluster(my_ini=my_ini)
    running = parse_server_text(RUNNING, "db/server.json")
    return dataclasses.replace(built, database=dataclasses.replace(built.database, running=running))


def test_olc105_running_server_differs_from_its_option_file() -> None:
    found = findings(RULES["olc105"], _running("[mysqld]\nbind-address=0.0.0.0\n"))
    assert brief(found) == [
        (
            "OLC105",
            "warning",
            "the running database server has bind-address = 127.0.0.1, but my.ini:2 sets "
            "bind-address = 0.0.0.0: the file changed after the server started, or the server "
            "reads another file",
            "db/my.ini:2:1",
            "master01",
            "running:bind-address",
        )
    ]
    assert related(found[0]) == [
        ("db/server.json:1:1", 'the running server: bind_address = "127.0.0.1"')
    ]
    assert findings(RULES["olc105"], _running("[mysqld]\nbind-address=127.0.0.1\n")) == []


# -- cluster side --------------------------------------------------------------------------


def _engines(family: str, expected: int, *local: int):
    exts = [
        extension(
            f"ext0{i}", f"192.168.10.2{i}", prefs=f"{family}.local_engines={n}\n", line=10 * i
        )
        for i, n in enumerate(local, 1)
    ]
    return cluster(master(prefs=f"{family}.expected_remote_engines={expected}\n"), *exts)


def test_olc201_master_expects_more_merge_engines_than_launched() -> None:
    found = findings(RULES["olc201"], _engines("merge", 6, 2, 2))
    assert brief(found) == [
        (
            "OLC201",
            "error",
            "master01 expects 6 remote merge engines, the extensions launch 4: ext01 2, ext02 2; "
            "the master waits for engines that never register and jobs may fail",
            "master01/settings/test.prefs:1:1",
            "master01",
            "merge.expected_remote_engines",
        )
    ]
    assert found[0].fix == Fix(
        "set merge.expected_remote_engines to 4, the sum of the extensions' merge.local_engines",
        Location("master01/settings/test.prefs", 1, 31, 1, 32),
        "4",
    )
    assert findings(RULES["olc201"], _engines("merge", 4, 2, 2)) == []


def test_olc202_master_expects_fewer_weaver_engines_is_a_warning() -> None:
    found = findings(RULES["olc202"], _engines("weaver", 1, 2))
    assert brief(found) == [
        (
            "OLC202",
            "warning",
            "master01 expects 1 remote Weaver engines, the extensions launch 2: ext01 2; "
            "1 launched engine(s) are never used",
            "master01/settings/test.prefs:1:1",
            "master01",
            "weaver.expected_remote_engines",
        )
    ]
    assert findings(RULES["olc202"], _engines("weaver", 2, 2)) == []


def test_olc202_a_missing_count_is_a_note_not_a_verdict() -> None:
    built = cluster(master(prefs="weaver.expected_remote_engines=2\n"), extension(prefs=""))
    assert [(f.level, f.subject) for f in findings(RULES["olc202"], built)] == [
        (Level.NOTE, "weaver.local_engines@ext01")
    ]


def test_olc203_extension_scheduling_limit_is_ignored() -> None:
    built = cluster(
        master(prefs="scheduling.max_records_small_job=50\n"),
        extension(prefs="scheduling.max_records_small_job=100\n"),
    )
    found = findings(RULES["olc203"], built)
    assert brief(found) == [
        (
            "OLC203",
            "note",
            "ext01 sets scheduling.max_records_small_job = 100, but the master schedules the jobs "
            "and an extension's value is ignored; set it on the master",
            "ext01/settings/test.prefs:1:1",
            "ext01",
            "scheduling.max_records_small_job",
        )
    ]
    assert related(found[0]) == [
        ("master01/settings/test.prefs:1:1", "master01 sets scheduling.max_records_small_job = 50")
    ]
    only_master = cluster(master(prefs="scheduling.max_records_small_job=50\n"), extension())
    assert findings(RULES["olc203"], only_master) == []


def test_olc301_master_without_performance_pack() -> None:
    assert brief(findings(RULES["olc301"], cluster(master(edition="standard"), extension()))) == [
        (
            "OLC301",
            "error",
            "the master master01 has the standard edition; clustering needs a Performance Pack "
            "licence (performance-pack or enterprise)",
            "cluster.yaml:4:5",
            "master01",
            "license.edition",
        )
    ]
    pack = cluster(master(edition="performance-pack"), extension())
    assert findings(RULES["olc301"], pack) == []
    assert len(findings(RULES["olc301"], dataclasses.replace(pack, connect_version=(2024, 1)))) == 1


def test_olc302_unlicensed_extension() -> None:
    assert brief(findings(RULES["olc302"], cluster(master(), extension(edition="none")))) == [
        (
            "OLC302",
            "error",
            "the extension ext01 has no licence (edition none); every extension needs its own "
            "licence",
            "cluster.yaml:13:5",
            "ext01",
            "license.edition",
        )
    ]
    assert findings(RULES["olc302"], cluster(master(), extension(edition="standard"))) == []


def test_olc303_expired_licence_against_the_runs_date() -> None:
    built = cluster(master(expires=dt.date(2026, 1, 1)), extension())
    assert brief(findings(RULES["olc303"], built)) == [
        (
            "OLC303",
            "error",
            "the licence of master01 expired on 2026-01-01 (334 days before 2026-12-01)",
            "cluster.yaml:4:5",
            "master01",
            "license.expires",
        )
    ]
    assert findings(RULES["olc303"], built, today=dt.date(2026, 1, 1)) == []


def test_olc401_database_cleanup_on_an_extension() -> None:
    built = cluster(
        master(prefs="cleanup.enabled=true\ncleanup.database=false\n"),
        extension(prefs="cleanup.enabled=true\ncleanup.database=true\n"),
    )
    found = findings(RULES["olc401"], built)
    assert brief(found) == [
        (
            "OLC401",
            "error",
            "database clean-up runs on ext01, which does not host the database; only the "
            "database host master01 should clean database items",
            "ext01/settings/test.prefs:2:1",
            "ext01",
            "cleanup.database",
        )
    ]
    healthy = cluster(
        master(prefs="cleanup.enabled=true\ncleanup.database=true\n"),
        extension(prefs="cleanup.enabled=true\ncleanup.database=false\n"),
    )
    assert findings(RULES["olc401"], healthy) == []


def test_olc401_no_server_cleans_the_database_is_a_warning() -> None:
    built = cluster(
        master(prefs="cleanup.enabled=true\ncleanup.database=false\n"),
        extension(prefs="cleanup.enabled=false\n"),
    )
    assert [(f.level, f.location) for f in findings(RULES["olc401"], built)] == [
        (Level.WARNING, Location("master01/settings/test.prefs", 2, 1))
    ]


def test_olc402_runs_overlap_across_time_zones() -> None:
    built = cluster(
        master(prefs=PARIS_2AM, timezone="Europe/Paris"),
        extension(
            prefs="cleanup.enabled=true\ncleanup.cron=0 15 1 * * ?\n", timezone="Europe/London"
        ),
    )
    found = findings(RULES["olc402"], built)
    assert brief(found) == [
        (
            "OLC402",
            "error",
            "the clean-up runs of all 2 servers overlap at 2026-12-01T01:15:00Z (runs of 30m, "
            "the default expected_duration): master01 fires at 2026-12-01 02:00:00 "
            "Europe/Paris, ext01 fires at 2026-12-01 01:15:00 Europe/London; stagger the "
            "schedules, e.g. ext01 cleanup.cron=0 0 2 * * ? (Europe/London) (no two runs meet "
            "over the year)",
            "ext01/settings/test.prefs:2:1",
            "ext01",
            "cleanup.cron",
        )
    ]
    # the proposal, 45 minutes later, is the fix: the value of ext01's cleanup.cron
    fix = found[0].fix
    assert (fix.replacement, str(fix.location), fix.location.end_column) == (
        "0 0 2 * * ?",
        "ext01/settings/test.prefs:2:14",
        26,  # the whole of "0 15 1 * * ?"
    )
    staggered = cluster(
        master(prefs=PARIS_2AM, timezone="Europe/Paris"),
        extension(
            prefs="cleanup.enabled=true\ncleanup.cron=0 30 1 * * ?\n", timezone="Europe/London"
        ),
    )
    assert findings(RULES["olc402"], staggered) == []


def test_olc402_an_extension_without_a_zone_runs_in_the_masters() -> None:
    built = cluster(
        master(prefs=PARIS_2AM, timezone="Europe/Paris"),
        extension(prefs=PARIS_2AM),
    )
    assert [f.subject for f in findings(RULES["olc402"], built)] == ["cleanup.cron"]
    ctx = context(RULES["olc402"], built)
    assert str(ctx.facts.server("ext01").zone) == "Europe/Paris"
    assert ctx.today == TODAY


def test_olc403_cleanup_at_startup_everywhere() -> None:
    on = "cleanup.enabled=true\ncleanup.run_at_startup=true\n"
    found = findings(RULES["olc403"], cluster(master(prefs=on), extension(prefs=on)))
    assert brief(found) == [
        (
            "OLC403",
            "warning",
            "'Run at application start up' is on for every server with clean-up enabled "
            "(master01, ext01): restarting the cluster in the documented order (database host, "
            "master, extensions) starts every clean-up at once; keep it on one server at most",
            "ext01/settings/test.prefs:2:1",
            "ext01",
            "cleanup.run_at_startup",
        )
    ]
    off = "cleanup.enabled=true\ncleanup.run_at_startup=false\n"
    assert findings(RULES["olc403"], cluster(master(prefs=on), extension(prefs=off))) == []


# -- security ------------------------------------------------------------------------------


def test_olc501_plaintext_password_but_not_an_empty_one() -> None:
    built = cluster(master(prefs="db.password=hunter2\n"), extension(prefs="db.password=\n"))
    assert brief(findings(RULES["olc501"], built)) == [
        (
            "OLC501",
            "warning",
            "master01: 'db.password' holds a password in plain text in "
            "master01/settings/test.prefs; everyone who can read the repository can read it",
            "master01/settings/test.prefs:1:13",
            "master01",
            "master01/settings/test.prefs:db.password",
        )
    ]
    assert findings(RULES["olc501"], cluster(master(prefs="db.password=\n"), extension())) == []


def _with_mode(mode: int, my_ini: str = "[mysqld]\n[client]\npassword=hunter2\n"):
    built = cluster(my_ini=my_ini)
    option_file = dataclasses.replace(built.database.option_file, modes=(("db/my.ini", mode),))
    return dataclasses.replace(
        built, database=dataclasses.replace(built.database, option_file=option_file)
    )


def test_olc502_world_readable_option_file_with_a_password() -> None:
    assert brief(findings(RULES["olc502"], _with_mode(0o100604))) == [
        (
            "OLC502",
            "warning",
            "db/my.ini holds a password option ('password' in [client]) and its collected mode "
            "0604 lets every user read it; make it readable by its owner only (chmod 600)",
            "db/my.ini:3:1",
            "master01",
            "db/my.ini:password",
        )
    ]
    assert findings(RULES["olc502"], _with_mode(0o100600)) == []
    # a checkout's default mode says nothing about the server: a note, not a verdict
    assert [(f.level, f.subject) for f in findings(RULES["olc502"], _with_mode(0o100644))] == [
        (Level.NOTE, "db/my.ini:modes-not-collected")
    ]
    assert findings(RULES["olc502"], _with_mode(0o100604, "[client]\npassword=\n")) == []


def test_olc503_root_with_all_privileges_from_a_subnet() -> None:
    wide = "GRANT ALL PRIVILEGES ON *.* TO 'root'@'10.%';\n"
    assert brief(findings(RULES["olc503"], cluster(grants=wide))) == [
        (
            "OLC503",
            "warning",
            "'root'@'10.%' lets root, with ALL PRIVILEGES, log in from a whole subnet: every "
            "address that starts with '10.' matches; limit the account to the Connect servers' "
            "addresses",
            "db/grants.sql:1:1",
            "master01",
            "root@10.%",
        )
    ]
    narrow = "GRANT ALL PRIVILEGES ON *.* TO 'root'@'10.0.0.%';\n"
    assert findings(RULES["olc503"], cluster(grants=narrow)) == []


def test_facts_are_derived_once_per_cluster_object() -> None:
    """The picture and --sql ask for a cluster's facts after the rules: the same object is
    answered from memory while it lives, and forgotten with it."""
    import gc

    from olclint.model import facts as facts_module

    built = cluster(master(), extension())
    first = facts_module.derive(built)
    assert facts_module.derive(built) is first
    assert facts_module.derive(cluster(master(), extension())) is not first
    key = id(built)
    del built
    gc.collect()
    assert key not in facts_module._DERIVED
