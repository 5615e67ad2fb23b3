"""`olclint check` end to end over enough clusters for the process pool, under each start
method: the report is the same whether the workers are forked (Linux) or spawned (the
only start method Windows has), in process and as `python -m olclint`.

With `OLCLINT_START_METHOD=spawn` in the environment, the whole `pool` marker set (this
module and tests/test_parallel.py) runs again under `spawn`; `.ci/run` does that.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import GOOD  # the same small valid cluster

from olclint.cli.main import main
from olclint.core import platform
from olclint.engine import parallel

pytestmark = pytest.mark.pool

CLUSTERS = 10  # over MIN_PARALLEL: with --jobs 2 the CLI checks them with a pool
BAD_YAML = "version: 1\nname: [broken\n"
UNKNOWN_KEY = GOOD.replace("version: 1\n", "version: 1\ncolour: blue\n")

# every third cluster is broken: c01, c04, c07 (YAML), c02, c05, c08 (an unknown key)
EXPECTED = sorted(
    [("OLC001", f"clusters/c{i:02d}/cluster.yaml", 3) for i in (1, 4, 7)]
    + [("OLC001", f"clusters/c{i:02d}/cluster.yaml", 2) for i in (2, 5, 8)]
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for i in range(CLUSTERS):
        folder = tmp_path / "clusters" / f"c{i:02d}"
        (folder / "m").mkdir(parents=True)
        (folder / "m" / "my.ini").write_text("[mysqld]\nport=3306\n", encoding="utf-8")
        text = (GOOD, BAD_YAML, UNKNOWN_KEY)[i % 3]
        (folder / "cluster.yaml").write_text(text.format(name=f"c{i:02d}"), encoding="utf-8")
    return tmp_path


# --no-cache: every run checks (the spawned run must not reuse the forked run's result)
ARGS = ["--format", "json", "--today", "2026-01-15", "--select", "OLC00", "--jobs", "2"]
ARGS += ["--no-cache"]


def _findings(report: dict) -> list[tuple[str, str, int]]:
    return sorted(
        (f["rule"], f["location"]["path"], f["location"]["line"]) for f in report["findings"]
    )


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_check_in_process_under_each_start_method(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    used = []
    real = parallel._pool_context

    def spy(start_method: str | None):
        context = real(start_method)
        used.append(context.get_start_method())
        return context

    monkeypatch.setattr(parallel, "_pool_context", spy)
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 2)
    monkeypatch.setenv(platform.START_METHOD_ENV, method)
    code = main(["check", str(repo), "--root", str(repo), *ARGS])
    report = json.loads(capsys.readouterr().out)
    assert used == [method]  # the pool ran, with the forced start method
    assert (code, _findings(report), report["notifications"]) == (1, EXPECTED, [])


def _run_module(repo: Path, method: str, fmt: str = "json") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, platform.START_METHOD_ENV: method, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "olclint", "check", str(repo), "--root", str(repo)]
    return subprocess.run(
        [*command, *ARGS[2:], "--format", fmt],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=repo,
        check=False,
    )


def test_python_m_olclint_spawned_gives_the_forked_report(repo: Path) -> None:
    """Spawned workers re-import the main module: `python -m olclint` must not run again
    in them (it would print a second report, or hang)."""
    if platform.usable_cpus() < 2:
        pytest.skip("one CPU: the CLI uses no pool")
    forked = _run_module(repo, "fork")
    spawned = _run_module(repo, "spawn")
    assert (forked.returncode, spawned.returncode) == (1, 1)
    assert (forked.stderr, spawned.stderr) == ("", "")
    assert spawned.stdout == forked.stdout
    report = json.loads(spawned.stdout)
    assert (_findings(report), report["notifications"]) == (EXPECTED, [])
