"""Account selection against a live MariaDB: the account olclint picks for a client address
and its verdict (login, ALL PRIVILEGES on the schema) equal what the server does.

One throwaway server per session, on loopback only, in a temp dir, on a free port, with
`--skip-name-resolve`; clients connect from chosen 127.x source addresses.
"""

from __future__ import annotations

import ipaddress
import random

import pytest

from olclint.domain.accounts import Client, pick_account
from olclint.readers.grants import parse_grants_text
from tests.live_mariadb import SCHEMA, Server

PAIRS = 240
USERS = ("root", "olc")
SOURCES = ("127.0.0.1", "127.0.0.2", "127.0.0.5", "127.0.0.25", "127.0.1.5", "127.1.0.9")
HOSTS = (
    "%",
    "127.0.0.%",
    "127.0.%",
    "127.0.0._",
    "127.0._.5",
    "127.0.0.2%",
    "127.0.0.2",
    "127.0.0.5",
    "127.0.0.1",
    "127.0.1.5",
    "127.0.0.0/255.255.255.0",
    "127.0.0.0/255.255.0.0",
    "127.0.0.0/255.0.255.0",
    "127.0.0.5/255.255.255.0",
    "127.0.0.0/24",
    "127.0.0.5/32",
    "127.0.0.005",
    "127.%.5",
    "1%",
    "_27.0.0.%",
    "localhost",
    "connect-m1",
)
GRANTS = ("ALL", "ALL_GLOBAL", "SELECT", "ALL_REVOKED", "NONE", "OTHER_DB")


def _grant_sql(user: str, host: str, kind: str) -> list[str]:
    who = f"'{user}'@'{host}'"
    return {
        "ALL": [f"GRANT ALL PRIVILEGES ON {SCHEMA}.* TO {who}"],
        "ALL_GLOBAL": [f"GRANT ALL PRIVILEGES ON *.* TO {who}"],
        "SELECT": [f"GRANT SELECT, INSERT ON {SCHEMA}.* TO {who}"],
        "ALL_REVOKED": [
            f"GRANT ALL PRIVILEGES ON {SCHEMA}.* TO {who}",
            f"REVOKE DELETE ON {SCHEMA}.* FROM {who}",
        ],
        "NONE": [],
        "OTHER_DB": [f"GRANT ALL PRIVILEGES ON other.* TO {who}"],
    }[kind]


def _account_sets(rng: random.Random, count: int) -> list[list[tuple[str, str, str]]]:
    sets = []
    for _ in range(count):
        rows: dict[tuple[str, str], str] = {}
        for _ in range(rng.randint(1, 5)):
            user, host = rng.choice((*USERS, "", "root")), rng.choice(HOSTS)
            if (user, host) != ("root", "localhost"):  # the administrator's own account
                rows[(user, host)] = rng.choice(GRANTS)
        sets.append([(u, h, g) for (u, h), g in rows.items()])
    return sets


@pytest.mark.oracle
def test_picked_account_and_verdict_match_live_server(mariadb: Server) -> None:
    rng = random.Random(20240611)
    checked = 0
    mismatches = []
    for accounts in _account_sets(rng, 60):
        mariadb.reset()
        statements = []
        for user, host, grant in accounts:
            statements.append(f"CREATE USER '{user}'@'{host}'")
            statements += _grant_sql(user, host, grant)
        for sql in statements:
            mariadb.run(sql)
        mariadb.run("FLUSH PRIVILEGES")
        parsed = parse_grants_text(";\n".join(statements) + ";\n", "grants.sql")
        assert parsed.diagnostics == ()
        for user in USERS:
            for source in rng.sample(SOURCES, 2):
                client = Client.of(ipaddress.ip_address(source), "connect-m1", name_resolve=False)
                pick = pick_account(parsed.accounts, user, client, "mariadb", (10, 11))
                ours = None if pick.account is None else f"{pick.account.user}@{pick.account.host}"
                covered = pick.account is not None and pick.account.has_all_on(SCHEMA) is not None
                theirs, granted = mariadb.login(user, source)
                checked += 1
                if (ours, covered) != (theirs, granted if theirs else False):
                    mismatches.append((accounts, user, source, (ours, covered), (theirs, granted)))
    assert checked >= 200
    assert mismatches == [], mismatches[:5]
