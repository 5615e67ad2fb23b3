"""Test settings shared by every test module.

Under CI (`CI` set) Hypothesis runs derandomized: the same examples on every run, so a
gate never fails on a new random draw. Locally it explores new examples each run.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _own_result_cache(tmp_path_factory, monkeypatch):
    """Every test has a result cache of its own (olclint.cli.cache), never the user's."""
    monkeypatch.setenv("OLCLINT_CACHE_DIR", str(tmp_path_factory.mktemp("olclint-cache")))
