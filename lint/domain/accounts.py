"""Which account a MySQL or MariaDB server picks for a client, and whether it covers a schema.

At login the server takes the rows (accounts) whose host pattern matches the client, in
its order, and the first row whose user is the login name or anonymous (`''`) wins; there
is no fall-through to a later row when that one lacks privileges or its password differs.

Host patterns (`host_matches`):
- `ip/netmask` (IPv4 only): matches when client & netmask == ip; an ip with host bits
  outside the mask, or a mask of 0.0.0.0, never matches.
- CIDR `ip/n`: MySQL 8.0.23+ only (MySQL 8.0 manual, "Specifying Account Names"); on MariaDB
  and older MySQL it is a plain string that no client address equals.
- `%` (any run) and `_` (one character), `\\` escapes the next character; compared with
  the client's IP text as is (`127.0.0.002` never matches 127.0.0.2).
- host names (and `localhost`) match only with name resolution on (no
  `skip-name-resolve`): against the client's host name, without case; a loopback client
  is `localhost`.

Order (`sort_key`), MariaDB 10.4+ (`get_magic_sort` in sql_acl.cc, checked against a live
MariaDB 10.11): the more specific host first, judged by the number of strings it can
match (an exact IP or a netmask, then `_` patterns, then `%` patterns with more literal
characters, `%` last); on a tie a named user before the anonymous one, then the host
text in descending byte order. MySQL (MySQL 8.0 manual, "Access Control, Stage 1"): exact hosts,
from 8.0.23 then CIDR (longer prefix first) and netmasks (larger mask first), then
patterns by the position of their first wildcard, `%`, then `''`; named before anonymous.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from olclint.domain.mysql import MARIADB, MYSQL_CIDR_FROM, version_at_least
from olclint.readers.grants import like_match

if TYPE_CHECKING:
    pass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_HOST_MAXLEN = 255  # max_hostname_length of MariaDB 10.4+


class AccountLike(Protocol):
    user: str
    host: str


@dataclass(frozen=True)
class Client:
    """A client as the server sees it: its address and, with name resolution, its name."""

    address: IPAddress
    hostname: str | None = None  # None: no name (or skip-name-resolve)

    @classmethod
    def of(cls, address: IPAddress, hostname: str | None, name_resolve: bool) -> Client:
        if not name_resolve:
            return cls(address, None)
        if address.is_loopback:
            return cls(address, "localhost")
        return cls(address, hostname)


def _ipv4_parts(text: str) -> int | None:
    parts = text.split(".")
    # ASCII digits only: the server's parser knows no other ('²' or '٣' make it text)
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and int(p) <= 255 for p in parts):
        return None
    value = 0
    for part in parts:
        value = (value << 8) + int(part)
    return value


_PATTERNS = 1 << 17  # host patterns kept parsed: far above 10,000 accounts, so no cliff


@functools.lru_cache(maxsize=_PATTERNS)
def netmask_of(pattern: str) -> tuple[int, int] | None:
    """(ip, mask) of an `ip/netmask` pattern, as integers, else None."""
    ip_text, slash, mask_text = pattern.partition("/")
    if not slash:
        return None
    ip, mask = _ipv4_parts(ip_text), _ipv4_parts(mask_text)
    if ip is None or mask is None or mask == 0:
        return None
    return ip, mask


@functools.lru_cache(maxsize=_PATTERNS)
def cidr_of(pattern: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network of a CIDR pattern `ip/n` (an IPv4 address with host bits is kept), else None."""
    ip_text, slash, bits = pattern.partition("/")
    if not slash or not (bits.isascii() and bits.isdigit()):
        return None
    try:
        address = ipaddress.ip_address(ip_text)
    except ValueError:
        return None
    if int(bits) > address.max_prefixlen:
        return None
    try:
        return ipaddress.ip_network(f"{ip_text}/{bits}", strict=False)
    except ValueError:  # a scoped IPv6 address ('fe80::1%eth0/64'), anything ipaddress refuses
        return None


def is_ip_pattern(pattern: str) -> bool:
    """Whether a host pattern can only match addresses (an IP, netmask, CIDR, or wildcards
    over digits, dots and colons)."""
    return re.fullmatch(r"[0-9a-fA-F.:%_/\\]*", pattern) is not None and pattern != ""


@functools.lru_cache(maxsize=_PATTERNS)
def _address_text(address: IPAddress) -> str:
    return str(address)  # asked once per account row: the same few addresses each time


def host_matches(
    pattern: str, client: Client, engine: str, version: tuple[int, ...] | None
) -> bool:
    """Whether the host part of an account matches this client."""
    if pattern == "":
        pattern = "%"
    masked = netmask_of(pattern)
    if masked is not None and client.address.version == 4:
        ip, mask = masked
        return (int(client.address) & mask) == ip
    if engine != MARIADB and version_at_least(version, MYSQL_CIDR_FROM):
        network = cidr_of(pattern)
        if network is not None:
            return client.address.version == network.version and client.address in network
    if like_match(pattern, _address_text(client.address)):
        return True
    return client.hostname is not None and like_match(pattern, client.hostname, ignore_case=True)


