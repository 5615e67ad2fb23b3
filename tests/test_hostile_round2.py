"""Hostile inputs, round 2: writes, reads out of the root, non-regular files, crashes,
honest verdicts and sizes, each through the command line.

Every run is a separate `python -m olclint` process with a 2 GiB address-space limit and a
time bound, under an audit hook that reports each file opened, listed or renamed inside
`outside/` (a folder next to the repository that olclint must never touch).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_hostile import CLUSTER, GRANTS, MY_INI, PREFS

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="rlimits, FIFOs, /dev/full")

FAST = 60.0  # a bound against hangs on a loaded 2-core machine, not a speed measure
MEMORY = 2 << 30  # address-space limit of each run
SECRET = "s3cr3t-outside"

HARNESS = r"""
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
watch = os.path.realpath(sys.argv[1]) + os.sep
def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir", "os.rename", "os.replace") and args:
        for arg in args[:2]:
            if isinstance(arg, (str, bytes, os.PathLike)):
                path = os.path.abspath(os.fsdecode(arg))
                if path.count(os.sep) < 64:  # links resolved (a deep tree: too slow here)
                    path = os.path.realpath(path)
                if (path + os.sep).startswith(watch):
                    sys.__stderr__.write(f"TOUCHED-OUTSIDE {{event}} {{path}}\n")
sys.addaudithook(hook)
if os.environ.get("INTERRUPT_AT") == "fsync":
    def interrupt(fd):
        raise KeyboardInterrupt
    os.fsync = interrupt
