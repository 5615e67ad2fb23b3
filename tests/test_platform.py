"""What differs on Windows, tested here on Linux: the platform module, the pool's start
method, and a scan of the package for POSIX-only imports and calls that Windows lacks.

The scan reads the source (it does not run it), so it holds on Linux for the code that
Windows would take. A use is accepted in `olclint/core/platform.py`, which exists to hold
them, or under a guard: inside `try` with an `except` for ImportError, AttributeError,
OSError (or a bare/Exception one), or under an `if` that tests the platform
(`os.name`, `sys.platform`, `platform.WINDOWS`, `file_modes_kept()`, `hasattr(...)`).
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from olclint.core import platform
from olclint.engine import parallel

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIRS = (REPO / "lint", REPO / "rules")
PLATFORM_MODULE = REPO / "lint" / "core" / "platform.py"

# modules that do not exist on Windows
POSIX_MODULES = frozenset(
    {"resource", "fcntl", "termios", "tty", "pty", "pwd", "grp", "posix", "crypt", "spwd"}
    | {"syslog", "nis"}
)
# names of `os` and `signal` that Windows does not have
POSIX_NAMES = {
    "os": frozenset(
        {"getuid", "geteuid", "getgid", "getegid", "getgroups", "fork", "forkpty", "setsid"}
        | {"setpgid", "getpgid", "killpg", "sched_getaffinity", "sched_setaffinity", "chown"}
        | {"lchown", "fchown", "mkfifo", "mknod", "getloadavg", "sysconf", "statvfs"}
        | {"wait3", "wait4", "WNOHANG", "O_NOFOLLOW", "O_NONBLOCK", "O_NOCTTY", "O_CLOEXEC"}
        | {"O_DIRECTORY", "getpwuid", "uname", "openpty", "pipe2", "posix_spawn"}
    ),
    "signal": frozenset(
        {"SIGALRM", "SIGHUP", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGCHLD", "SIGPIPE"}
        | {"SIGQUIT", "SIGSTOP", "SIGCONT", "alarm", "setitimer", "getitimer"}
        | {"ITIMER_REAL", "pause", "siginterrupt", "pthread_kill", "pthread_sigmask"}
    ),
}
GUARD_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError"})
GUARD_EXCEPTIONS |= {"OSError", "Exception", "BaseException", "NotImplementedError"}
GUARD_WORDS = ("os.name", "sys.platform", "WINDOWS", "file_modes_kept", "hasattr(")


def _catches_guard(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        (isinstance(n, ast.Name) and n.id in GUARD_EXCEPTIONS)
        or (isinstance(n, ast.Attribute) and n.attr in GUARD_EXCEPTIONS)
        for n in names
    )


def posix_only_uses(source: str, filename: str = "<text>") -> list[tuple[int, str]]:
    """(line, what) of each unguarded POSIX-only import or name in `source`."""
    tree = ast.parse(source, filename)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node

    def guarded(node: ast.AST) -> bool:
        child, parent = node, parents.get(node)
        while parent is not None:
            in_try = isinstance(parent, ast.Try) and child in parent.body
            if in_try and any(_catches_guard(h) for h in parent.handlers):
                return True
            in_if = isinstance(parent, (ast.If, ast.IfExp)) and child is not parent.test
            if in_if and any(word in ast.unparse(parent.test) for word in GUARD_WORDS):
                return True
            child, parent = parent, parents.get(parent)
        return False

    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Import):
            hits = [a.name for a in node.names if a.name.split(".")[0] in POSIX_MODULES]
            what = f"import {', '.join(hits)}" if hits else None
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            top = node.module.split(".")[0]
            if top in POSIX_MODULES:
                what = f"from {node.module} import ..."
            elif top in POSIX_NAMES:
                hits = [a.name for a in node.names if a.name in POSIX_NAMES[top]]
                what = f"from {top} import {', '.join(hits)}" if hits else None
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.attr in POSIX_NAMES.get(node.value.id, ()):
                what = f"{node.value.id}.{node.attr}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get_context", "set_start_method")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in ("fork", "forkserver")
        ):
            what = f"{node.func.attr}({node.args[0].value!r})"
        if what and not guarded(node):
            found.append((node.lineno, what))
    return sorted(found)


def test_the_scan_finds_unguarded_uses_and_accepts_guarded_ones() -> None:
    source = """\
import os, fcntl
import signal
from os import getuid, path
from resource import setrlimit
try:
    import termios
except ImportError:
    termios = None
if os.name != "nt":
    uid = os.geteuid()
signal.signal(signal.SIGALRM, None)
signal.signal(signal.SIGINT, None)
flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
bad = os.O_RDONLY | os.O_NOFOLLOW
pid = os.fork() if hasattr(os, "fork") else None
ctx = multiprocessing.get_context("fork")
ok = multiprocessing.get_context("spawn")
try:
    cpus = os.sched_getaffinity(0)
except ValueError:
    cpus = None
