"""Whether a host name written in a setting names a node with a given `hostname`.

Host names compare without case and without a trailing dot. A fully qualified name names
the node whose `hostname` is its first label (`connect-m1.corp.local` is `connect-m1`: the
short name is what Windows shows as the computer name), and a short name names the node
whose `hostname` is fully qualified with that first label; two fully qualified names must
be equal.
"""

from __future__ import annotations


def _clean(name: str) -> str:
    return name.strip().rstrip(".").lower()


def names_host(name: str, hostname: str | None) -> bool:
    """Whether `name` (from a setting) names the host called `hostname`."""
    if hostname is None or not name.strip():
        return False
    a, b = _clean(name), _clean(hostname)
    if a == b:
        return True
    if ("." in a) == ("." in b):
        return False  # two short names, or two fully qualified ones, that differ
    return a.split(".", 1)[0] == b.split(".", 1)[0]
