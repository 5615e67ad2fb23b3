"""The report cache (olclint.cli.replay): a repeated command line is answered with the bytes
of the last run, any change to what could change them misses it, and an answer equals a
fresh run byte for byte in every format. It stores no secret."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import olclint
from olclint.cli import replay
from olclint.cli.main import main
from olclint.report import FORMATS
from tests.test_cache import CHANGES, EXAMPLE, MARKER, SECRETS

ROOT = Path(__file__).resolve().parent.parent
main_module = importlib.import_module("olclint.cli.main")  # the module, not `main`


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    shutil.copytree(EXAMPLE, tmp_path / "repo" / "prod-eu")
    # the files were just made: no margin, or no run of theirs would be stored
    monkeypatch.setattr(replay, "MARGIN_NS", 0)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "repo"


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the command really ran (a hit never gets that far)."""
    calls: list[int] = []
    real = main_module._main

    def counting(argv, recording=None):
        calls.append(1)
        return real(argv, recording)

    monkeypatch.setattr(main_module, "_main", counting)
    return calls


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """A clock that starts again at every run: a run's start and end times are then the
    same in a fresh run and in an answer."""
    ticks: list[int] = []

    def now() -> str:
        ticks.append(1)
        return f"2026-01-15T10:00:{len(ticks):02d}.{len(ticks):06d}Z"

    monkeypatch.setattr(replay, "utc_now", now)
    return ticks


def _command(repo: Path, *extra: str, fmt: str = "json") -> list[str]:
    return ["olclint", "check", str(repo), "--today", "2026-01-15", "--format", fmt, *extra]


def _run(capsys, monkeypatch, argv: list[str]) -> tuple[int, str, str]:
    """main() as the process runs it: its own command line."""
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", argv)
    code = main()
    out = capsys.readouterr()
    return code, out.out, out.err


def _entries() -> list[Path]:
    return sorted(Path(os.environ["OLCLINT_CACHE_DIR"]).glob(f"*{replay.SUFFIX}"))


def test_a_repeated_command_line_is_answered_without_running(repo, capsys, monkeypatch, runs):
    first = _run(capsys, monkeypatch, _command(repo))
    second = _run(capsys, monkeypatch, _command(repo))
    assert (second, runs, len(_entries())) == (first, [1], 1)
    assert first[0] == 1 and '"findings"' in first[1]  # the example has findings


def test_a_call_with_arguments_never_uses_it(repo, capsys, runs):
    for _ in range(2):
        main(_command(repo)[1:])
    capsys.readouterr()
    assert (runs, _entries()) == ([1, 1], [])


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_answer_is_the_fresh_report_byte_for_byte(repo, capsys, monkeypatch, runs, clock, fmt):
    argv = _command(repo, fmt=fmt)
    recorded = _run(capsys, monkeypatch, argv)
    clock.clear()
    answered = _run(capsys, monkeypatch, argv)
    clock.clear()
    monkeypatch.setattr(replay, "lookup", lambda argv: None)  # the same command, run again
    fresh = _run(capsys, monkeypatch, argv)
    assert runs == [1, 1]
    assert answered == fresh == recorded
    clock.clear()
    uncached = _run(capsys, monkeypatch, [*argv, "--no-cache"])
    if fmt == "sarif":  # the one report that shows its command line
        uncached = (*uncached[:1], uncached[1].replace(" --no-cache", ""), uncached[2])
    assert uncached == answered


def test_the_times_of_a_report_are_those_of_the_run_that_answers(repo, capsys, monkeypatch):
    argv = _command(repo, fmt="sarif")
    first = _run(capsys, monkeypatch, argv)[1]
    second = _run(capsys, monkeypatch, argv)[1]
    stamps = re.compile(r'"(start|end)TimeUtc": "([^"]+)"')
    assert len(stamps.findall(first)) == 2
    assert stamps.findall(first) != stamps.findall(second)
    assert stamps.sub("", first) == stamps.sub("", second)


