"""Host names in settings against a node's `hostname` (lint/domain/hostnames.py)."""

from __future__ import annotations

import pytest

from olclint.domain.hostnames import names_host


@pytest.mark.parametrize(
    ("name", "hostname", "expected"),
    [
        ("connect-m1", "connect-m1", True),
        ("CONNECT-M1", "connect-m1", True),
        ("connect-m1.corp.local", "connect-m1", True),
        ("connect-m1.corp.local.", "CONNECT-M1", True),
        ("connect-m1", "connect-m1.corp.local", True),
        ("connect-m1.corp.local", "connect-m1.corp.local", True),
        ("connect-m1.other.local", "connect-m1.corp.local", False),
        ("connect-m2.corp.local", "connect-m1", False),
        ("connect-m1", "connect-m2", False),
        ("connect", "connect-m1", False),
        ("", "connect-m1", False),
        ("connect-m1", None, False),
    ],
)
def test_names_host(name: str, hostname: str | None, expected: bool) -> None:
    assert names_host(name, hostname) is expected