from olclint.cli.main import main
sys.exit(main(sys.argv[2:]))
"""


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "c/m/settings").mkdir(parents=True)
    (root / "c/cluster.yaml").write_text(CLUSTER)
    (root / "c/m/my.ini").write_text(MY_INI)
    (root / "c/m/grants.sql").write_text(GRANTS)
    (root / "c/m/settings/a.prefs").write_text(PREFS)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text(f"password={SECRET}\n")
    return root


def olclint(
    root: Path, *args: str, stdout: int | None = None, env: dict[str, str] | None = None
) -> Run:
    """`olclint check ROOT --root ROOT ARGS` in a bounded process; asserts that nothing in
    `outside/` was touched and that no traceback and no outside secret was printed."""
    outside = root.parent / "outside"
    start = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            HARNESS.format(memory=MEMORY),
            str(outside),
            "check",
            str(root),
            "--root",
            str(root),
            *args,
        ],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=FAST * 2,
        env={**os.environ, **(env or {})},
        cwd=root,
    )
    elapsed = time.monotonic() - start
    assert elapsed < FAST, f"took {elapsed:.1f} s"
    out, err = proc.stdout or "", proc.stderr
    assert "TOUCHED-OUTSIDE" not in err, err
    assert "Traceback" not in err, err
    assert SECRET not in out + err
    return Run(proc.returncode, out, err)


def victim(root: Path) -> str:
    return (root.parent / "outside/victim.txt").read_text()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# -- 1. writes: atomic, never over an input, never out of the root through a link ----------


def test_output_is_written_whole_and_is_what_stdout_shows(repo: Path) -> None:
    shown = olclint(repo, "--format", "json")
    written = olclint(repo, "--format", "json", "--output", "report.json")
    assert (written.code, written.out, written.err) == (1, "", "")
    report = json.loads((repo / "report.json").read_text())
    assert report["findings"] == json.loads(shown.out)["findings"]
    assert leftovers(repo) == []


@pytest.mark.parametrize(
    "flag, target",
    [
        ("--output", "c/cluster.yaml"),
        ("--output", "c/m/my.ini"),
        ("--write-baseline", "c/m/my.ini"),
        ("--write-baseline", "c/m/grants.sql"),
        ("--output", "c/m/settings/a.prefs"),
        ("--output", "c/m/../cluster.yaml"),  # another spelling of the same file
    ],
)
def test_a_file_the_run_read_is_never_overwritten(repo: Path, flag: str, target: str) -> None:
    before = (repo / target).read_bytes()
    run = olclint(repo, flag, target)
    assert run.code == 2
    assert (
        run.err
        == f"olclint: error: {flag} {target}: is a file this run read; it was not overwritten\n"
    )
    assert (repo / target).read_bytes() == before
    assert leftovers((repo / target).parent) == []


def test_a_hard_link_to_an_input_is_an_input(repo: Path) -> None:
    os.link(repo / "c/m/my.ini", repo / "report.txt")
    run = olclint(repo, "--output", "report.txt")
    assert (run.code, run.err) == (
        2,
        "olclint: error: --output report.txt: is a file this run read; it was not overwritten\n",
    )
    assert (repo / "c/m/my.ini").read_text() == MY_INI


def test_the_configuration_and_the_baseline_read_are_inputs(repo: Path) -> None:
    (repo / ".olclint.toml").write_text('fail-on = "error"\n')
    assert olclint(repo, "--write-baseline", "base.json").code == 0
    base = (repo / "base.json").read_text()
    run = olclint(repo, "--baseline", "base.json", "--write-baseline", "base.json")
    assert run.err == (
        "olclint: error: --write-baseline base.json: is a file this run read; "
        "it was not overwritten\n"
    )
    assert (repo / "base.json").read_text() == base
    run = olclint(repo, "--output", ".olclint.toml")
    assert run.code == 2 and (repo / ".olclint.toml").read_text() == 'fail-on = "error"\n'


@pytest.mark.parametrize("flag", ["--output", "--write-baseline"])
def test_a_committed_symlink_out_of_the_root_is_not_written_through(repo: Path, flag) -> None:
    (repo / "olclint.sarif").symlink_to(repo.parent / "outside/victim.txt")
    run = olclint(repo, "--format", "sarif", flag, "olclint.sarif")
    assert (run.code, run.err) == (
        2,
        f"olclint: error: {flag} olclint.sarif: is a symbolic link out of the repository "
        "root; it was not written\n",
    )
    assert victim(repo) == f"password={SECRET}\n"
    assert leftovers(repo) == [] and leftovers(repo.parent / "outside") == []


def test_a_symlink_inside_the_root_is_followed_and_kept(repo: Path) -> None:
    (repo / "reports").mkdir()
    (repo / "reports/latest.txt").write_text("old\n")
    (repo / "report.txt").symlink_to("reports/latest.txt")
    run = olclint(repo, "--output", "report.txt")
    assert (run.code, run.err) == (1, "")
    assert (repo / "report.txt").is_symlink()
    assert (repo / "reports/latest.txt").read_text().startswith("c/m/grants.sql:1:1: OLC112")


WRITE = ("--write-baseline", "base.json")


def test_a_file_size_limit_leaves_the_old_baseline_whole(repo: Path) -> None:
    assert olclint(repo, "--write-baseline", "base.json").code == 0
    old = (repo / "base.json").read_text()
    (repo / "c/m/my.ini").write_text(MY_INI + "[ client ]\n" * 50)  # many new findings
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(old) + 10, len(old) + 10))

    proc = subprocess.run(
        [sys.executable, *("-m", "olclint", "check", str(repo), "--root", str(repo)), *WRITE],
        capture_output=True,
        text=True,
        timeout=FAST,
        cwd=repo,
        preexec_fn=small_files,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "olclint: error: --write-baseline base.json: cannot be written: file too large "
        "(a file-size limit); the old file is unchanged\n"
    )
    assert (repo / "base.json").read_text() == old
    assert leftovers(repo) == []


def test_an_interrupt_while_writing_exits_130_and_leaves_no_partial_file(repo: Path) -> None:
    (repo / "report.txt").write_text("the old report\n")
    run = olclint(repo, "--output", "report.txt", env={"INTERRUPT_AT": "fsync"})
    assert (run.code, run.out, run.err) == (130, "", "olclint: interrupted\n")
    assert (repo / "report.txt").read_text() == "the old report\n"
    assert leftovers(repo) == []


# -- 2. reads out of the root: configuration and baseline ------------------------------------


@pytest.mark.parametrize("name", [".olclint.toml", "pyproject.toml"])
def test_a_configuration_symlink_out_of_the_root_is_not_opened(repo: Path, name: str) -> None:
    outside = repo.parent / "outside"
    (outside / "config.toml").write_text('[tool.olclint]\nignore = ["OLC1"]\nignore = 1\n')
    (repo / name).symlink_to(outside / "config.toml")
    run = olclint(repo)
    assert (run.code, run.out) == (2, "")
    assert run.err == (f"olclint: error: {name}: leaves the repository root; it was not opened\n")


def test_a_baseline_symlink_out_of_the_root_is_not_opened(repo: Path) -> None:
    # before, such a baseline was read and could accept every finding
    (repo.parent / "outside/base.json").write_text(
        json.dumps({"version": 1, "tool": "olclint", "findings": []})
    )
    (repo / "base.json").symlink_to(repo.parent / "outside/base.json")
    run = olclint(repo, "--baseline", "base.json")
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "olclint: error: --baseline base.json: leaves the repository root; it was not opened\n"
    )


# -- 4. never stuck: non-regular files -------------------------------------------------------


@pytest.mark.parametrize(
    "target, expected",
    [
        ("c/m/my.ini", ("OLC002", "c/cluster.yaml", 4, "option file 'm/my.ini' is not a file")),
        (
            "c/m/settings/b.prefs",
            (
                "OLC002",
                "c/cluster.yaml",
                7,
                "preference file 'c/m/settings/b.prefs' is not a regular file (a FIFO); "
                "it was not opened",
            ),
        ),
    ],
)
def test_a_fifo_input_is_a_finding_not_a_hang(repo: Path, target: str, expected) -> None:
    if target.endswith("my.ini"):
        (repo / target).unlink()
    os.mkfifo(repo / target)
    run = olclint(repo, "--format", "json", "--select", "OLC00")
    report = json.loads(run.out)
    got = [
        (f["rule"], f["location"]["path"], f["location"]["line"], f["message"])
        for f in report["findings"]
    ]
    assert (run.code, got) == (1, [expected])


def test_a_fifo_include_is_a_finding(repo: Path) -> None:
    (repo / "c/m/my.ini").write_text(MY_INI + "!include extra.cnf\n")
    os.mkfifo(repo / "c/m/extra.cnf")
    run = olclint(repo, "--format", "json", "--select", "OLC00")
    messages = [f["message"] for f in json.loads(run.out)["findings"]]
    assert run.code == 1
    assert messages == [
        "included option file 'c/m/extra.cnf' is not a regular file (a FIFO); it was not opened"
    ]


@pytest.mark.parametrize("which", ["config", "baseline"])
def test_a_fifo_configuration_or_baseline_exits_2(repo: Path, which: str) -> None:
    if which == "config":
        os.mkfifo(repo / ".olclint.toml")
        run = olclint(repo)
        expected = (
            "olclint: error: .olclint.toml: is not a regular file (a FIFO); it was not opened\n"
        )
    else:
        os.mkfifo(repo / "base.json")
        run = olclint(repo, "--baseline", "base.json")
        expected = (
            "olclint: error: --baseline base.json: is not a regular file (a FIFO); "
            "it was not opened\n"
        )
    assert (run.code, run.out, run.err) == (2, "", expected)


# -- 5. crashes: surrogates, stdout, deep and huge values, dates -----------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_lone_surrogate_reaches_no_output_as_a_crash(repo: Path, fmt: str) -> None:
    # \uD800 decodes to a lone surrogate; it ends up in the OLC004-like messages and in the
    # baseline below
    (repo / "c/m/settings/a.prefs").write_text(PREFS + "merge.local_engines=\\uD800\n")
    base = {
        "version": 1,
        "tool": "olclint",
        "findings": [
            {"fingerprint": "X/\ud800", "rule": "OLC112", "message": "gone \ud800", "path": "x"}
        ],
    }
    (repo / "base.json").write_text(json.dumps(base))  # ensure_ascii: "\ud800" escapes
    run = olclint(repo, "--format", fmt, "--baseline", "base.json")
    assert run.code == 1, run.err
    assert "\ufffd" in run.out or "\\ufffd" in run.out or "%EF%BF%BD" in run.out
    written = olclint(repo, "--format", fmt, "--baseline", "base.json", "--output", "r.out")
    assert (written.code, written.err) == (1, "")
    text = (repo / "r.out").read_text(encoding="utf-8")
    if fmt == "sarif":  # the invocation differs (command line, times): compare the results
        assert json.loads(text)["runs"][0]["results"] == json.loads(run.out)["runs"][0]["results"]
    else:
        assert text == run.out


def test_stdout_full_or_closed_exits_2_with_one_line(repo: Path) -> None:
    with open("/dev/full", "w") as full:
        run = olclint(repo, stdout=full.fileno())
    assert (run.code, run.err) == (
        2,
        "olclint: error: cannot write to stdout: No space left on device\n",
    )
    proc = subprocess.run(
        f"{sys.executable} -m olclint check {repo} --root {repo} >&-",
        shell=True,
        capture_output=True,
        text=True,
        timeout=FAST,
    )
    assert (proc.returncode, proc.stderr) == (
        2,
        "olclint: error: cannot write to stdout: stdout is closed\n",
    )


def test_toml_nested_3000_deep_exits_2(repo: Path) -> None:
    (repo / ".olclint.toml").write_text("select = " + "[" * 3000 + "]" * 3000 + "\n")
    run = olclint(repo)
    assert (run.code, run.err) == (
        2,
        "olclint: error: .olclint.toml: nests too deeply to be read\n",
    )


def test_a_baseline_nested_100000_deep_exits_2(repo: Path) -> None:
    (repo / "base.json").write_text("[" * 100_000 + "]" * 100_000)
    run = olclint(repo, "--baseline", "base.json")
    assert (run.code, run.err) == (
        2,
        "olclint: error: --baseline base.json: nests too deeply to be a baseline\n",
    )


def test_huge_max_file_size_is_a_configuration_error(repo: Path) -> None:
    (repo / ".olclint.toml").write_text("max-file-size = 100000000000000000000000\n")
    run = olclint(repo)
    assert (run.code, run.err) == (
        2,
        "olclint: error: .olclint.toml:1: key 'max-file-size': 100000000000000000000000 "
        "is greater than the maximum of 1073741824\n",
    )


def test_a_float_max_file_size_is_used_as_an_integer(repo: Path) -> None:
    # TOML 1e9 is a float with an integral value, which JSON Schema calls an integer
    (repo / ".olclint.toml").write_text("max-file-size = 1e9\n")
    run = olclint(repo, "--format", "json")
    rules = [f["rule"] for f in json.loads(run.out)["findings"]]
    assert (run.code, run.err, rules) == (1, "", ["OLC112"])


@pytest.mark.parametrize("duration", ["9" * 400, "9" * 30 + "h", "604801"])
def test_an_enormous_expected_duration_is_a_finding(repo: Path, duration: str) -> None:
    text = CLUSTER.replace("nodes:", f"cleanup: {{expected_duration: {duration}}}\nnodes:")
    (repo / "c/cluster.yaml").write_text(text)
    run = olclint(repo, "--format", "json", "--select", "OLC0,OLC402")
    got = [
        (f["rule"], f["location"]["line"], f["message"]) for f in json.loads(run.out)["findings"]
    ]
    assert (run.code, got) == (
        1,
        [
            (
                "OLC001",
                5,
                "cleanup.expected_duration is longer than 7 days, "
                "the longest clean-up run olclint judges",
            )
        ],
    )


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_today_out_of_range_exits_2(repo: Path, day: str) -> None:
    run = olclint(repo, "--today", day)
    assert (run.code, run.out, run.err) == (
        2,
        "",
        f"olclint: error: --today {day} is outside the dates olclint checks "
        "(1971-01-01 to 9990-12-31)\n",
    )


# -- 6. honest verdicts ------------------------------------------------------------------------


def test_an_unreadable_grants_file_is_undecided_not_empty(repo: Path) -> None:
    (repo / ".olclint.toml").write_text("max-file-size = 1024\n")
    (repo / "c/m/grants.sql").write_text(GRANTS + "-- padding\n" * 200)
    size = (repo / "c/m/grants.sql").stat().st_size
    run = olclint(repo, "--format", "json", "--select", "OLC002,OLC110")
    got = [(f["rule"], f["level"], f["message"]) for f in json.loads(run.out)["findings"]]
    assert run.code == 1
    assert got == [
        (
            "OLC002",
            "error",
            f"grants file 'c/m/grants.sql' is {size} bytes, over the limit of 1024 bytes; "
            "it was not read",
        ),
        (
            "OLC110",
            "note",
            "cannot decide whether the servers can log in: the grants file c/m/grants.sql "
            "could not be read (OLC002 says why).",
        ),
    ]


@pytest.mark.parametrize("version", ["true", "1.0", '"1"'])
def test_a_baseline_version_must_be_the_integer_1(repo: Path, version: str) -> None:
    (repo / "base.json").write_text(f'{{"version": {version}, "tool": "olclint", "findings": []}}')
    run = olclint(repo, "--baseline", "base.json")
    shown = {"true": "True", "1.0": "1.0", '"1"': "'1'"}[version]
    assert (run.code, run.err) == (
        2,
        f"olclint: error: --baseline base.json: baseline version {shown} is not 1\n",
    )


@pytest.mark.parametrize(
    "written, message",
    [
        (
            "03306",
            "'03306' is read by YAML 1.1 as an octal number: 1734; "
            "write 1734 if that is what is meant",
        ),
        (
            "55:06",
            "'55:06' is read by YAML 1.1 as a base-60 number: 3306; "
            "write 3306 if that is what is meant",
        ),
    ],
)
def test_yaml_11_numbers_are_warned_with_the_value_read(
    repo: Path, written: str, message: str
) -> None:
    text = CLUSTER.replace("grants: m/grants.sql}", f"grants: m/grants.sql, port: {written}}}")
    (repo / "c/cluster.yaml").write_text(text)
    run = olclint(repo, "--format", "json", "--select", "OLC001")
    got = [
        (f["level"], f["location"]["line"], f["location"]["column"], f["message"])
        for f in json.loads(run.out)["findings"]
    ]
    assert (run.code, got) == (1, [("warning", 4, 72, message)])


# -- 7. sizes of the configuration and the baseline -------------------------------------------


def test_a_configuration_over_1_mib_exits_2(repo: Path) -> None:
    (repo / ".olclint.toml").write_text("# padding\n" * 110_000)
    run = olclint(repo)
    assert (run.code, run.err) == (
        2,
        "olclint: error: .olclint.toml: is 1100000 bytes, over the limit of 1048576 bytes; "
        "it was not read\n",
    )


def test_a_baseline_over_max_file_size_exits_2(repo: Path) -> None:
    (repo / ".olclint.toml").write_text("max-file-size = 1024\n")
    (repo / "base.json").write_text(
        " " * 2000 + '{"version": 1, "tool": "olclint", "findings": []}'
    )
    run = olclint(repo, "--baseline", "base.json")
    assert (run.code, run.err) == (
        2,
        "olclint: error: --baseline base.json: is 2049 bytes, over the limit of 1024 bytes; "
        "it was not read\n",
    )


def test_a_folder_nested_1200_deep_is_walked(repo: Path) -> None:
    folder = repo / "deep"
    folder.mkdir()
    fd = os.open(folder, os.O_RDONLY)
    try:  # relative to a folder descriptor: the path grows past what one call takes
        for _ in range(1200):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    try:
        run = olclint(repo, "--format", "json", "--select", "OLC00")
    finally:
        _remove_chain(folder)  # pytest's own clean-up would recurse 1,200 deep
    assert (run.code, run.err, json.loads(run.out)["findings"]) == (0, "", [])


def _remove_chain(folder: Path) -> None:
    """Remove folder/d/d/.../d one level at a time: move the grandchild up, drop the child."""
    while (folder / "d").exists():
        if (folder / "d/d").exists():
            os.rename(folder / "d/d", folder / "next")
        os.rmdir(folder / "d")
        if (folder / "next").exists():
            os.rename(folder / "next", folder / "d")


def test_a_name_too_long_for_the_os_is_a_finding_for_that_cluster_only(repo: Path) -> None:
    long = "a" * 300
    (repo / "c/cluster.yaml").write_text(CLUSTER.replace("m/my.ini", f"m/{long}"))
    run = olclint(repo, "--format", "json", "--select", "OLC00")
    got = [
        (f["rule"], f["location"]["line"], f["message"]) for f in json.loads(run.out)["findings"]
    ]
    assert (run.code, got) == (
        1,
        [("OLC002", 4, f"option file 'm/{long}' cannot be examined: File name too long")],
    )
    assert json.loads(run.out)["notifications"] == []


def test_a_path_argument_too_long_exits_2(repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "olclint", "check", "--root", str(repo), "a" * 300],
        capture_output=True,
        text=True,
        timeout=FAST,
        cwd=repo,
    )
    line = f"olclint: error: usage: {'a' * 300}: File name too long\n"
    summary = "olclint could not finish the check (see the errors above).\n"
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, line + summary, line)


# -- 4. never stuck: bytes and counts ----------------------------------------------------------


def _findings(run: Run) -> list[tuple[str, str, int, int, str]]:
    return [
        (
            f["rule"],
            f["location"]["path"],
            f["location"]["line"],
            f["location"]["column"],
            f["message"],
        )
        for f in json.loads(run.out)["findings"]
    ]


def test_one_file_included_many_times_stops_at_the_byte_budget(repo: Path) -> None:
    from olclint.readers.optionfile import MAX_READ_BYTES

    big = b"[mysqld]\n" + (b"# " + b"x" * 1021 + b"\n") * 1023  # just under 1 MiB
    (repo / "c/m/big.cnf").write_bytes(big)
    top = "[mysqld]\n" + "!include big.cnf\n" * 100
    (repo / "c/m/my.ini").write_text(top)
    run = olclint(repo, "--format", "json", "--select", "OLC00")
    followed = (MAX_READ_BYTES - len(top)) // len(big)  # 64: the 65th passes the budget
    line = 2 + followed
    assert (run.code, _findings(run)) == (
        1,
        [
            (
                "OLC003",
                "c/m/my.ini",
                line,
                len("!include ") + 1,
                f"includes add up to more than {MAX_READ_BYTES} bytes read (one file included "
                "many times?); the rest was not followed",
            )
        ],
    )


def test_millions_of_bad_lines_keep_1000_findings_per_file(repo: Path) -> None:
    (repo / "c/m/my.ini").write_text("[mysqld]\n" + "[ x ]\n" * 300_000)
    (repo / "c/m/grants.sql").write_text(GRANTS + "x;\n" * 300_000)
    (repo / "c/m/settings/a.prefs").write_text(PREFS + "k=\\uZZ\n" * 300_000)
    run = olclint(repo, "--format", "json", "--select", "OLC00")
    got = _findings(run)
    assert run.code == 1
    assert len(got) == 3 * 1001
    assert [f for f in got if f[0] == "OLC004"][1000] == (
        "OLC004",
        "c/m/my.ini",
        1001,  # the last one kept (the limit's own finding is on line 1)
        2,
        "the group name [ x ] has white space before it: the server compares it as written, "
        "so no program reads this group (write [x])",
    )
    assert [f for f in got if "more than 1000" in f[4]] == [
        (
            "OLC005",
            "c/m/grants.sql",
            1,
            1,
            "'c/m/grants.sql' has more than 1000 findings of OLC005; 299000 more were not reported",
        ),
        (
            "OLC004",
            "c/m/my.ini",
            1,
            1,
            "'c/m/my.ini' has more than 1000 findings of OLC004; 299000 more were not reported",
        ),
        (
            "OLC005",
            "c/m/settings/a.prefs",
            1,
            1,
            "'c/m/settings/a.prefs' has more than 1000 findings of OLC005; "
            "299000 more were not reported",
        ),
    ]


def test_a_long_line_of_wide_characters_has_exact_columns_in_linear_time(repo: Path) -> None:
    # 'é' is 2 bytes: the cut at 4094 bytes falls after 2046 of them, column 2 + 2046 + 1
    (repo / "c/m/my.ini").write_text("[mysqld]\nk=" + "é" * 3_000_000 + "\n", encoding="utf-8")
    run = olclint(repo, "--format", "json", "--select", "OLC00")
    got = _findings(run)
    assert run.code == 1
    assert got == [
        (
            "OLC004",
            "c/m/my.ini",
            2,
            2049,
            "line 2 is longer than 4094 bytes; the server cuts it and reads the rest as a line "
            "of its own",
        )
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_file_name_that_is_not_utf8_is_shown_with_replacement_characters(
    repo: Path, fmt: str
) -> None:
    settings = os.fsencode(repo / "c/m/settings")
    with open(settings + b"/\xff\xfe.prefs", "wb") as handle:
        handle.write(b"merge.local_engines=\\uD800x\n")
    run = olclint(repo, "--format", fmt, "--select", "OLC005")
    assert (run.code, run.err) == (1, "")
    shown = "c/m/settings/\ufffd\ufffd.prefs"
    if fmt == "json":
        got = [(f["location"]["path"], f["message"]) for f in json.loads(run.out)["findings"]]
        assert got == [(shown, "merge.local_engines: '\ufffdx' is not an integer")]
    elif fmt == "sarif":
        (result,) = json.loads(run.out)["runs"][0]["results"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "c/m/settings/%EF%BF%BD%EF%BF%BD.prefs"
    elif fmt == "github":
        assert run.out.startswith(f"::error file={shown},line=1,col=21,")
    else:
        assert run.out.startswith(f"{shown}:1:21: OLC005 error: ")