def test_what_is_written_to_stderr_and_the_exit_code_are_answered_too(
    repo, capsys, monkeypatch, runs
):
    (repo / "empty").mkdir()
    argv = _command(repo, fmt="text")
    argv.insert(3, str(repo / "empty"))
    first = _run(capsys, monkeypatch, argv)
    second = _run(capsys, monkeypatch, argv)
    assert (second, runs) == (first, [1])
    assert first[0] == 2 and "empty: no cluster.yaml" in first[2] and "OLC110" in first[1]


# --- every input of the key, changed in turn, is a miss ------------------------------------


def _miss(capsys, monkeypatch, runs, argv, change) -> None:
    """Run, answer, change one thing, run: the last run must run (and say the same as a
    run without any cache)."""
    _run(capsys, monkeypatch, argv)
    _run(capsys, monkeypatch, argv)
    assert runs == [1]
    changed = change()
    argv = changed if isinstance(changed, list) else argv
    after = _run(capsys, monkeypatch, argv)
    assert runs == [1, 1]
    fresh = _run(capsys, monkeypatch, [*argv, "--no-cache"])
    assert after[0] == fresh[0] and after[2] == fresh[2]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_under_the_root_misses(repo, capsys, monkeypatch, runs, change):
    _miss(capsys, monkeypatch, runs, _command(repo), lambda: change(repo))


ENVIRONMENT = [
    "NO_COLOR",
    "FORCE_COLOR",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_ACTIONS",
    "OLCLINT_DEBUG",
    "OLCLINT_START_METHOD",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "TERM",
    "CI",
    "SOURCE_DATE_EPOCH",
    "LANG",
    "LC_ALL",
    "TZ",
    "GIT_DIR",
    "HOME",
    "XDG_CACHE_HOME",
    "PATH",
]


@pytest.mark.parametrize("name", ENVIRONMENT)
def test_each_environment_variable_olclint_or_python_reads_misses(
    repo, capsys, monkeypatch, runs, name
):
    value = "fork" if name == "OLCLINT_START_METHOD" else "0"
    _miss(capsys, monkeypatch, runs, _command(repo), lambda: monkeypatch.setenv(name, value))


def test_every_environment_variable_olclint_reads_is_in_the_key():
    read = set()
    for path in [*(ROOT / "lint").rglob("*.py"), *(ROOT / "rules").glob("*.py")]:
        if "collect" in path.relative_to(ROOT).as_posix():
            continue  # `olclint collect` is never answered from the cache
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"""environ(?:\.get\(|\[)\s*["']([A-Z_0-9]+)""", text))
        read |= set(re.findall(r"""getenv\(\s*["']([A-Z_0-9]+)""", text))
    assert "NO_COLOR" in read and "GITHUB_STEP_SUMMARY" in read  # the search finds them
    missing = {
        n for n in read if n not in replay.ENV_NAMES and not n.startswith(replay.ENV_PREFIXES)
    }
    assert missing == set()


def test_the_arguments_are_part_of_the_key(repo, capsys, monkeypatch, runs):
    _miss(capsys, monkeypatch, runs, _command(repo), lambda: _command(repo, "--select", "OLC1"))


def test_the_current_folder_is_part_of_the_key(repo, capsys, monkeypatch, runs):
    _miss(capsys, monkeypatch, runs, _command(repo), lambda: monkeypatch.chdir(repo))


def test_a_terminal_on_stdout_misses(repo, capsys, monkeypatch, runs):
    _miss(
        capsys,
        monkeypatch,
        runs,
        _command(repo),
        lambda: monkeypatch.setattr(type(sys.stdout), "isatty", lambda self: True),
    )


def test_the_date_is_part_of_the_key(repo, capsys, monkeypatch, runs):
    argv = [a for a in _command(repo) if a not in ("--today", "2026-01-15")]
    _miss(
        capsys,
        monkeypatch,
        runs,
        argv,
        lambda: monkeypatch.setattr(replay, "today", "2099-01-01".strip),
    )


