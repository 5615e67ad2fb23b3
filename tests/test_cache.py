"""The result cache (olclint.cli.cache): a repeated run reuses the check stage's output, any
change to what the check depends on misses it, and a run from the cache reports exactly
what a run without it reports. It stores no secret."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

import olclint
from olclint.cli import check as check_stage
from olclint.cli import replay
from olclint.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "prod-eu"
SECRETS = ROOT / "tests" / "fixtures" / "hostile" / "secrets"
MARKER = re.compile(rb"s3cr3t|hunter2", re.I)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(EXAMPLE, tmp_path / "prod-eu")
    # the files were just made: no margin for coarse file times, or no run would be stored
    monkeypatch.setattr(replay, "MARGIN_NS", 0)
    return tmp_path


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the check stage really ran."""
    calls: list[int] = []
    real = check_stage._check

    def counting(run, files):
        calls.append(len(files))
        return real(run, files)

    monkeypatch.setattr(check_stage, "_check", counting)
    return calls


def _run(repo: Path, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", str(repo), "--root", str(repo), "--format", "json", *extra])
    out = capsys.readouterr()
    return code, out.out + out.err


def _entries() -> list[Path]:
    return sorted(Path(os.environ["OLCLINT_CACHE_DIR"]).glob("*.pickle"))


def _same_as_without_cache(repo: Path, capsys, *extra: str) -> tuple[int, str]:
    """Run with the cache, then without: both reports must be the same."""
    cached = _run(repo, capsys, "--today", "2026-01-15", *extra)
    fresh = _run(repo, capsys, "--today", "2026-01-15", "--no-cache", *extra)
    assert cached == fresh
    return cached


def test_a_second_run_reuses_the_first_and_reports_the_same(repo, capsys, checks):
    first = _run(repo, capsys, "--today", "2026-01-15")
    second = _run(repo, capsys, "--today", "2026-01-15")
    assert (first, checks, len(_entries())) == (second, [1], 1)
    assert first[0] == 1  # the example has findings: the cache replays them


def test_no_cache_checks_every_time_and_stores_nothing(repo, capsys, checks):
    _run(repo, capsys, "--no-cache")
    _run(repo, capsys, "--no-cache")
    assert (checks, _entries()) == ([1, 1], [])


def _edit(repo: Path) -> None:
    path = repo / "prod-eu" / "master01" / "my.ini"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("bind-address=0.0.0.0", "bind-address=127.0.0.1"))


def _same_size_edit(repo: Path) -> None:
    path = repo / "prod-eu" / "cluster.yaml"
    data = path.read_bytes()
    stat = path.stat()
    path.write_bytes(data.replace(b"ext02", b"ext0x", 1))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old mtime


def _mode(repo: Path) -> None:
    path = repo / "prod-eu" / "master01" / "grants.sql"
    path.chmod(0o600)


def _new_file(repo: Path) -> None:
    (repo / "prod-eu" / "ext01" / "notes.txt").write_text("x")


def _removed(repo: Path) -> None:
    next((repo / "prod-eu" / "ext02").rglob("*.prefs")).unlink()


def _renamed(repo: Path) -> None:
    prefs = next((repo / "prod-eu" / "ext02").rglob("*.prefs"))
    prefs.rename(prefs.with_name("other.prefs"))


def _new_folder(repo: Path) -> None:
    (repo / "prod-eu" / "master01" / "conf.d").mkdir()


def _config(repo: Path) -> None:
    (repo / ".olclint.toml").write_text("max-file-size = 1024\n")  # files over it


CHANGES = [_edit, _same_size_edit, _mode, _new_file, _removed, _renamed, _new_folder, _config]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_under_the_root_misses_the_cache(repo, capsys, checks, change):
    before = _same_as_without_cache(repo, capsys)
    change(repo)
    after = _same_as_without_cache(repo, capsys)
    # each pair: one cached run (a miss: it checked) and one --no-cache run; the entry of
    # the new state replaces the old one (same run, other state)
    assert (checks, len(_entries())) == ([1, 1, 1, 1], 2 if change is _config else 1)
    assert (before != after) is (change in (_edit, _same_size_edit, _removed, _config))


def test_the_version_of_olclint_is_part_of_the_key(repo, capsys, checks, monkeypatch):
    _run(repo, capsys)
    monkeypatch.setattr(olclint, "__version__", "99.0")
    _run(repo, capsys)
    assert checks == [1, 1]


def test_the_rules_and_options_are_part_of_the_key(repo, capsys, checks):
    _run(repo, capsys, "--today", "2026-01-15")
    _run(repo, capsys, "--today", "2026-01-15", "--select", "OLC1")
    _run(repo, capsys, "--today", "2026-01-15", "--select", "OLC1", "--jobs", "1")
    # --jobs changes how, not what: the third run is a hit
    assert checks == [1, 1]


