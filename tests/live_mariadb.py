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

    def accounts(self) -> list[tuple[str, str, bool]]:
        """(user, host, is_role) of every account and role but the server's own."""
        with self.admin.cursor() as cur:
            cur.execute(
                "SELECT user, host, is_role = 'Y' FROM mysql.user"
                " WHERE NOT (user = 'root' AND host = 'localhost')"
                " AND user NOT IN ('mariadb.sys', 'mysql', 'PUBLIC') ORDER BY user, host"
            )
            return [(u, h, bool(r)) for u, h, r in cur.fetchall()]

    def reset(self) -> None:
        with self.admin.cursor() as cur:
            for user, host, role in self.accounts():
                if role:
                    cur.execute(f"DROP ROLE `{user}`")
                else:
                    cur.execute("DROP USER %s@%s", (user, host))

    def client(self, *args: str, sql: str) -> str:
        """What the `mariadb` client prints for `sql` (run through the socket as root)."""
        done = subprocess.run(
            [require("mariadb"), "--no-defaults", f"--socket={self.socket}", "-uroot", *args],
            input=sql,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    def show_sql(self) -> str:
        """SHOW CREATE USER and SHOW GRANTS for every account, SHOW GRANTS for every role:
        what an administrator runs to collect a grants.sql."""
        lines = []
        for user, host, role in self.accounts():
            if role:
                lines.append(f"SHOW GRANTS FOR `{user}`;")
            else:
                lines.append(f"SHOW CREATE USER `{user}`@`{host}`;")
                lines.append(f"SHOW GRANTS FOR `{user}`@`{host}`;")
        return "\n".join(lines) + "\n"

    def capture(self, form: str) -> str:
        """The collected text: `batch` (`mariadb -e` redirected to a file), `table`
        (`mariadb -t`, as on a console), `vertical` (`\\G`, `mariadb -E`), or `dump`
        (`mariadb-dump --system=users`)."""
        if form == "dump":
            done = subprocess.run(
                [
                    require("mariadb-dump"),
                    "--no-defaults",
                    f"--socket={self.socket}",
                    "-uroot",
                    "--system=users",
                ],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            return done.stdout
        flag = {"batch": "-B", "table": "-t", "vertical": "-E"}[form]
        return self.client(flag, sql=self.show_sql())

    def probe(self, user: str, source: str, schema: str = SCHEMA) -> tuple[str | None, bool]:
        """(CURRENT_USER() or None when the login is refused, whether the login can create,
        alter, insert into, delete from and drop a table in `schema`)."""
        import pymysql

        try:
            conn = pymysql.connect(
                host="127.0.0.1",
                port=self.port,
                user=user,
                password="",
                bind_address=source,
                connect_timeout=5,
                autocommit=True,
            )
        except pymysql.err.OperationalError:
            return None, False
        table = f"`{schema}`.`olc_probe`"
        ok = True
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT CURRENT_USER()")
                current = cur.fetchone()[0]
                for sql in (
                    f"CREATE TABLE {table} (a INT)",
                    f"ALTER TABLE {table} ADD b INT",
                    f"INSERT INTO {table} VALUES (1, 2)",
                    f"DELETE FROM {table}",
                    f"DROP TABLE {table}",
                ):
                    try:
                        cur.execute(sql)
                    except (pymysql.err.OperationalError, pymysql.err.ProgrammingError):
                        ok = False
                        break
        finally:
            conn.close()
            self.run(f"DROP TABLE IF EXISTS {table}")
        return current, ok

    def login(self, user: str, source: str, password: str = "") -> tuple[str | None, bool]:
        """(CURRENT_USER() or None when refused, ALL PRIVILEGES on the schema)."""
        import pymysql

        try:
            conn = pymysql.connect(
                host="127.0.0.1",
                port=self.port,
                user=user,
                password=password,
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


def as_collected(text: str, encoding: str) -> bytes:
    """The bytes of a collected file: `utf-8` as on Linux, `crlf` as cmd.exe's `>` writes
    (the client's output with CRLF line ends), `utf-16` as Windows PowerShell 5's `>`
    writes (Out-File: UTF-16 LE with a byte order mark, CRLF)."""
    if encoding == "utf-8":
        return text.encode("utf-8")
    crlf = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if encoding == "crlf":
        return crlf.encode("utf-8")
    if encoding == "utf-16":
        return b"\xff\xfe" + crlf.encode("utf-16-le")
    raise ValueError(encoding)