def test_the_version_of_olclint_is_part_of_the_key(repo, capsys, monkeypatch, runs):
    _miss(
        capsys,
        monkeypatch,
        runs,
        _command(repo),
        lambda: monkeypatch.setattr(olclint, "__version__", "99.0"),
    )


def test_a_changed_module_of_olclint_misses(repo, capsys, monkeypatch, runs, tmp_path):
    module = tmp_path / "module.py"
    module.write_text("X = 1\n")
    real = replay.olclint_paths
    monkeypatch.setattr(replay, "olclint_paths", lambda: [*real(), str(module)])

    def edit() -> None:
        stat = module.stat()
        module.write_text("X = 2\n")
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime

    _miss(capsys, monkeypatch, runs, _command(repo), edit)


def test_olclints_paths_are_every_module_and_folder_of_it():
    paths = set(replay.olclint_paths())
    for top in ("lint", "rules", "schemas"):
        for path in (ROOT / top).rglob("*"):
            if "__pycache__" in path.parts:
                continue
            if path.is_dir() or path.suffix in (".py", ".json"):
                assert str(path) in paths
        assert str(ROOT / top) in paths


def test_a_module_in_the_first_folder_of_sys_path_misses_and_nothing_else_there(
    repo, capsys, monkeypatch, runs, tmp_path
):
    first = tmp_path / "scripts"  # with `python -m`, the current folder
    first.mkdir()
    monkeypatch.setattr(sys, "path", [str(first), *sys.path[1:]])
    argv = _command(repo)
    _run(capsys, monkeypatch, argv)
    (first / "notes.txt").write_text("x")  # no module of that name: still answered
    _run(capsys, monkeypatch, argv)
    assert runs == [1]
    (first / "yaml.py").write_text("")  # would be imported instead of PyYAML
    _run(capsys, monkeypatch, argv)
    assert runs == [1, 1]


def test_a_file_replaced_by_a_folder_of_its_name_misses(repo, capsys, monkeypatch, runs):
    notes = repo / "prod-eu" / "ext01" / "notes"
    notes.write_text("x")

    def swap() -> None:
        notes.unlink()
        notes.mkdir()
        (notes / "cluster.yaml").write_text("{}")

    _miss(capsys, monkeypatch, runs, _command(repo), swap)


def test_a_new_cluster_in_a_folder_discovery_walked_misses(repo, capsys, monkeypatch, runs):
    (repo / "docs" / "drafts").mkdir(parents=True)  # walked, holds no cluster: nothing read

    def new_cluster() -> None:
        shutil.copytree(EXAMPLE, repo / "docs" / "drafts" / "prod-us")

    _miss(capsys, monkeypatch, runs, _command(repo), new_cluster)


def test_a_link_whose_target_becomes_a_cluster_file_misses(repo, capsys, monkeypatch, runs):
    """Discovery skips a `cluster.yaml` that leads to a folder and asks nothing more about
    it: the listing records what a link leads to."""
    stash = repo / ".stash"
    (stash / "c").mkdir(parents=True)
    shutil.copytree(EXAMPLE, repo / "prod-us")
    (repo / "prod-us" / "cluster.yaml").unlink()
    (repo / "prod-us" / "cluster.yaml").symlink_to(Path("..") / ".stash" / "c")

    def becomes_a_file() -> None:
        (stash / "c").rmdir()
        (stash / "c").write_text((EXAMPLE / "cluster.yaml").read_text())

    _miss(capsys, monkeypatch, runs, _command(repo), becomes_a_file)


