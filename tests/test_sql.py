"""`check --sql FILE`: the statements, their quoting and hosts, no secret from any input."""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path

import pytest

from olclint.cli.main import main
from olclint.domain import sql

CASES = Path(__file__).parent / "fixtures" / "cases"
HEAD = (
    "-- olclint --sql: cluster c, schema access for its Connect servers\n"
    "-- Database server: MariaDB version unknown.\n"
)
REPLACE = (
    "-- Replace each '<password of USER>' by the password the Connect servers use for USER "
    "before running this file.\n"
)


def _ips(*texts: str) -> list:
    return [ipaddress.ip_address(t) for t in texts]


def test_host_patterns() -> None:
    assert sql.host_patterns(_ips("10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.0.7")) == [
        "10.0.0.4/255.255.255.252"
    ]
    assert sql.host_patterns(_ips("10.0.0.8", "10.0.0.9")) == ["10.0.0.8/255.255.255.254"]
    assert sql.host_patterns(_ips("10.0.0.5", "10.0.0.6")) == ["10.0.0.5", "10.0.0.6"]
    assert sql.host_patterns(_ips("10.0.0.4", "10.0.0.5", "10.0.0.7")) == [
        "10.0.0.4",
        "10.0.0.5",
        "10.0.0.7",
    ]
    assert sql.host_patterns(_ips("10.0.0.9")) == ["10.0.0.9"]
    assert sql.host_patterns(_ips("fd00::1", "fd00::0")) == ["fd00::", "fd00::1"]


def test_quoting() -> None:
    assert sql.quote_string("o'l\\c") == "'o''l\\\\c'"
    assert sql.quote_schema("objectif_lune%`x") == "`objectif\\_lune\\%``x`"
    assert sql.account("olc", "10.0.0.%") == "'olc'@'10.0.0.%'"


def test_script_on_mysql_80_never_puts_identified_inside_grant() -> None:
    needs = [
        sql.Need("olc", "10.0.0.5", "objectiflune", ("ext01",)),
        sql.Need("olc", "10.0.0.6", "objectiflune", ("ext02",), exists=True),
    ]
    text = sql.script("mysql", (8, 0, 36), needs, [("root", "%", "why")], title="t")
    assert text == (
        "-- t\n"
        "-- Database server: MySQL 8.0.36.\n" + REPLACE + "\n-- ext01\n"
        "CREATE USER 'olc'@'10.0.0.5' IDENTIFIED BY '<password of olc>';\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olc'@'10.0.0.5';\n"
        "\n-- ext02\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'olc'@'10.0.0.6';\n"
        "\n-- why\n"
        "DROP USER 'root'@'%';\n"
    )
    assert all("IDENTIFIED" not in line for line in text.splitlines() if "GRANT" in line)


def _sql(case: str, tmp_path: Path, capsys) -> str:
    root = tmp_path / case
    shutil.copytree(CASES / case, root)
    out = tmp_path / "out.sql"
    main(["check", str(root), "--root", str(root), "--sql", str(out)])
    report = capsys.readouterr().out
    assert f"--sql {out} written" in report
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "olc110_grants",
            HEAD + REPLACE + "\n-- master01\n"
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'127.0.0.1';\n"
            "\n-- ext01\n"
            "CREATE USER 'root'@'192.168.10.21' IDENTIFIED BY '<password of root>';\n"
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'192.168.10.21';\n"
            "\n-- ext03\n"
            "CREATE USER 'root'@'192.168.11.23' IDENTIFIED BY '<password of root>';\n"
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'192.168.11.23';\n",
        ),
        (
            "olc112_root_any_host",  # master01 logs in through root@%: its own account first
            HEAD + REPLACE + "\n-- master01\n"
            "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '<password of root>';\n"
            "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'127.0.0.1';\n"
            "\n-- root from any host (master01/grants.sql:1:1)\n"
            "DROP USER 'root'@'%';\n",
        ),
        ("pass_olc110_grants", None),
    ],
)
def test_sql_of_fixture_cases(case: str, expected: str | None, tmp_path: Path, capsys) -> None:
    text = _sql(case, tmp_path, capsys)
    if expected is None:
        assert text.endswith("-- Nothing to change.\n")
        assert "CREATE" not in text and "GRANT" not in text and "DROP" not in text
    else:
        assert text == expected
    grants = next((tmp_path / case).rglob("grants.sql")).read_text(encoding="utf-8")
    for secret in {part.split("'")[1] for part in grants.split("IDENTIFIED BY ")[1:]}:
        assert f"'{secret}'" not in text  # no password of the grants file