def test_the_date_is_part_of_the_key_only_where_a_rule_reads_it(repo, capsys, checks):
    _run(repo, capsys, "--today", "2026-01-15")
    _run(repo, capsys, "--today", "2026-01-16")  # OLC303, OLC402 are active: a miss
    _run(repo, capsys, "--today", "2026-01-15", "--select", "OLC1")
    _run(repo, capsys, "--today", "2026-01-16", "--select", "OLC1")  # no date rule: a hit
    assert checks == [1, 1, 1]


def test_a_broken_cache_entry_is_a_miss(repo, capsys, checks):
    first = _run(repo, capsys)
    for entry in _entries():
        entry.write_bytes(b"not a pickle")
    second = _run(repo, capsys)
    assert (first, checks) == (second, [1, 1])


def test_an_unwritable_cache_folder_is_no_cache(repo, capsys, checks, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("OLCLINT_CACHE_DIR", str(blocker / "cache"))
    first = _run(repo, capsys)
    second = _run(repo, capsys)
    assert (first, checks) == (second, [1, 1])


def test_the_cache_holds_no_secret(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(replay, "MARGIN_NS", 0)  # the files were just made
    (tmp_path / ".git").mkdir()
    shutil.copytree(SECRETS, tmp_path / "secrets")
    first = _run(tmp_path, capsys, "--today", "2026-01-15")
    second = _run(tmp_path, capsys, "--today", "2026-01-15")
    # the fixture names a file `missing.cnf # password=s3cr3t...`: that run is not stored
    assert (first == second, _entries()) == (True, [])
    assert MARKER.findall(first[1].encode()) == []
    # without that file, the same secrets are read and the run is stored, secret-free
    vault = tmp_path / "secrets" / "clusters" / "vault"
    for path in vault.rglob("*"):
        if path.is_file() and b"missing.cnf # password" in path.read_bytes():
            text = re.sub(rb"missing\.cnf # password=\S+", b"missing.cnf", path.read_bytes())
            path.write_bytes(text)
    third = _run(tmp_path, capsys, "--today", "2026-01-15")
    fourth = _run(tmp_path, capsys, "--today", "2026-01-15")
    blobs = [p.read_bytes() for p in _entries()]
    assert (third == fourth, len(blobs)) == (True, 1)
    assert MARKER.findall(b"".join(blobs)) == []


def test_an_html_report_does_not_use_the_cache(repo, capsys, checks):
    for _ in range(2):
        main(["check", str(repo), "--root", str(repo), "--format", "html", "--today", "2026-01-15"])
    capsys.readouterr()
    assert (checks, _entries()) == ([1, 1], [])


def test_exactly_the_rules_that_read_the_date_say_so():
    """The cache keys on the date through `Rule.uses_date`: every rule whose source reads
    `ctx.today` declares `USES_DATE = True`, and no other."""
    import inspect
    import sys

    from olclint.rules import all_rules

    def source(rule) -> str:
        return inspect.getsource(sys.modules[rule.check.__module__])

    reading = {r.id for r in all_rules() if "ctx.today" in source(r)}
    declared = {r.id for r in all_rules() if r.uses_date}
    assert (reading, declared) == ({"OLC303", "OLC402"}, {"OLC303", "OLC402"})


def test_a_file_created_where_a_reference_pointed_misses_the_cache(repo, capsys, checks):
    prefs = next((repo / "prod-eu" / "ext02").rglob("*.prefs"))
    text = prefs.read_bytes()
    prefs.unlink()
    missing = _same_as_without_cache(repo, capsys)
    prefs.write_bytes(text)
    present = _same_as_without_cache(repo, capsys)
    assert (checks, missing != present) == ([1, 1, 1, 1], True)


def test_the_paths_looked_at_are_the_clusters_inputs(repo, capsys):
    """The entry records the files and folders the readers asked about, not the tree."""
    import pickle

    (repo / "unrelated.txt").write_text("x")
    _run(repo, capsys, "--today", "2026-01-15")
    (entry,) = _entries()
    looked = pickle.loads(entry.read_bytes())["looked"]
    rel = sorted(Path(p).relative_to(repo).as_posix() for p in looked)
    settings = [
        f"prod-eu/{node}/settings/com.objectiflune.{name}.prefs"
        for node in ("ext01", "ext02", "master01")
        for name in ("cleanup", "repository.commonutils")
    ]
    assert rel == sorted(
        [
            "prod-eu/cluster.yaml",
            "prod-eu/ext01/settings",
            "prod-eu/ext02/settings",
            "prod-eu/master01/conf/tuning.ini",
            "prod-eu/master01/grants.sql",
            "prod-eu/master01/my.ini",
            "prod-eu/master01/server.json",  # looked for, not there: its creation misses
            "prod-eu/master01/settings",
            *settings,
        ]
    )


def test_a_repository_keeps_only_the_lines_a_report_can_show(
    repo: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each cluster's lines are let go once its suppression comments are taken, unless a
    finding, a fix, a comment or a baseline entry points at the file; the reports are the
    same as when every file's lines are kept, and every file read is still known."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import Spec, write_cluster
    finally:
        sys.path.remove(str(ROOT / "bench"))
    write_cluster(repo / "clean", Spec(name="clean", extensions=2))
    kept: list = []
    real = check_stage._check

    def spying(run, files):
        checked = real(run, files)
        kept.append(checked)
        return checked

    monkeypatch.setattr(check_stage, "_check", spying)

    def report(fmt: str) -> tuple[int, str]:
        argv = ["check", str(repo), "--root", str(repo), "--today", "2026-01-15", "--no-cache"]
        code = main([*argv, "--format", fmt])
        return code, capsys.readouterr().out

    reports = {}
    for fmt in ("text", "sarif"):
        capsys.readouterr()
        reports[fmt] = report(fmt)
    checked = kept[-1]
    kept_paths = set(checked.workspace.sources)
    assert kept_paths == check_stage._shown_paths(checked.findings) & checked.read
    assert kept_paths and not any(path.startswith("clean/") for path in kept_paths)
    assert {p for p in checked.read if p.startswith("clean/")} >= {
        "clean/cluster.yaml",
        "clean/master01/grants.sql",
    }
    monkeypatch.setattr(check_stage, "_shown_paths", lambda findings: {p for p in checked.read})
    for fmt, (code, out) in reports.items():
        capsys.readouterr()
        again, text = report(fmt)
        if fmt == "sarif":  # the times of the run differ
            out, text = (re.sub(r'"(start|end)TimeUtc": "[^"]*"', "", t) for t in (out, text))
        assert (again, text) == (code, out)
    assert len(kept[-1].workspace.sources) > 2


def test_a_file_two_clusters_read_has_its_suppression_comments_once(repo: Path, capsys) -> None:
    """A shared grants.sql is scanned for suppression comments once, not once per cluster:
    an unused comment in it is one OLC007."""
    shared = repo / "shared"
    shared.mkdir()
    grants = (repo / "prod-eu" / "master01" / "grants.sql").read_text()
    (shared / "grants.sql").write_text(grants + "-- olclint: ignore[OLC113] not needed here\n")
    text = (repo / "prod-eu" / "cluster.yaml").read_text()
    for name in ("a", "b"):
        shutil.copytree(repo / "prod-eu", repo / name)
        changed = text.replace("grants: master01/grants.sql", "grants: ../shared/grants.sql")
        (repo / name / "cluster.yaml").write_text(changed.replace("name: prod-eu", f"name: {name}"))
    shutil.rmtree(repo / "prod-eu")
    _code, out = _run(repo, capsys, "--today", "2026-01-15", "--no-cache")
    unused = [r for r in json.loads(out)["findings"] if r["rule"] == "OLC007"]
    assert [(r["location"]["path"], r["location"]["line"]) for r in unused] == [
        ("shared/grants.sql", grants.count("\n") + 1)
    ]


def test_a_file_changed_after_it_was_read_is_not_stored_whatever_the_clock(
    repo, capsys, checks, monkeypatch: pytest.MonkeyPatch
):
    """A file edited while the run goes on, its time from another clock (a share): the
    run is not stored, since the file is no longer in the state it was read in."""
    from olclint.readers.workspace import Workspace

    grants = repo / "prod-eu" / "master01" / "grants.sql"
    real = Workspace._read
    edited: list[Path] = []

    def read_then_edit(self, path):
        found = real(self, path)
        if Path(path) == grants and not edited:
            edited.append(grants)
            grants.write_text(grants.read_text() + "-- edited\n")
        return found

    import time

    ahead = time.time_ns
    # this machine's clock 10 s ahead of the file times (a share's clock): no margin helps
    monkeypatch.setattr(time, "time_ns", lambda: ahead() + 10 * 10**9)
    monkeypatch.setattr(Workspace, "_read", read_then_edit)
    _run(repo, capsys, "--today", "2026-01-15")
    assert (_entries(), checks) == ([], [1])
    _run(repo, capsys, "--today", "2026-01-15")
    assert (len(_entries()), checks) == (1, [1, 1])


def test_a_read_error_that_the_files_state_does_not_explain_is_not_stored(
    repo, capsys, checks, monkeypatch: pytest.MonkeyPatch
):
    """Too many open files once: that run's OLC002 is not stored, the next run reads."""
    import errno

    grants = os.path.abspath(repo / "prod-eu" / "master01" / "grants.sql")
    real_open = os.open
    failed: list[str] = []

    def once(path, *args, **kwargs):
        if os.path.abspath(path) == grants and not failed:
            failed.append(grants)
            raise OSError(errno.EMFILE, "Too many open files")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", once)
    _code, first = _run(repo, capsys, "--today", "2026-01-15")
    assert "Too many open files" in first and _entries() == []
    _code, second = _run(repo, capsys, "--today", "2026-01-15")
    assert "Too many open files" not in second and checks == [1, 1]