def test_a_link_in_an_includedir_whose_target_becomes_a_file_misses(
    repo, capsys, monkeypatch, runs
):
    master = repo / "prod-eu" / "master01"
    (master / "conf.d").mkdir()
    with (master / "my.ini").open("a") as ini:
        ini.write("!includedir conf.d\n")
    shared = repo / ".shared"
    (shared / "extra.cnf").mkdir(parents=True)
    (master / "conf.d" / "extra.cnf").symlink_to(Path("..") / ".." / ".." / ".shared" / "extra.cnf")

    def becomes_a_file() -> None:
        (shared / "extra.cnf").rmdir()
        (shared / "extra.cnf").write_text("[mysqld]\nskip-grant-tables\n")

    _miss(capsys, monkeypatch, runs, _command(repo), becomes_a_file)


@pytest.mark.skipif(os.name == "nt", reason="POSIX owners and modes")
@pytest.mark.parametrize("what", ["entry", "folder"])
def test_an_entry_others_may_write_is_not_believed(repo, capsys, monkeypatch, runs, what):
    """A cache folder or entry that another user could have written (a shared or restored
    cache) answers nothing, for the report cache and the result cache alike."""
    from olclint.cli import cache

    first = _run(capsys, monkeypatch, _command(repo))
    folder = Path(os.environ["OLCLINT_CACHE_DIR"])
    results = list(folder.glob("*.pickle"))
    assert len(_entries()) == 1 and len(results) == 1
    assert cache.load(results[0].stem, repo) is not None
    targets = [*_entries(), *results] if what == "entry" else [folder]
    for target in targets:
        target.chmod(target.stat().st_mode | 0o022)
    try:
        assert _run(capsys, monkeypatch, _command(repo)) == first
        assert runs == [1, 1]
        assert cache.load(results[0].stem, repo) is None
    finally:
        for target in targets:
            target.chmod(target.stat().st_mode & ~0o022)


def test_a_git_folder_nearer_than_the_root_misses(repo, capsys, monkeypatch, runs):
    argv = [*_command(repo / "prod-eu")]  # no --root: the root is the work tree's top
    _miss(capsys, monkeypatch, runs, argv, lambda: (repo / "prod-eu" / ".git").mkdir())


def test_the_baseline_is_part_of_the_key(repo, capsys, monkeypatch, runs):
    baseline = repo / "baseline.json"
    main(["check", str(repo), "--today", "2026-01-15", "--write-baseline", str(baseline)])
    text = baseline.read_text()
    runs.clear()  # that run had arguments of its own

    def fewer() -> None:
        baseline.write_text(text.replace('"OLC', '"XOLC', 1))

    _miss(capsys, monkeypatch, runs, _command(repo, "--baseline", str(baseline)), fewer)


def test_the_configuration_file_given_is_part_of_the_key(repo, capsys, monkeypatch, runs):
    config = repo / "olclint.toml"
    config.write_text("")
    argv = _command(repo, "--config", str(config))
    _miss(capsys, monkeypatch, runs, argv, lambda: config.write_text('ignore = ["OLC1"]\n'))


def test_a_broken_entry_is_a_miss(repo, capsys, monkeypatch, runs):
    def spoil() -> None:
        for entry in _entries():
            entry.write_bytes(entry.read_bytes()[:40])

    _miss(capsys, monkeypatch, runs, _command(repo), spoil)


# --- what is never stored ------------------------------------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        ["--no-cache"],
        ["--output", "report.json"],
        ["--format", "sarif=report.sarif"],
        ["--write-baseline", "baseline.json"],
        ["--diff"],
        ["--fix"],
        ["--sql", "grants.sql"],
    ],
    ids=lambda e: e[0],
)
def test_a_run_that_writes_files_is_not_stored(repo, capsys, monkeypatch, runs, extra):
    argv = _command(repo, *[str(repo / e) if "." in e and "=" not in e else e for e in extra])
    _run(capsys, monkeypatch, argv)
    _run(capsys, monkeypatch, argv)
    assert (runs, _entries()) == ([1, 1], [])


