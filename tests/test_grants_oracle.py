"""What a login may do on the schema, from grants as the live server prints them.

For each generated account set (rows of one user at several hosts, so that `mysql.db`
rows of one account reach a login matched by another; roles with and without a default
role, nested roles; locked accounts; `REQUIRE SSL` on a server without TLS; privilege
lists; database names in another case and with wildcards), the set is created on a live
MariaDB, collected the way administrators collect it (the statements themselves,
`SHOW CREATE USER` + `SHOW GRANTS` through the `mariadb` client in batch, table and `\\G`
form, `mariadb-dump --system=users`; saved as UTF-8, CRLF as cmd.exe writes, UTF-16 with a
BOM as PowerShell's `>` writes), read by olclint with no diagnostics, and olclint's answer
(the account, or a refusal, and whether it holds ALL PRIVILEGES on the schema) equals what
the server does when a client bound to a 127.x source address logs in and creates, alters,
inserts into, deletes from and drops a table in the schema. Every partial grant of the
generator lacks one of those five privileges, so "all five work" is "holds ALL".

Run on two servers: `lower_case_table_names=0` (Linux default) and `=1` (Windows default).

Not modelled, so not generated: a role granted to two rows of one user. MariaDB 10.11 then
gives the login the global privileges of whichever of those rows it finds first in its
role-grant hash (observed: `GRANT r TO u@'%'` before `GRANT r TO u@'127.0.0.2'` lets a
login matched by `u@'127.0.0.2'` use the global privileges of `u@'%'`; the other order does
not), an order that the collected grants do not show.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterator

import pytest

from olclint.domain.accounts import Client
from olclint.domain.privileges import MARIADB_DATABASE_PRIVILEGES, schema_access
from olclint.readers.grants import decode_grants, parse_grants_text, versioned_comment_runs
from tests.live_mariadb import SCHEMA, Server, as_collected, live_server

VERSION = (10, 11)
SETS_PER_SERVER = 160
LOGINS = ("olc", "root")
USERS = ("olc", "olc", "root", "")
SOURCES = ("127.0.0.1", "127.0.0.2", "127.0.0.5", "127.0.0.25", "127.0.1.5")
HOSTS = (
    "%",
    "127.0.0.%",
    "127.0.%",
    "127.0.0._",
    "127.0.0.2",
    "127.0.0.5",
    "127.0.0.1",
    "127.0.0.2%",
    "127.0.0.0/255.255.255.0",
    "localhost",
)
LISTED = sorted(MARIADB_DATABASE_PRIVILEGES)
KINDS = (
    "ALL",
    "ALL_GLOBAL",
    "SELECT",
    "ALL_REVOKED",
    "NONE",
    "OTHER_DB",
    "UPPER",
    "WILD",
    "LISTED",
    "LISTED_NO_ALTER",
    "SPLIT_GLOBAL",
)
FORMS = (
    ("statements", "utf-8"),
    ("batch", "utf-8"),
    ("table", "crlf"),
    ("vertical", "utf-16"),
    ("batch", "crlf"),
    ("batch", "utf-16"),
    ("table", "utf-16"),
    ("vertical", "crlf"),
    ("dump", "utf-8"),
    ("dump", "crlf"),
)


def _grant_sql(who: str, kind: str) -> list[str]:
    listed = ", ".join(LISTED)
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
        "UPPER": [f"GRANT ALL PRIVILEGES ON `ObjectifLune`.* TO {who}"],
        "WILD": [f"GRANT ALL PRIVILEGES ON `objectif%`.* TO {who}"],
        "LISTED": [f"GRANT {listed} ON {SCHEMA}.* TO {who}"],
        "LISTED_NO_ALTER": [
            f"GRANT {', '.join(p for p in LISTED if p != 'ALTER')} ON {SCHEMA}.* TO {who}"
        ],
        "SPLIT_GLOBAL": [
            f"GRANT {', '.join(p for p in LISTED if p != 'ALTER')} ON {SCHEMA}.* TO {who}",
            f"GRANT ALTER ON *.* TO {who}",
        ],
    }[kind]


def account_set(rng: random.Random, *, in_file_order: bool) -> list[str]:
    """The statements of one generated account set. Without `in_file_order` (collected
    output, whose order is not the order of creation), no user has both an exact-address
    row and a netmask row: the server orders those two by creation, which only a file of
    statements shows."""
    rows: list[str] = []
    statements: list[str] = []
    for _ in range(rng.randint(1, 5)):
        user, host = rng.choice(USERS), rng.choice(HOSTS)
        who = f"'{user}'@'{host}'"
        if who in rows or (user, host) == ("root", "localhost"):
            continue
        tie = "/" in host or host[-1].isdigit()
        if (
            not in_file_order
            and tie
            and any(r.startswith(f"'{user}'@") and ("/" in r or r[-2].isdigit()) for r in rows)
        ):
            continue
        rows.append(who)
        options = ""
        if rng.random() < 0.1:
            options = " ACCOUNT LOCK"
        elif rng.random() < 0.1:
            options = " REQUIRE SSL"
        statements.append(f"CREATE USER {who}{options}")
        statements += _grant_sql(who, rng.choice(KINDS))
    if rows and rng.random() < 0.4:
        nested = rng.random() < 0.3
        statements.append("CREATE ROLE app")
        holder = "base" if nested else "app"
        if nested:
            statements += ["CREATE ROLE base", "GRANT base TO app"]
        statements += _grant_sql(holder, rng.choice(("ALL", "SELECT", "UPPER", "ALL_GLOBAL")))
        holders: dict[str, str] = {}  # one row per user: see the module's docstring
        for who in rng.sample(rows, rng.randint(1, len(rows))):
            holders.setdefault(who.split("@")[0], who)
        for who in holders.values():
            statements.append(f"GRANT app TO {who}")
            if rng.random() < 0.6:
                statements.append(f"SET DEFAULT ROLE app FOR {who}")
    return statements


def _sets(seed: int) -> Iterator[tuple[int, list[str]]]:
    rng = random.Random(seed)
    for n in range(SETS_PER_SERVER):
        yield n, account_set(rng, in_file_order=FORMS[n % len(FORMS)][0] == "statements")


def _differential(server: Server, lctn: int, seed: int) -> tuple[int, list]:
    rng = random.Random(seed + 1)
    server.run(f"CREATE DATABASE IF NOT EXISTS {SCHEMA}")
    checked, mismatches = 0, []
    for n, statements in _sets(seed):
        server.reset()
        for sql in statements:
            server.run(sql)
        server.run("FLUSH PRIVILEGES")  # the server's state as after a restart
        form, encoding = FORMS[n % len(FORMS)]
        text = ";\n".join(statements) + ";\n" if form == "statements" else server.capture(form)
        decoded, bad, _ = decode_grants(as_collected(text, encoding))
        parsed = parse_grants_text(decoded, "grants.sql", bad, "mariadb", VERSION)
        assert [f.message for f in parsed.diagnostics] == [], (form, encoding, text)
        schema = "ObjectifLune" if lctn and n % 2 else SCHEMA
        for user in LOGINS:
            for source in rng.sample(SOURCES, 2):
                client = Client.of(ipaddress.ip_address(source), "connect-m1", name_resolve=False)
                access = schema_access(
                    parsed,
                    user,
                    client,
                    schema,
                    "mariadb",
                    VERSION,
                    lower_case_table_names=lctn,
                    server_tls=False,
                )
                ours = None
                if access.account is not None and access.refused is None:
                    ours = f"{access.account.user}@{access.account.host}"
                theirs, works = server.probe(user, source, schema)
                checked += 1
                if (ours, access.all_privileges) != (theirs, works):
                    mismatches.append(
                        (form, encoding, statements, user, source, (ours, access), (theirs, works))
                    )
    return checked, mismatches


@pytest.mark.oracle
def test_schema_access_matches_live_server(mariadb: Server) -> None:
    checked, mismatches = _differential(mariadb, 0, 20261201)
    assert checked == SETS_PER_SERVER * len(LOGINS) * 2
    assert mismatches == [], mismatches[:3]


@pytest.fixture(scope="module")
def mariadb_lctn1() -> Iterator[Server]:
    yield from live_server("--lower-case-table-names=1")


@pytest.mark.oracle
def test_schema_access_matches_live_server_lower_case_table_names(
    mariadb_lctn1: Server,
) -> None:
    checked, mismatches = _differential(mariadb_lctn1, 1, 20261202)
    assert checked == SETS_PER_SERVER * len(LOGINS) * 2
    assert mismatches == [], mismatches[:3]


@pytest.mark.oracle
def test_versioned_comments_match_live_server(mariadb: Server) -> None:
    """`/*!N ... */` and `/*M!N ... */` run exactly when olclint says they do."""
    with mariadb.admin.cursor() as cur:
        cur.execute("SELECT VERSION()")
        version = tuple(int(p) for p in cur.fetchone()[0].split("-")[0].split("."))
        number = version[0] * 10000 + version[1] * 100 + version[2]
        cases = [
            (form, n)
            for form in ("!", "M!")
            for n in (None, 40101, 50699, 50700, 80001, 99999, 100000, number, number + 1)
        ]
        ours, theirs = [], []
        for form, n in cases:
            cur.execute(f"SELECT 1 /*{form}{'' if n is None else n} +1 */")
            theirs.append(cur.fetchone()[0] == 2)
            ours.append(versioned_comment_runs(form == "M!", n, "mariadb", version))
    assert len(cases) == 18
    assert ours == theirs
