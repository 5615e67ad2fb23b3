"""A throwaway MariaDB for the differential tests (accounts, grants, the client's output).

One server per test session, on loopback only, in a temp dir, on a free port, with
`--skip-name-resolve`; clients connect from chosen 127.x source addresses. The server is
stopped by its own PID. `capture` runs the real `mariadb` client and `mariadb-dump` to get
what an administrator would collect.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.oracles import require

SCHEMA = "objectiflune"


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
        self.extra: tuple[str, ...] = ()

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
                *self.extra,
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


def live_server(*extra: str) -> Iterator[Server]:
    """A started server (extra `mariadbd` options), stopped by its PID afterwards."""
    mariadbd = require("mariadbd")
    require("mariadb-install-db")
    pytest.importorskip("pymysql")
    with tempfile.TemporaryDirectory(prefix="olclint-mariadb-") as tmp:
        server = Server(Path(tmp))
        server.extra = extra
        server.start(mariadbd)
        try:
            yield server
        finally:
            server.stop()
