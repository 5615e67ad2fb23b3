"""Fetch the JUnit XML schema the JUnit-format tests validate against.

The schema is `junit-10.xsd` (Gregory Boissinot's, MIT licence: the JUnit XML of Jenkins'
xUnit plugin and Maven Surefire), as pytest ships it in its source distribution to check
its own `--junitxml` output. It comes from PyPI, like every package of the tests: the
sdist of the installed pytest, downloaded by pip, and the one file taken out of it into
`tests/data/.oracles/junit-10.xsd` (not committed). `.ci/run` calls this; locally run
`python tests/fetch_junit_xsd.py` once.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).parent / "data" / ".oracles" / "junit-10.xsd"


def main() -> int:
    import pytest

    version = pytest.__version__
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                tmp,
                f"pytest=={version}",
            ],
            check=True,
        )
        (sdist,) = Path(tmp).glob("pytest-*.tar.gz")
        with tarfile.open(sdist) as archive:
            name = f"pytest-{version}/testing/example_scripts/junit-10.xsd"
            member = archive.extractfile(name)
            if member is None:
                print(f"{sdist.name} holds no {name}", file=sys.stderr)
                return 1
            TARGET.parent.mkdir(parents=True, exist_ok=True)
            TARGET.write_bytes(member.read())
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
