"""Test settings shared by every test module.

Under CI (`CI` set) Hypothesis runs derandomized: the same examples on every run, so a
gate never fails on a new random draw. Locally it explores new examples each run.

The programs the test extras install next to the interpreter (`pre-commit`, `ruff`) are
found as in an activated virtual environment: `.venv/bin/python -m pytest` puts that
folder first on PATH, so the oracle tests that run them do not depend on activation.
"""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.live_mariadb import Server, live_server

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN, os.environ.get("PATH", "")])


@pytest.fixture(scope="session")
def mariadb() -> Iterator[Server]:
    """The throwaway MariaDB of the live-server oracles (tests/live_mariadb.py)."""
    yield from live_server()
