"""Test settings shared by every test module.

Under CI (`CI` set) Hypothesis runs derandomized: the same examples on every run, so a
gate never fails on a new random draw. Locally it explores new examples each run.
"""

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.live_mariadb import Server, live_server

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def mariadb() -> Iterator[Server]:
    """The throwaway MariaDB of the live-server oracles (tests/live_mariadb.py)."""
    yield from live_server()
