"""The account index (domain/accounts.py `candidates`) changes no selection: on 20,000 random
account sets the indexed `pick_account` equals a scan of every row with `host_matches`."""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass

from olclint.domain.accounts import Client, candidates, host_matches, ordered, pick_account

SETS = 20_000
USERS = ["olc", "root", ""]
ADDRESSES = ["10.0.0.5", "10.0.0.50", "10.0.1.5", "192.168.10.21", "127.0.0.1", "::1", "fe80::1"]
NAMES = [None, "ext01", "EXT01.corp.local", "localhost"]


@dataclass(frozen=True)
class Row:
    user: str
    host: str


def _host(rng: random.Random) -> str:
    address = rng.choice(ADDRESSES)
    return rng.choice(
        [
            address,
            address.upper(),
            address.replace("0.0.5", "0.0.005"),
            address.rsplit(".", 1)[0] + ".%" if "." in address else "fe80::%",
            address[:-1] + "_",
            "10.0.0.0/255.255.255.0",
            "10.0.0.0/255.255.0.0",
            "10.0.0.5/255.255.255.255",
            "10.0.0.7/255.255.255.0",  # host bits outside the mask: never matches
            "10.0.0.0/0.0.0.0",
            "192.168.10.0/255.255.255.128",
            "10.0.0.0/24",
            "10.0.1.9/16",  # host bits: kept, the network is 10.0.0.0/16
            "10.0.0.5/32",
            "0.0.0.0/0",
            "fe80::/10",
            "::1/128",
            "10.0.%/255.255.255.0",
            "10.0.0.0/\u00b2",  # digits the server does not read as digits: plain text
            "10.0.0.0/\u0663",
            "10.0.0.\u0663/255.255.255.0",
            "%",
            "",
            "ext01",
            "EXT01",
            "ext01.corp.local",
            "localhost",
            "10.0.0.5\\%",
        ]
    )


def _naive(rows, user, client, engine, version):
    matching = ordered(
        (
            a
            for a in rows
            if (a.user == user or a.user == "") and host_matches(a.host, client, engine, version)
        ),
        engine,
        version,
    )
    return (matching[0] if matching else None, tuple(matching))


def test_the_index_changes_no_selection() -> None:
    rng = random.Random(20261201)
    differences = 0
    for _ in range(SETS):
        rows = tuple(Row(rng.choice(USERS), _host(rng)) for _ in range(rng.randint(32, 48)))
        client = Client(ipaddress.ip_address(rng.choice(ADDRESSES)), rng.choice(NAMES))
        engine, version = rng.choice(
            [("mariadb", (10, 11)), ("mysql", (8, 0, 36)), ("mysql", (5, 7))]
        )
        user = rng.choice(USERS[:2])
        pick = pick_account(rows, user, client, engine, version)
        differences += (pick.account, pick.matching) != _naive(rows, user, client, engine, version)
    assert differences == 0


def test_the_index_leaves_out_plain_hosts_that_cannot_match() -> None:
    rows = (*(Row("olc", f"10.0.{i // 250}.{i % 250}") for i in range(40)), Row("olc", "%"))
    client = Client(ipaddress.ip_address("10.0.0.7"), None)
    assert [r.host for r in candidates(rows, client)] == ["10.0.0.7", "%"]


def test_the_index_looks_netmask_and_cidr_rows_up_by_the_masked_address() -> None:
    hosts = [f"10.{i}.0.0/255.255.0.0" for i in range(40)] + [f"10.{i}.0.0/16" for i in range(40)]
    rows = tuple(Row("olc", host) for host in hosts)
    client = Client(ipaddress.ip_address("10.7.3.4"), None)
    assert [r.host for r in candidates(rows, client)] == ["10.7.0.0/255.255.0.0", "10.7.0.0/16"]