def _magic(pattern: str) -> int:
    """MariaDB's measure of how many strings a host pattern matches (smaller: more specific)."""
    n = m = k = p = 0
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "%":
            if not k and not m:
                p = n
            k += 1
            while i + 1 < len(pattern) and pattern[i + 1] == "%":
                i += 1
        elif c == "_":
            if not k and not m:
                p = n
            m += 1
        else:
            if c == "\\" and i + 1 < len(pattern):
                i += 1
            n += 1
        i += 1
    k, m = min(k, 31), min(m, 31)
    length = _HOST_MAXLEN - n - m if k else 0
    d, d1 = _HOST_MAXLEN + 1, 32
    if length > m:
        return (((length * 2 + 1) * d + k) * d1 + m) * d + p
    return (((m * 2) * d + length) * d1 + k) * d + p


def _first_wild(pattern: str) -> int:
    for i, c in enumerate(pattern):
        if c in "%_":
            return i
    return -1


def sort_key(account: AccountLike, engine: str, version: tuple[int, ...] | None) -> tuple:
    """Sort accounts ascending by this key to get the order the server tries them in."""
    host = account.host or ("%" if engine == MARIADB else "")
    anonymous = account.user == ""
    if engine == MARIADB:
        # descending byte order of the host text on ties: invert the bytes
        inverted = (*(-b for b in host.encode("utf-8")), 1)
        return (_magic(host), anonymous, inverted)
    wild = _first_wild(host)
    if host == "":
        rank: tuple = (5,)
    elif host == "%":
        rank = (4,)
    elif wild >= 0:
        rank = (3, -wild)
    else:
        modern = version_at_least(version, MYSQL_CIDR_FROM)
        cidr = cidr_of(host) if modern else None
        masked = netmask_of(host) if modern else None
        if cidr is not None:
            rank = (1, -cidr.prefixlen)
        elif masked is not None:
            rank = (2, -masked[1])
        else:
            rank = (0,)
    return (rank, anonymous, host)


def ordered(
    accounts: Iterable[AccountLike], engine: str, version: tuple[int, ...] | None
) -> list[AccountLike]:
    return sorted(accounts, key=lambda a: sort_key(a, engine, version))


@dataclass(frozen=True)
class Pick:
    """The account the server would use for `user` from a client, and the rows it passed."""

    account: AccountLike | None
    matching: tuple[AccountLike, ...]  # every row matching host and user, in server order


def pick_account(
    accounts: Sequence[AccountLike],
    user: str,
    client: Client,
    engine: str,
    version: tuple[int, ...] | None,
) -> Pick:
    """The first row, in the server's order, whose host matches and whose user is `user`
    or anonymous. There is no fall-through: that row is the account, good or bad."""
    # filter, then sort: the sort is stable, so this is the server's order of the matching
    # rows, without ordering every account for every client
    rows = ordered(
        (
            a
            for a in candidates(accounts, client, user)
            if (a.user == user or a.user == "") and host_matches(a.host, client, engine, version)
        ),
        engine,
        version,
    )
    return Pick(rows[0] if rows else None, tuple(rows))


# -- an index of the rows, so that a client is matched against the few that can match ------

_WILD = re.compile(r"[%_\\\\]")  # where the literal start of a host pattern ends


@dataclass(frozen=True)
class _Index:
    by_prefix: dict[str, tuple[int, ...]]  # literal start of the host -> row numbers
    by_prefix_lower: dict[str, tuple[int, ...]]  # the same in lower case (host names)
    by_netmask: dict[int, dict[int, tuple[int, ...]]]  # mask -> ip -> rows (`ip/netmask`)
    by_cidr: dict[tuple[int, int], dict[int, tuple[int, ...]]]  # (IP version, prefix) -> network


_INDEXES: dict[int, tuple[Sequence[AccountLike], dict[str | None, _Index]]] = {}


def forget_indexes() -> None:
    """Let the indexes go (they hold their account lists): once a cluster is checked."""
    _INDEXES.clear()


def _frozen(groups: dict) -> dict:
    return {k: _frozen(v) if isinstance(v, dict) else tuple(v) for k, v in groups.items()}


def _index(accounts: Sequence[AccountLike], user: str | None = None) -> _Index:
    """The index of one account list's rows (those of `user` and of the anonymous user
    `''` when a user is given: the only rows a login as `user` can use), built once per
    list and user (by identity: the lists are frozen).

    A host pattern can only match a text that starts with its literal part (what comes
    before its first `%`, `_` or escape; all of a plain host; nothing of `''`), the client's
    address text as it is, or its name in any case, as `like_match` compares them. An
    `ip/netmask` row matches the addresses whose masked value is its ip, a CIDR row those
    of its network: both are looked up by the client's masked address (every row is also
    under its literal start, for the engines that compare it as text)."""
    held = _INDEXES.get(id(accounts))
    if held is None or held[0] is not accounts:
        if len(_INDEXES) > 64:
            _INDEXES.clear()
        held = _INDEXES[id(accounts)] = (accounts, {})
    index = held[1].get(user)
    if index is None:
        rows = (
            enumerate(accounts)
            if user is None
            else ((i, a) for i, a in enumerate(accounts) if a.user == user or a.user == "")
        )
        index = held[1][user] = _build_index(rows)
    return index


