"""The gate as users meet it, through the command line: no false all-clear, no traceback,
the CI formats, several reports from one run, and the small things users trip on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from olclint.cli.main import main

GOOD = """\
version: 1
name: {name}
connect_version: "2021.2"
database: {{node: m, option_file: m/my.ini}}
nodes:
  - {{name: m, role: master, address: 10.0.0.1, license: {{edition: performance-pack}}}}
  - {{name: e, role: extension, address: 10.0.0.2, license: {{edition: standard}}}}
"""
# a group the server ignores (OLC004, a warning), with a non-ASCII comment
BROKEN_INI = "# réglages ✓\n[ mysqld ]\nport=3306\n"
ONLY_INPUT_RULES = ["--select", "OLC0", "--today", "2026-01-01"]


def make_cluster(folder: Path, name: str, ini: str = "[mysqld]\nport=3306\n") -> Path:
    (folder / "m").mkdir(parents=True)
    (folder / "cluster.yaml").write_text(GOOD.format(name=name), encoding="utf-8")
    (folder / "m" / "my.ini").write_text(ini, encoding="utf-8")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    make_cluster(tmp_path / "clusters" / "prod", "prod", BROKEN_INI)
    make_cluster(tmp_path / "clusters" / "test", "test")
    return tmp_path


def olclint(*args: str, cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The installed command in a child process, as a shell or CI agent runs it."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("NO_COLOR", None) if "NO_COLOR" not in (env or {}) else None
    return subprocess.run(
        [sys.executable, "-m", "olclint", *args],
        cwd=cwd,
        capture_output=True,
        env=full_env,
        timeout=120,
        check=False,
        **kw,
    )


# --- no false all-clear ------------------------------------------------------------------


def test_a_collected_file_in_the_cluster_subfolder_selects_its_cluster(
    repo: Path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(repo / "clusters/prod/m")
    assert main(["check", "my.ini", *ONLY_INPUT_RULES]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "my.ini:2:2: OLC004 warning: the group name [ mysqld ] has white space before it: "
        "the server compares it as written, so no program reads this group (write [mysqld])"
    )
    assert out.endswith("Found 1 problem (0 errors, 1 warning, 0 notes) in 1 file.\n")


def test_a_missing_path_is_never_an_all_clear(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    assert main(["check", "clusters/test", "nowhere.ini", *ONLY_INPUT_RULES]) == 2
    captured = capsys.readouterr()
    assert captured.err == "olclint: error: usage: nowhere.ini: no such file or folder\n"
    assert "No problems found" not in captured.out
    assert captured.out.endswith(
        "olclint: error: usage: nowhere.ini: no such file or folder\n"
        "olclint could not finish the check (see the errors above).\n"
    )
    assert main(["check", "nowhere.ini", "--format", "json", *ONLY_INPUT_RULES]) == 2
    report = json.loads(capsys.readouterr().out)
    assert report["gate"] == {"failOn": "warning", "failed": True}
    assert report["executionSuccessful"] is False


def test_only_files_outside_every_cluster_say_that_nothing_was_checked(
    repo: Path, capsys, monkeypatch
) -> None:
    monkeypatch.chdir(repo)
    (repo / "notes.sql").write_text("-- nothing\n")
    assert main(["check", "notes.sql", *ONLY_INPUT_RULES]) == 0
    assert capsys.readouterr().out == (
        "olclint: note: skipped notes.sql: no cluster.yaml in its folder or above it\n"
        "No cluster was checked.\n"
    )


def test_outside_git_two_cluster_files_share_a_root(tmp_path: Path, capsys, monkeypatch) -> None:
    make_cluster(tmp_path / "a", "a")
    make_cluster(tmp_path / "b", "b")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["check", "a/cluster.yaml", "b/cluster.yaml", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["findings"], report["executionSuccessful"]) == ([], True)


def test_outside_git_a_file_in_a_cluster_subfolder_selects_its_cluster(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    make_cluster(tmp_path / "a", "a", BROKEN_INI)
    monkeypatch.chdir(tmp_path / "a" / "m")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert main(["check", "my.ini", "--format", "json", *ONLY_INPUT_RULES]) == 1
    report = json.loads(capsys.readouterr().out)
    # SARIF and JSON paths are relative to the root: here the cluster folder
    assert [(f["rule"], f["location"]["path"]) for f in report["findings"]] == [
        ("OLC004", "m/my.ini")
    ]


# --- crashes that look like findings -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "github", "sarif", "json", "junit", "gitlab"])
def test_a_cp1252_console_gets_the_report_not_a_traceback(repo: Path, fmt: str) -> None:
    proc = olclint(
        "check",
        "clusters/prod",
        "--format",
        fmt,
        *ONLY_INPUT_RULES,
        cwd=repo,
        env={"PYTHONIOENCODING": "cp1252"},
    )
    assert (proc.returncode, proc.stderr) == (1, b"")
    if fmt in ("sarif", "json", "gitlab"):
        doc = json.loads(proc.stdout.decode("utf-8"))  # UTF-8, whatever the console
        assert doc
    elif fmt == "junit":
        assert proc.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    else:
        assert b"OLC004" in proc.stdout
        proc.stdout.decode("cp1252")  # the console's own encoding


def test_a_closed_pipe_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before olclint writes (`olclint rules | head -1`)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "olclint", "rules"],
            stdout=write,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (
        2,
        b"olclint: error: cannot write to stdout: Broken pipe\n",
    )


def test_an_internal_error_is_one_line_with_the_type_only(capsys, monkeypatch) -> None:
    def boom(fmt: str) -> int:
        raise RuntimeError("secret-from-a-file")

    monkeypatch.setattr(sys.modules["olclint.cli.main"], "_rules", boom)
    assert main(["rules"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        "olclint: error: internal error (RuntimeError); set OLCLINT_DEBUG=1 for details\n"
    )
    assert "secret" not in captured.out + captured.err


# --- several reports from one run --------------------------------------------------------


def test_several_reports_from_one_run(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    args = ["check", "clusters", "--format", "text", "--format", "sarif=olc.sarif"]
    assert main([*args, "--format", "junit=olc.xml", *ONLY_INPUT_RULES]) == 1
    out = capsys.readouterr().out
    assert out.startswith("clusters/prod/m/my.ini:2:2: OLC004 warning:")
    sarif = json.loads((repo / "olc.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["OLC004"]
    assert (repo / "olc.xml").read_text(encoding="utf-8").count("<failure ") == 1


def test_only_one_report_goes_to_standard_output(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    assert main(["check", "--format", "text", "--format", "json"]) == 2
    assert capsys.readouterr().err == (
        "olclint: error: --format: text, json: only one report can go to standard output; "
        "write the others with --format FMT=FILE\n"
    )


def test_two_reports_to_one_file_is_a_usage_error(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    args = ["check", "clusters", "--format", "sarif=out.txt", "--format", "json=./out.txt"]
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "olclint: error: --format: sarif and json would both be written to ./out.txt\n"
    )
    assert not (repo / "out.txt").exists()


# --- small things ------------------------------------------------------------------------


def test_no_prefix_matching_of_options(capsys) -> None:
    assert main(["check", "--form", "json"]) == 2
    assert capsys.readouterr().err.endswith("olclint: error: unrecognized arguments: --form\n")


@pytest.mark.parametrize(
    ("args", "err"),
    [
        (
            ["explain", "DatabaseNotReachabel"],
            "no rule 'DatabaseNotReachabel' (did you mean OLC101 DatabaseNotReachable?); "
            "`olclint rules` lists them",
        ),
        (
            ["check", "--select", "RootFromAnyHots"],
            "--select: 'RootFromAnyHots' matches no rule id, prefix or name "
            "(did you mean OLC112 RootFromAnyHost?)",
        ),
        (["check", "--ignore", "OLC9"], "--ignore: 'OLC9' matches no rule id, prefix or name"),
    ],
)
def test_did_you_mean(args: list[str], err: str, capsys) -> None:
    assert main(args) == 2
    assert capsys.readouterr().err == f"olclint: error: {err}\n"


def test_colour_follows_color_force_color_and_no_color(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    base = ["check", "clusters/prod", *ONLY_INPUT_RULES]

    def coloured(*extra: str) -> bool:
        main([*base, *extra])
        return "\x1b[" in capsys.readouterr().out

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert coloured() is False  # not a terminal
    assert coloured("--color", "always") is True
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert coloured() is True
    assert coloured("--color", "never") is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert coloured() is False
    assert coloured("--color", "always") is True


def test_statistics_count_findings_per_rule(repo: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    (repo / "clusters/test/m/my.ini").write_text("[ client ]\n[ mysqld ]\nport=3306\n")
    assert main(["check", "clusters", "--statistics", *ONLY_INPUT_RULES]) == 1
    assert capsys.readouterr().out == (
        "3  OLC004  warning  OptionFileLineIgnored\n"
        "\n"
        "Found 3 problems (0 errors, 3 warnings, 0 notes) in 2 files.\n"
    )


def test_check_help_lists_the_exit_codes(capsys) -> None:
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert "exit codes:\n  0  nothing that counts is at or above --fail-on" in out
    assert "\n  1  at least one finding that counts" in out
    assert "\n  2  a usage or configuration error" in out


# --- GitHub: the job summary -------------------------------------------------------------


def test_github_job_summary_says_a_clean_run_was_clean(repo: Path, capsys, monkeypatch) -> None:
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(repo)
    assert main(["check", "clusters/test", "--format", "github", *ONLY_INPUT_RULES]) == 0
    assert capsys.readouterr().out == ""
    assert summary.read_text(encoding="utf-8") == "### olclint\n\nolclint: no problems found.\n"


def test_github_job_summary_lists_what_annotations_cannot_show(
    repo: Path, capsys, monkeypatch
) -> None:
    summary = repo / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(repo)
    groups = "".join(f"[ g{n:02} ]\n" for n in range(12))
    (repo / "clusters/test/m/my.ini").write_text(f"[mysqld]\nport=3306\n{groups}")
    assert main(["check", "clusters/test", "--format", "github", *ONLY_INPUT_RULES]) == 1
    assert capsys.readouterr().out.count("::warning ") == 12  # the log keeps them all
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### olclint\n\nolclint found 12 problems.\n\n")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows == [
        f"| `clusters/test/m/my.ini:{n}:2` | OLC004 OptionFileLineIgnored | warning | "
        f"the group name [ g{n - 3:02} ] has white space before it: the server compares it "
        f"as written, so no program reads this group (write [g{n - 3:02}]) |"
        for n in (13, 14)
    ]


# --- the README as a user follows it -----------------------------------------------------

README_ROOT = Path(__file__).resolve().parent.parent


def test_readme_first_run_shows_the_real_output(capsys, monkeypatch) -> None:
    from test_config import example

    monkeypatch.chdir(README_ROOT)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert main(["check", "examples/prod-eu", "--today", "2026-01-01"]) == 1
    assert capsys.readouterr().out == example("first-run")


def test_readme_several_reports_command(tmp_path: Path, capsys, monkeypatch) -> None:
    import shlex

    from test_config import example, make_repo

    make_repo(tmp_path)
    (tmp_path / ".olclint.toml").write_text('select = ["OLC0"]\n')
    monkeypatch.chdir(tmp_path)
    (command,) = example("several-reports").splitlines()
    assert main(shlex.split(command)[1:]) == 0
    assert capsys.readouterr().out == "No problems found.\n"
    assert json.loads((tmp_path / "olclint.sarif").read_text())["runs"][0]["results"] == []
    assert (
        '<testcase classname="olclint" name="olclint.check" time="0"/>'
        in (tmp_path / "olclint.xml").read_text()
    )


def test_readme_action_and_gitlab_examples_match_what_ships() -> None:
    import yaml
    from test_config import example

    action = yaml.safe_load((README_ROOT / "action.yml").read_text())
    steps = yaml.safe_load(example("github-action"))["jobs"]["olclint"]["steps"]
    (uses,) = [s for s in steps if s.get("uses", "").startswith("OWNER/olclint@")]
    assert len(uses["uses"].split("@")[1]) == 40  # a full commit SHA, not a tag
    assert set(uses["with"]) <= set(action["inputs"])
    gitlab = yaml.safe_load(example("gitlab-ci"))["olclint"]
    assert gitlab["artifacts"]["reports"] == {
        "junit": "olclint.xml",
        "codequality": "olclint-quality.json",
    }
    pre_commit = yaml.safe_load(example("pre-commit"))["repos"][0]
    assert len(pre_commit["rev"]) == 40
    readme = (README_ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install olclint\n" not in readme and "rev: v0.1.0" not in readme
