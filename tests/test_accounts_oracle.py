"""Account selection against a live MariaDB: the account olclint picks for a client address
and its verdict (login, ALL PRIVILEGES on the schema) equal what the server does.

One throwaway server per session, on loopback only, in a temp dir, on a free port, with
`--skip-name-resolve`; clients connect from chosen 127.x source addresses.
"""

from __future__ import annotations

import ipaddress
import os
import random
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from oracles import require

from olclint.domain.accounts import Client, pick_account
from olclint.readers.grants import parse_grants_text

SCHEMA = "objectiflune"
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.socket = str(base / "s.sock")
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, mariadbd: str) -> None:
        import pymysql

        data = self.base / "data"
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={data}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=90,
        )
        self.proc = subprocess.Popen(
            [
                mariadbd,
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={self.socket}",
                f"--pid-file={self.base / 'pid'}",
                "--bind-address=127.0.0.1",
                f"--port={self.port}",
                "--user=root",
                "--skip-name-resolve",
                f"--log-error={self.base / 'err.log'}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.admin = pymysql.connect(unix_socket=self.socket, user="root", autocommit=True)
                return
            except pymysql.err.OperationalError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        pytest.fail("the throwaway MariaDB did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    def run(self, sql: str) -> None:
        with self.admin.cursor() as cur:
            cur.execute(sql)

    def reset(self) -> None:
        with self.admin.cursor() as cur:
            cur.execute(
                "SELECT user, host FROM mysql.user WHERE NOT (user = 'root' AND host = 'localhost')"
                " AND user NOT IN ('mariadb.sys', 'mysql', 'PUBLIC')"
            )
            for user, host in cur.fetchall():
                cur.execute("DROP USER %s@%s", (user, host))

    def login(self, user: str, source: str) -> tuple[str | None, bool]:
        """(CURRENT_USER() or None when refused, ALL PRIVILEGES on the schema)."""
        import pymysql

        try:
            conn = pymysql.connect(
                host="127.0.0.1",
                port=self.port,
                user=user,
                password="",
                bind_address=source,
                connect_timeout=5,
            )
        except pymysql.err.OperationalError:
            return None, False
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT CURRENT_USER()")
                current = cur.fetchone()[0]
                cur.execute(
                    "SELECT COUNT(*) FROM information_schema.SCHEMA_PRIVILEGES"
                    " WHERE TABLE_SCHEMA = %s",
                    (SCHEMA,),
                )
                schema_privs = cur.fetchone()[0]
                cur.execute("SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES")
                global_privs = cur.fetchone()[0]
        finally:
            conn.close()
        return current, schema_privs >= FULL_SCHEMA_PRIVS or global_privs >= FULL_GLOBAL_PRIVS


FULL_SCHEMA_PRIVS = 19  # privileges ALL stands for at database level (MariaDB 10.11)
FULL_GLOBAL_PRIVS = 30


@pytest.fixture(scope="session")
def mariadb() -> Server:
    mariadbd = require("mariadbd")
    require("mariadb-install-db")
    pytest.importorskip("pymysql")
    with tempfile.TemporaryDirectory(prefix="olclint-mariadb-") as tmp:
        server = Server(Path(tmp))
        server.start(mariadbd)
        try:
            yield server
        finally:
            server.stop()


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
