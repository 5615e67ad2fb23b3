"""Test settings shared by every test module.

Under CI (`CI` set) Hypothesis runs derandomized: the same examples on every run, so a
gate never fails on a new random draw. Locally it explores new examples each run.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
