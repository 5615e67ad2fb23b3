"""Real oracles: skip when missing locally, fail when OLCLINT_REQUIRE_ORACLES=1 (CI)."""

import os
import shutil

import pytest


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("OLCLINT_REQUIRE_ORACLES") == "1":
            pytest.fail(f"oracle {tool!r} is required (OLCLINT_REQUIRE_ORACLES=1) but missing")
        pytest.skip(f"oracle {tool!r} not installed")
    return path
