"""Account selection (olclint.domain.accounts): host patterns, server order, no fall-through."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from olclint.domain.accounts import (
    Client,
    host_matches,
    is_ip_pattern,
    nearest_account,
    ordered,
    pick_account,
)


@dataclass(frozen=True)
class Row:
    user: str
    host: str


def _client(ip: str, hostname: str | None = None) -> Client:
    return Client(ipaddress.ip_address(ip), hostname)


def _pick(rows, user, ip, engine="mariadb", version=(10, 11), hostname=None):
    pick = pick_account([Row(u, h) for u, h in rows], user, _client(ip, hostname), engine, version)
    return None if pick.account is None else (pick.account.user, pick.account.host)


def test_wildcards_and_literals() -> None:
    c = _client("127.0.0.25")
    assert host_matches("127.0.0.2%", c, "mariadb", None)
    assert host_matches("127.0.0.2_", c, "mariadb", None)
    assert not host_matches("127.0.0._", c, "mariadb", None)
    assert not host_matches("127.0.0.025", c, "mariadb", None)  # compared as text


def test_netmask() -> None:
    c = _client("127.0.0.5")
    assert host_matches("127.0.0.0/255.255.255.0", c, "mariadb", None)
    assert host_matches("127.0.0.0/255.0.255.0", c, "mariadb", None)  # non-contiguous
    assert not host_matches("127.0.0.5/255.255.255.0", c, "mariadb", None)  # host bits set
    assert not host_matches("127.0.0.0/0.0.0.0", c, "mariadb", None)


def test_cidr_only_on_mysql_8_0_23() -> None:
    # MySQL 8.0 manual, "Specifying Account Names": CIDR from 8.0.23
    c = _client("127.0.0.5")
    assert host_matches("127.0.0.0/24", c, "mysql", (8, 0, 23))
    assert not host_matches("127.0.0.0/24", c, "mysql", (8, 0, 22))
    assert not host_matches("127.0.0.0/24", c, "mariadb", (10, 11))


def test_names_only_with_name_resolution() -> None:
    resolved = Client.of(ipaddress.ip_address("192.168.10.21"), "connect-e1", name_resolve=True)
    skipped = Client.of(ipaddress.ip_address("192.168.10.21"), "connect-e1", name_resolve=False)
    assert host_matches("CONNECT-E1", resolved, "mariadb", None)
    assert host_matches("connect-%", resolved, "mariadb", None)
    assert not host_matches("connect-e1", skipped, "mariadb", None)
    local = Client.of(ipaddress.ip_address("127.0.0.1"), None, name_resolve=True)
    assert host_matches("localhost", local, "mariadb", None)
    assert not host_matches("localhost", _client("127.0.0.1"), "mariadb", None)


def test_mariadb_order_observed_on_a_live_server() -> None:
    assert _pick([("root", "127.0.0.%"), ("root", "127.0.0._")], "root", "127.0.0.5") == (
        "root",
        "127.0.0._",
    )
    # an anonymous row with a more specific host wins: no fall-through
    assert _pick([("root", "%"), ("", "127.0.0.5")], "root", "127.0.0.5") == ("", "127.0.0.5")
    assert _pick([("", "127.0._.5"), ("root", "127.0.0.%")], "root", "127.0.0.5") == (
        "",
        "127.0._.5",
    )
    # equal hosts: the named user first
    assert _pick([("", "%"), ("root", "%")], "root", "127.0.0.5") == ("root", "%")
    assert _pick([("", "127.0.0.5"), ("root", "127.0.0.0/255.255.255.0")], "root", "127.0.0.5") == (
        "root",
        "127.0.0.0/255.255.255.0",
    )
    assert _pick([("root", "127.0.0.0/24")], "root", "127.0.0.5") is None


def test_mysql_order_follows_the_manual() -> None:
    # MySQL 8.0 manual, "Access Control, Stage 1": exact, CIDR, netmask, patterns
    rows = [
        ("root", "%"),
        ("root", "127.0.0.%"),
        ("root", "127.0.0.0/255.255.255.0"),
        ("root", "127.0.0.0/24"),
        ("root", "127.0.0.5"),
        ("", "127.0.0.5"),
    ]
    order = ordered([Row(u, h) for u, h in rows], "mysql", (8, 0, 36))
    assert [(r.user, r.host) for r in order] == [
        ("root", "127.0.0.5"),
        ("", "127.0.0.5"),
        ("root", "127.0.0.0/24"),
        ("root", "127.0.0.0/255.255.255.0"),
        ("root", "127.0.0.%"),
        ("root", "%"),
    ]


def test_nearest_account_for_messages() -> None:
    rows = [Row("root", "10.%"), Row("root", "192.168.10.%"), Row("app", "192.168.11.%")]
    near = nearest_account(rows, "root", ipaddress.ip_address("192.168.11.23"))
    assert near == Row("root", "192.168.10.%")
    assert nearest_account(rows, "nobody", ipaddress.ip_address("192.168.11.23")) is None


def test_ip_patterns() -> None:
    assert is_ip_pattern("192.168.%") and is_ip_pattern("10.0.0.0/255.0.0.0")
    assert not is_ip_pattern("connect-m1") and not is_ip_pattern("%.corp.local")


HOSTS = st.sampled_from(
    ["%", "127.0.0.%", "127.0.0._", "127.0.0.5", "127.%", "1%", "127.0.0.0/255.255.255.0"]
)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(st.sampled_from(["root", "", "app"]), HOSTS), max_size=6, unique=True),
    engine=st.sampled_from(["mariadb", "mysql"]),
)
def test_pick_is_the_first_matching_row_and_named_beats_anonymous_on_ties(rows, engine) -> None:
    accounts = [Row(u, h) for u, h in rows]
    pick = pick_account(accounts, "root", _client("127.0.0.5"), engine, (8, 0, 36))
    if pick.account is None:
        assert pick.matching == ()
        return
    assert pick.account == pick.matching[0]
    assert pick.account.user in ("root", "")
    if pick.account.user == "":
        assert Row("root", pick.account.host) not in accounts