def test_a_github_report_with_a_job_summary_is_not_stored(repo, capsys, monkeypatch, runs):
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for _ in range(2):
        _run(capsys, monkeypatch, _command(repo, fmt="github"))
    assert (runs, _entries()) == ([1, 1], [])
    assert summary.read_text().count("olclint") >= 2  # written by each run


def test_a_run_just_after_a_change_is_not_stored(repo, capsys, monkeypatch, runs):
    monkeypatch.setattr(replay, "MARGIN_NS", 60 * 1_000_000_000)  # the copy is newer
    for _ in range(2):
        _run(capsys, monkeypatch, _command(repo))
    assert (runs, _entries()) == ([1, 1], [])


def test_the_report_cache_holds_no_secret(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(replay, "MARGIN_NS", 0)
    (tmp_path / ".git").mkdir()
    shutil.copytree(SECRETS, tmp_path / "secrets")
    first = _run(capsys, monkeypatch, _command(tmp_path))
    # the fixture names a file `missing.cnf # password=s3cr3t...`: that run is not stored
    assert _entries() == []
    vault = tmp_path / "secrets" / "clusters" / "vault"
    for path in vault.rglob("*"):
        if path.is_file() and b"missing.cnf # password" in path.read_bytes():
            text = re.sub(rb"missing\.cnf # password=\S+", b"missing.cnf", path.read_bytes())
            path.write_bytes(text)
    for fmt in FORMATS:
        _run(capsys, monkeypatch, _command(tmp_path, fmt=fmt))
    blobs = [p.read_bytes() for p in _entries()]
    assert len(blobs) == len(FORMATS)
    assert MARKER.findall(first[1].encode() + b"".join(blobs)) == []


def test_python_m_olclint_answers_from_the_cache(tmp_path):
    """End to end, as a process, on the example of the repository (its files are older
    than the margin): the second run is answered (the check stage does not run again: its
    result-cache entry, removed, is not written again) and says the same."""
    env = {**os.environ, "OLCLINT_CACHE_DIR": str(tmp_path / "cache")}
    cache = tmp_path / "cache"
    argv = [sys.executable, "-m", "olclint", "check", str(EXAMPLE), "--root", str(EXAMPLE)]
    argv += ["--today", "2026-01-15", "--format", "json"]

    def run(*extra: str) -> tuple:
        done = subprocess.run(
            [*argv, *extra], capture_output=True, env=env, cwd=EXAMPLE.parent, timeout=120
        )
        return done.returncode, done.stdout, done.stderr

    first = run()
    pickles = list(cache.glob("*.pickle"))
    for path in pickles:
        path.unlink()
    second = run()
    assert (len(pickles), len(list(cache.glob(f"*{replay.SUFFIX}")))) == (1, 1)
    assert list(cache.glob("*.pickle")) == []
    assert second == first
    assert run("--no-cache") == first


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_a_terminal_is_not_answered_with_what_a_pipe_got(tmp_path):
    """The same command line, first into a pipe, then on a terminal: the terminal gets the
    coloured report of a run of its own, not the pipe's bytes."""
    import pty

    env = {**os.environ, "OLCLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    argv = [sys.executable, "-m", "olclint", "check", str(EXAMPLE), "--root", str(EXAMPLE)]
    argv += ["--today", "2026-01-15"]
    piped = subprocess.run(argv, capture_output=True, env=env, cwd=EXAMPLE.parent, timeout=120)
    assert list((tmp_path / "cache").glob(f"*{replay.SUFFIX}")) != []  # it was stored
    leader, follower = pty.openpty()
    with subprocess.Popen(
        argv, stdout=follower, stderr=subprocess.DEVNULL, env=env, cwd=EXAMPLE.parent
    ) as proc:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=120)
    os.close(leader)
    shown = b"".join(chunks)
    assert b"\x1b[" not in piped.stdout and b"\x1b[" in shown
    assert b"OLC110" in piped.stdout and b"OLC110" in shown
