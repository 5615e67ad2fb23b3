"""The pre-commit hooks with the real pre-commit: `pre-commit try-repo` installs olclint from
a copy of this repository (the working tree as it is, committed in a temporary clone) and
runs the hooks `olclint` and `olclint-all` in a generated config repository.

pre-commit builds its environment with pip, so this needs the package index (PyPI) for
olclint's dependencies; the environment is cached for the module (PRE_COMMIT_HOME).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from oracles import require
from test_config import CLUSTER_DIR, example, make_repo

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "lint", "rules", "schemas")
TIMEOUT = 900
GIT_ENV = {
    "GIT_AUTHOR_NAME": "olclint tests",
    "GIT_AUTHOR_EMAIL": "tests@olclint.invalid",
    "GIT_COMMITTER_NAME": "olclint tests",
    "GIT_COMMITTER_EMAIL": "tests@olclint.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}

pytestmark = pytest.mark.oracle


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = _run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    require("pre-commit")
    require("git")
    home = tmp_path_factory.mktemp("home")
    return {
        **os.environ,
        **GIT_ENV,
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "PRE_COMMIT_COLOR": "never",
        "NO_COLOR": "1",
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> tuple[Path, str]:
    """This repository's shipped files as they are now, committed in a fresh git repo."""
    src = tmp_path_factory.mktemp("olclint-src")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SHIPPED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    _git(src, env, "init", "-q")
    _git(src, env, "add", ".")
    _git(src, env, "commit", "-q", "-m", "olclint")
    return src, _git(src, env, "rev-parse", "HEAD")


@pytest.fixture
def config_repo(tmp_path: Path, env: dict[str, str]) -> Path:
    repo = tmp_path / "configs"
    repo.mkdir()
    _git(repo, env, "init", "-q")
    make_repo(repo)
    (repo / ".olclint.toml").write_text('select = ["OLC0"]\n')
    (repo / "tools").mkdir()
    (repo / "tools" / "unrelated.ini").write_text("[tool]\nx=1\n")  # in no cluster folder
    _git(repo, env, "add", ".")
    _git(repo, env, "commit", "-q", "-m", "clusters")
    return repo


def _try_repo(repo: Path, src: Path, hook: str, env: dict[str, str]):
    return _run(
        ["pre-commit", "try-repo", str(src), hook, "--all-files", "--verbose"],
        repo,
        env,
    )


@pytest.mark.parametrize("hook", ["olclint", "olclint-all"])
def test_hook_passes_on_a_clean_cluster_and_fails_on_a_broken_one(
    hook: str, config_repo: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    src, _ = hook_repo
    done = _try_repo(config_repo, src, hook, env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Passed" in out and "No problems found." in out, out
    if hook == "olclint":
        assert "skipped tools/unrelated.ini: no cluster.yaml in its folder or above it" in out

    ini = config_repo / CLUSTER_DIR / "master01" / "my.ini"
    ini.write_text("[ mysqld ]\nport = 3306\n")
    done = _try_repo(config_repo, src, hook, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Failed" in out and "- exit code: 1" in out, out
    assert f"{CLUSTER_DIR}/master01/my.ini:1:2: OLC004 warning: the group name [ mysqld ]" in out
    assert "Found 1 problem (0 errors, 1 warning, 0 notes) in 1 file." in out


def test_the_readme_pre_commit_config(
    config_repo: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    src, rev = hook_repo
    config = yaml.safe_load(example("pre-commit"))
    assert config["repos"][0]["hooks"] == [{"id": "olclint"}]
    config["repos"][0]["repo"] = str(src)
    config["repos"][0]["rev"] = rev
    (config_repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    done = _run(["pre-commit", "validate-config", ".pre-commit-config.yaml"], config_repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    done = _run(
        ["pre-commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")], ROOT, env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["olclint"]["require_serial"] is True
    assert hooks["olclint-all"]["pass_filenames"] is False


def _try_staged(repo: Path, src: Path, env: dict[str, str]):
    """The `olclint` hook on what is staged, as `git commit` runs it."""
    return _run(["pre-commit", "try-repo", str(src), "olclint", "--verbose"], repo, env)


def test_a_changed_configuration_file_checks_every_cluster(
    config_repo: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    src, _ = hook_repo
    (config_repo / CLUSTER_DIR / "master01" / "my.ini").write_text("[ mysqld ]\nport = 3306\n")
    (config_repo / ".olclint.toml").write_text('select = ["OLC0"]\nignore = ["OLC004"]\n')
    _git(config_repo, env, "add", ".")
    _git(config_repo, env, "commit", "-q", "-m", "accepted for now")
    (config_repo / ".olclint.toml").write_text('select = ["OLC0"]\n')
    _git(config_repo, env, "add", ".olclint.toml")
    done = _try_staged(config_repo, src, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert f"{CLUSTER_DIR}/master01/my.ini:1:2: OLC004 warning: the group name [ mysqld ]" in out
    assert "Found 1 problem (0 errors, 1 warning, 0 notes) in 1 file." in out


def test_a_deleted_referenced_file_fails_the_hook(
    config_repo: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    src, _ = hook_repo
    _git(config_repo, env, "rm", "-q", f"{CLUSTER_DIR}/master01/grants.sql")
    done = _try_staged(config_repo, src, env)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "OLC002 error: grants file 'master01/grants.sql' does not exist" in out, out


def test_a_commit_of_unrelated_files_checks_nothing(
    config_repo: Path, hook_repo: tuple[Path, str], env: dict[str, str]
) -> None:
    src, _ = hook_repo
    (config_repo / "README.md").write_text("configs\n")
    _git(config_repo, env, "add", "README.md")
    done = _try_staged(config_repo, src, env)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "No cluster was checked." in out, out