def _build_index(rows: Iterable[tuple[int, AccountLike]]) -> _Index:
    by_prefix: dict[str, list[int]] = {}
    by_lower: dict[str, list[int]] = {}
    by_netmask: dict[int, dict[int, list[int]]] = {}
    by_cidr: dict[tuple[int, int], dict[int, list[int]]] = {}
    for i, account in rows:
        host = account.host
        if "/" in host:
            masked = netmask_of(host)
            if masked is not None:
                by_netmask.setdefault(masked[1], {}).setdefault(masked[0], []).append(i)
            network = cidr_of(host)
            if network is not None:
                key = (network.version, network.prefixlen)
                by_cidr.setdefault(key, {}).setdefault(int(network.network_address), []).append(i)
        wild = _WILD.search(host)
        prefix = host[: wild.start()] if wild else host
        by_prefix.setdefault(prefix, []).append(i)
        by_lower.setdefault(prefix.lower(), []).append(i)
    return _Index(_frozen(by_prefix), _frozen(by_lower), _frozen(by_netmask), _frozen(by_cidr))


def candidate_rows(
    accounts: Sequence[AccountLike], client: Client, user: str | None = None
) -> list[int]:
    """The numbers, in file order, of the rows whose host can match `client` (and, with
    `user`, whose user is `user` or `''`): a superset, `host_matches` still decides. Small
    lists are not worth an index."""
    if len(accounts) < 32:
        return list(range(len(accounts)))
    index = _index(accounts, user)
    rows: set[int] = set()
    address = client.address
    value = int(address)
    if address.version == 4:
        for mask, ips in index.by_netmask.items():
            rows.update(ips.get(value & mask, ()))
    for (version, prefix), networks in index.by_cidr.items():
        if version == address.version:
            bits = address.max_prefixlen - prefix
            rows.update(networks.get(value >> bits << bits, ()))
    text = _address_text(address)
    for k in range(len(text) + 1):
        rows.update(index.by_prefix.get(text[:k], ()))
    if client.hostname is not None:
        name = client.hostname.lower()
        for k in range(len(name) + 1):
            rows.update(index.by_prefix_lower.get(name[:k], ()))
    return sorted(rows)


def candidates(
    accounts: Sequence[AccountLike], client: Client, user: str | None = None
) -> list[AccountLike]:
    """The rows whose host can match `client`, in file order (`candidate_rows`)."""
    return [accounts[i] for i in candidate_rows(accounts, client, user)]


def nearest_account(
    accounts: Sequence[AccountLike], user: str, address: IPAddress
) -> AccountLike | None:
    """For a message: the account of `user` whose host text shares the longest start with
    the client's address (a hint at the line to change), or None."""
    own = [a for a in accounts if a.user == user]
    if not own:
        return None
    text = str(address)

    def shared(account: AccountLike) -> int:
        host = account.host
        n = 0
        while n < min(len(host), len(text)) and host[n] == text[n]:
            n += 1
        return n

    return max(own, key=shared)


def account_name(account: AccountLike) -> str:
    return f"'{account.user}'@'{account.host}'"


# -- how wide a host pattern is ---------------------------------------------------------------

SUBNET_PREFIX = 24  # a host opening more addresses than a /24 is a subnet-wide grant
_OCTETS = re.compile(r"((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.)*")


def subnet_opening(host: str, engine: str, version: tuple[int, ...] | None) -> str | None:
    """What a host pattern opens when it is wider than a /24 of IPv4 addresses, else None."""
    if host in ("", "%") or not is_ip_pattern(host) or ":" in host:
        return None  # any host: OLC112; IPv6 and host names are not judged
    masked = netmask_of(host)
    if masked is not None:
        ip, mask = masked
        prefix = bin(mask).count("1")
        if prefix >= SUBNET_PREFIX:
            return None
        network = ipaddress.IPv4Network((ip & mask, prefix))
        return f"the netmask covers {network.num_addresses} addresses ({network})"
    if "/" in host:
        network = cidr_of(host)
        cidr_works = engine != MARIADB and version_at_least(version, MYSQL_CIDR_FROM)
        if network is None or not cidr_works or network.prefixlen >= SUBNET_PREFIX:
            return None
        return f"the CIDR block covers {network.num_addresses} addresses ({network})"
    wild = min((i for i in (host.find("%"), host.find("_")) if i >= 0), default=-1)
    if wild < 0:
        return None  # one address
    literal = host[:wild]
    whole = _OCTETS.match(literal)[0]
    fixed = whole.count(".")
    partial = literal[len(whole) :]
    if fixed == 2 and partial.isdigit():
        # '192.168.100%' can only be 192.168.100.x: one /24; '192.168.1%' is 111 of them
        if sum(1 for v in range(256) if str(v).startswith(partial)) <= 1:
            return None
    elif fixed >= 3:
        return None
    return f"every address that starts with '{literal}' matches"