"""
    assert posix_only_uses(source) == [
        (1, "import fcntl"),
        (3, "from os import getuid"),
        (4, "from resource import ..."),
        (11, "signal.SIGALRM"),
        (14, "os.O_NOFOLLOW"),
        (16, "get_context('fork')"),
        (19, "os.sched_getaffinity"),  # ValueError is no guard against AttributeError
    ]


def _package_files() -> list[Path]:
    return sorted(p for d in PACKAGE_DIRS for p in d.rglob("*.py") if p != PLATFORM_MODULE)


def test_the_package_has_no_unguarded_posix_only_use() -> None:
    files = _package_files()
    assert len(files) > 60  # lint/ and rules/ were found
    found = {
        path.relative_to(REPO).as_posix(): uses
        for path in files
        if (uses := posix_only_uses(path.read_text(encoding="utf-8"), str(path)))
    }
    assert found == {}, "move these into lint/core/platform.py, or guard them"


# -- the platform module --------------------------------------------------------------------


def test_file_modes_are_kept_except_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    assert platform.file_modes_kept() is True  # this suite runs on Linux
    monkeypatch.setattr(platform, "WINDOWS", True)
    assert platform.file_modes_kept() is False


def test_usable_cpus_without_an_affinity_call(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # as on Windows and macOS
    assert platform.usable_cpus() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert platform.usable_cpus() == 1
    assert parallel.usable_cpus() == 1


def test_start_method_on_linux() -> None:
    assert platform.available_start_methods() == ("fork", "spawn", "forkserver")
    assert platform.start_method({}) == "fork"  # one thread: forked workers start at once
    for forced in ("spawn", "forkserver", "fork", " Spawn "):
        env = {platform.START_METHOD_ENV: forced}
        assert platform.start_method(env) == forced.strip().lower()
    # an unknown value is ignored: the automatic choice
    assert platform.start_method({platform.START_METHOD_ENV: "thread"}) == "fork"
    assert platform.start_method({platform.START_METHOD_ENV: ""}) == "fork"


def test_start_method_with_another_thread_running() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert platform.start_method({}) == "spawn"  # forking a threaded process is unsafe
        assert platform.start_method({platform.START_METHOD_ENV: "fork"}) == "fork"
    finally:
        stop.set()
        thread.join()


def test_start_method_on_windows_is_spawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platform, "WINDOWS", True)
    assert platform.available_start_methods() == ("spawn",)
    assert platform.start_method({}) == "spawn"
    # a forced method Windows lacks is ignored
    assert platform.start_method({platform.START_METHOD_ENV: "fork"}) == "spawn"
    assert platform.start_method({platform.START_METHOD_ENV: "forkserver"}) == "spawn"


def test_the_pool_context_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(platform.START_METHOD_ENV, "spawn")
    assert parallel._pool_context(None).get_start_method() == "spawn"
    assert parallel._pool_context("fork").get_start_method() == "fork"  # the argument wins
    monkeypatch.setenv(platform.START_METHOD_ENV, "fork")
    assert parallel._pool_context(None).get_start_method() == "fork"
    monkeypatch.setattr(platform, "WINDOWS", True)
    assert parallel._pool_context(None).get_start_method() == "spawn"


# -- the README's Windows examples ----------------------------------------------------------


def test_the_windows_workflow_matrix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex

    import yaml
    from test_config import example, make_repo, run

    workflow = yaml.safe_load(example("github-actions-windows"))
    job = workflow["jobs"]["olclint"]
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "windows-latest"]
    assert job["runs-on"] == "${{ matrix.os }}"
    commands = [s["run"] for s in job["steps"] if s.get("run", "").startswith("olclint ")]
    assert commands == ["olclint check --format github"]
    make_repo(tmp_path)
    (tmp_path / ".olclint.toml").write_text('select = ["OLC0"]\n')  # the input rules: clean
    monkeypatch.chdir(tmp_path)
    assert run(shlex.split(commands[0])[1:], capsys) == (0, "", "")


def test_the_powershell_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from test_config import example, make_repo, run

    lines = example("windows-powershell").splitlines()
    assert lines[0] == "py -3.12 -m venv .venv"
    checks = [line.split()[1:] for line in lines if line.startswith(r".venv\Scripts\olclint.exe ")]
    assert checks == [
        ["check", r"clusters\prod-eu"],
        ["check", "--format", "sarif", "--output", "olclint.sarif"],
    ]
    make_repo(tmp_path)
    (tmp_path / ".olclint.toml").write_text('select = ["OLC0"]\n')  # the input rules: clean
    monkeypatch.chdir(tmp_path)
    # PowerShell passes `clusters\prod-eu`; Windows reads the backslash as a separator
    assert run([arg.replace("\\", "/") for arg in checks[0]], capsys) == (
        0,
        "No problems found.\n",
        "",
    )
    assert run(checks[1], capsys) == (0, "", "")
    doc = json.loads((tmp_path / "olclint.sarif").read_text(encoding="utf-8"))
    assert doc["runs"][0]["results"] == []