def test_sql_never_overwrites_an_input(tmp_path: Path, capsys) -> None:
    root = tmp_path / "c"
    shutil.copytree(CASES / "olc110_grants", root)
    grants = root / "master01" / "grants.sql"
    before = grants.read_bytes()
    code = main(["check", str(root), "--root", str(root), "--sql", str(grants)])
    captured = capsys.readouterr()
    assert code == 2
    assert "is a file this run read; it was not overwritten" in captured.err
    assert grants.read_bytes() == before


def _planned(built) -> str:
    import importlib

    from factory import findings

    from olclint.cli.sql import scripts

    names = ("olc110_grant_not_covering", "olc112_root_from_any_host", "olc503_root_from_subnet")
    found = [
        f.with_context(cluster=built.name)
        for name in names
        for f in findings(importlib.import_module(f"olclint.rules.{name}"), built)
    ]
    return scripts([built], found)[0]


SIM_HEAD = (
    "-- olclint --sql: cluster test, schema access for its Connect servers\n"
    "-- Database server: MariaDB 10.11.6.\n" + REPLACE
)


def test_sql_follows_the_account_the_server_picks() -> None:
    from factory import cluster, extension, master

    grants = (
        "CREATE USER 'root'@'localhost';\n"
        "GRANT SELECT ON objectiflune.* TO 'root'@'localhost';\n"
        "CREATE USER 'root'@'192.168.10.21' IDENTIFIED BY 'pw1';\n"
        "CREATE USER 'root'@'%' IDENTIFIED BY 'pw2';\n"
        "GRANT ALL ON *.* TO 'root'@'%';\n"
    )
    built = cluster(
        master("master01", "192.168.10.10"),
        extension("ext01", "192.168.10.20"),
        extension("ext02", "192.168.10.21"),
        grants=grants,
    )
    # master01 connects from loopback with name resolution: 'root'@'localhost' wins, so it
    # gets the grant; ext01/ext02 form a /31, but 'root'@'192.168.10.21' would win over
    # the pattern: one account each, the existing one only granted
    text = _planned(built)
    assert text == (
        SIM_HEAD + "\n-- master01\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'localhost';\n"
        "\n-- ext01\n"
        "CREATE USER 'root'@'192.168.10.20' IDENTIFIED BY '<password of root>';\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'192.168.10.20';\n"
        "\n-- ext02\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'192.168.10.21';\n"
        "\n-- root from any host (db/grants.sql:4:1)\n"
        "DROP USER 'root'@'%';\n"
    )
    assert "pw1" not in text and "pw2" not in text


def test_sql_pattern_for_an_aligned_block() -> None:
    from factory import cluster, extension, master

    built = cluster(
        master("master01", "192.168.10.20"),
        extension("ext01", "192.168.10.21"),
        db_node=None,
        external="192.168.10.5",
        grants="CREATE USER 'admin'@'localhost';\n",
        my_ini="[mysqld]\nskip-name-resolve\n",
    )
    assert _planned(built) == (
        SIM_HEAD + "\n-- master01, ext01\n"
        "CREATE USER 'root'@'192.168.10.20/255.255.255.254' IDENTIFIED BY '<password of root>';\n"
        "GRANT ALL PRIVILEGES ON `objectiflune`.* TO 'root'@'192.168.10.20/255.255.255.254';\n"
    )
