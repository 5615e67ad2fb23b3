"""Real oracles: skip when missing locally, fail when OLCLINT_REQUIRE_ORACLES=1 (CI)."""

import os
import shutil
from pathlib import Path

import pytest


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("OLCLINT_REQUIRE_ORACLES") == "1":
            pytest.fail(f"oracle {tool!r} is required (OLCLINT_REQUIRE_ORACLES=1) but missing")
        pytest.skip(f"oracle {tool!r} not installed")
    return path


def require_file(path: str, package: str) -> Path:
    """A file an oracle needs (a jar...), with the same skip-or-fail rule as `require`."""
    found = Path(path)
    if not found.is_file():
        if os.environ.get("OLCLINT_REQUIRE_ORACLES") == "1":
            pytest.fail(f"oracle file {path} ({package}) is required but missing")
        pytest.skip(f"oracle file {path} ({package}) not installed")
    return found
