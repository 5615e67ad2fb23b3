"""bind-address and port as a real MariaDB start-up reads them.

Each value is tried with a real start of `mariadbd` inside a new network namespace (only a
loopback interface, so nothing outside is touched), stopped by its PID: whether it starts
and what it listens on equal `parse_bind_address`. `mariadbd --help --verbose` is the
oracle for the port an option file gives.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from olclint.domain.mysql import effective_options, parse_bind_address
from olclint.readers.optionfile import parse_option_text
from tests.oracles import require

PORT = 3399  # inside the namespace: no other server can hold it
VALUES = (
    "127.0.0.1",
    "localhost",
    "127.0.0.1,::1",
    "0.0.0.0,::",
    "127.0.0.1,*",
    "127.0.0.1,0.0.0.0",
    "::1,::",
    "::ffff:127.0.0.1",
    "::",
)
_START = r"""
ip link set lo up
"$MARIADBD" --no-defaults --datadir="$D/data" --socket="$D/s.sock" --pid-file="$D/pid" \
    --port=$PORT --user=root --skip-grant-tables --bind-address="$BIND" \
    --log-error="$D/err.log" &
P=$!
i=0
while [ $i -lt 100 ] && kill -0 $P 2>/dev/null && [ ! -S "$D/s.sock" ]; do
    sleep 0.1; i=$((i+1))
done
if kill -0 $P 2>/dev/null && [ -S "$D/s.sock" ]; then
    echo RUNNING
    cat /proc/net/tcp /proc/net/tcp6 | awk '$4 == "0A" { print $2 }'
    kill $P
fi
wait $P
"""


def _address(hex_text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = bytes.fromhex(hex_text.split(":")[0])
    if len(ip) == 4:
        return ipaddress.IPv4Address(ip[::-1])
    words = b"".join(ip[i : i + 4][::-1] for i in range(0, 16, 4))
    return ipaddress.IPv6Address(words)


@pytest.fixture(scope="module")
def datadir() -> Path:
    require("unshare")
    require("mariadb-install-db")
    if os.geteuid() != 0:
        pytest.skip("a network namespace needs root")
    with tempfile.TemporaryDirectory(prefix="olclint-bind-") as tmp:
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={tmp}/data",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=90,
        )
        yield Path(tmp)


def _start(datadir: Path, bind: str) -> set | None:
    """The addresses the server listened on, or None when it did not start."""
    env = dict(os.environ, MARIADBD=require("mariadbd"), D=str(datadir), BIND=bind)
    env["PORT"] = str(PORT)
    done = subprocess.run(
        ["unshare", "-n", "sh", "-c", _START],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    lines = done.stdout.split()
    (datadir / "s.sock").unlink(missing_ok=True)
    if not lines or lines[0] != "RUNNING":
        return None
    return {_address(line) for line in lines[1:] if line.endswith(f":{PORT:04X}")}


def _ours(bind: str) -> set | None:
    listen, _ = parse_bind_address(bind, "mariadb", (10, 11))
    if listen is None:
        return None
    out = set(listen.addresses)
    if listen.all_v4:
        out.add(ipaddress.ip_address("0.0.0.0"))
    if listen.all_v6:
        out.add(ipaddress.ip_address("::"))
    return out


@pytest.mark.oracle
def test_bind_address_matches_a_real_start_up(datadir: Path) -> None:
    theirs = {bind: _start(datadir, bind) for bind in VALUES}
    assert {bind: _ours(bind) for bind in VALUES} == theirs
    assert sum(v is None for v in theirs.values()) == 4  # the failing classes ran too


@pytest.mark.oracle
def test_port_matches_mariadbd_help() -> None:
    mariadbd = require("mariadbd")
    texts = ("[mysqld]\nport=\n", "[mysqld]\nport=0\n", "[mysqld]\nport=3310\n", "[mysqld]\n")
    theirs, ours = [], []
    with tempfile.TemporaryDirectory(prefix="olclint-port-") as tmp:
        for text in texts:
            path = Path(tmp) / "my.cnf"
            path.write_text(text)
            done = subprocess.run(
                [mariadbd, f"--defaults-file={path}", "--help", "--verbose"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            port = next(
                line.split()[1] for line in done.stdout.splitlines() if line.split()[:1] == ["port"]
            )
            theirs.append(int(port))
            ours.append(
                effective_options(parse_option_text(text, "my.cnf"), "mariadb", (10, 11)).port.value
            )
    assert theirs == [3306, 3306, 3310, 3306]
    assert ours == theirs
