"""`check --fix` and `--diff`: the edits, the files kept byte for byte, the fixture cases."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from olclint.cli.main import main
from olclint.core.findings import Finding, Fix, Level, Location
from olclint.domain.fixes import bind_address_for, prefs_text
from olclint.filter import fix as fixes
from olclint.readers.prefs import parse_prefs_text
from tests.oracles import require

CASES_DIR = Path(__file__).parent / "fixtures" / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "expect.yaml").is_file())

# Every fixture case with a fixable finding: the values --fix changes, as
# (rule, path, line, old line, new line).
RS = "com.objectiflune.repository.eclipselink.generic.prefs"
BIND = "bind-address=127.0.0.1,192.168.10.10"
CS = "com.objectiflune.cleanup.prefs"
STAG = ("cleanup.cron.schedule=0 0 3 * * ?", "cleanup.cron.schedule=0 0 1 * * ?")
FIXED = {
    "olc008_real_store_ignored": [  # master01's override keeps 03:00, ext01 moves on
        ("OLC402", f"ext01/.settings/{CS}", 5, STAG[0], "cleanup.cron.schedule=0 0 4 * * ?"),
    ],
    "olc101_bind_loopback": [
        (
            "OLC101",
            "master01/conf.d/network.cnf",
            3,
            "bind-address = 127.0.0.1",
            "bind-address = 127.0.0.1,192.168.10.10",
        ),
    ],
    "olc101_include_map": [  # in the file the include map finds
        (
            "OLC101",
            "db01/etc/mysql/mariadb.conf.d/50-server.cnf",
            2,
            "bind-address = 127.0.0.1",
            "bind-address = 127.0.0.1,192.168.10.10",
        ),
    ],
    "olc101_mariadb_ipv6_wildcard": [  # one edit for both extensions
        ("OLC101", "master01/my.ini", 4, "bind-address=::", BIND),
        ("OLC101", "master01/my.ini", 4, "bind-address=::", BIND),
    ],
    "olc113_x_protocol_open": [  # a line added after bind-address, in its group
        ("OLC113", "master01/my.ini", 3, None, "mysqlx-bind-address = 127.0.0.1"),
    ],
    "olc1_real_store_database": [
        ("OLC101", f"ext01/.settings/{RS}", 3, "db.host=localhost", "db.host=192.168.10.10"),
        ("OLC102", f"ext02/.settings/{RS}", 4, "db.port=3307", "db.port=3306"),
        (
            "OLC103",
            "ext03/.settings/com.objectiflune.scheduling.prefs",
            6,
            "server.connections.master.port=9341",
            "server.connections.master.port=9340",
        ),
    ],
    "olc201_merge_engines": [
        (
            "OLC201",
            "master01/settings/engines.prefs",
            4,
            "merge.expected_remote_engines=10",
            "merge.expected_remote_engines=8",
        ),
    ],
    "olc202_weaver_engines": [
        (
            "OLC202",
            "master01/weaver.prefs",
            1,
            "weaver.expected_remote_engines = 1",
            "weaver.expected_remote_engines = 3",
        ),
    ],
    "olc401_database_cleanup": [
        ("OLC401", "ext01/cleanup.prefs", 4, "cleanup.database=true", "cleanup.database=false"),
    ],
    "olc402_stagger_fix": [  # one fix, two values: 02:10 -> 03:00, 02:00 -> 01:00
        ("OLC402", f"ext01/.settings/{CS}", 5, "cleanup.cron.schedule=0 10 2 * * ?", STAG[0]),
        ("OLC402", f"ext02/.settings/{CS}", 5, "cleanup.cron.schedule=0 0 2 * * ?", STAG[1]),
    ],
    "olc4_real_store_cleanup": [
        (
            "OLC401",
            "ext01/.settings/com.objectiflune.cleanup.prefs",
            6,
            "cleanup.database.enabled=true",
            "cleanup.database.enabled=false",
        ),
    ],
}


def finding(path: str, line: int, column: int, end: int | None, text: str, rule="OLC201"):
    loc = Location(path, line, column, line if end is not None else None, end)
    return Finding(rule, Level.ERROR, "m", loc, fix=Fix("d", loc, text), subject=f"{line}{column}")


def _args(case: Path, root: Path) -> list[str]:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    today = str(expect.get("today", "2026-01-01"))
    return ["--root", str(root), "--today", today, *expect.get("args", [])]


def _json(root: Path, case: Path, capsys) -> tuple[int, list[dict]]:
    code = main(["check", str(root), "--format", "json", *_args(case, root)])
    return code, json.loads(capsys.readouterr().out)["findings"]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- the edits --------------------------------------------------------------------------


def test_apply_keeps_every_other_byte() -> None:
    data = b"# caf\xe9\r\nkey = old\r\nother=x\\\r\n  more\r\nlast=1"
    edit = fixes.plan([finding("a.prefs", 2, 7, 10, "new")]).edits
    assert fixes.apply(data, edit, prefs=True) == (
        b"# caf\xe9\r\nkey = new\r\nother=x\\\r\n  more\r\nlast=1"
    )


def test_apply_utf8_columns_are_characters_and_a_bom_is_kept() -> None:
    data = "\ufeff[mysqld]\nbind-address = 127.0.0.1 # é\n".encode()
    edit = fixes.plan([finding("my.ini", 2, 16, 25, "0.0.0.0")]).edits
    assert fixes.apply(data, edit, prefs=False) == (
        "\ufeff[mysqld]\nbind-address = 0.0.0.0 # é\n".encode()
    )
    data = "\ufeffport=3307\n".encode()
    edit = fixes.plan([finding("my.ini", 1, 6, 10, "3306")]).edits
    assert fixes.apply(data, edit, prefs=False) == "\ufeffport=3306\n".encode()


def test_apply_refuses_a_file_that_changed() -> None:
    edit = fixes.plan([finding("a.prefs", 3, 1, 2, "x")]).edits
    with pytest.raises(fixes.EditError, match="no such line"):
        fixes.apply(b"a=1\n", edit, prefs=True)
    edit = fixes.plan([finding("a.prefs", 1, 3, 40, "x")]).edits
    with pytest.raises(fixes.EditError, match="shorter"):
        fixes.apply(b"a=1\n", edit, prefs=True)
    edit = fixes.plan([finding("a.prefs", 1, 3, 4, "\u20ac")]).edits
    with pytest.raises(fixes.EditError, match="encoding"):
        fixes.apply(b"a=1\n", edit, prefs=True)


def test_plan_merges_same_edits_and_lists_conflicts_and_unsafe_ones() -> None:
    same = [finding("a.prefs", 1, 3, 4, "2", "OLC101"), finding("a.prefs", 1, 3, 4, "2", "OLC113")]
    clash = [finding("b.prefs", 1, 3, 6, "2"), finding("b.prefs", 1, 5, 8, "3")]
    unsafe = [
        finding("c.prefs", 1, 3, None, "2"),
        finding("c.prefs", 2, 3, 4, "a\nb"),
        finding("../c.prefs", 3, 3, 4, "2"),
    ]
    result = fixes.plan([*same, *clash, *unsafe])
    assert [(e.path, e.line, e.column, e.end_column, e.replacement) for e in result.edits] == [
        ("a.prefs", 1, 3, 4, "2")
    ]
    assert result.edits[0].findings == tuple(same)
    assert result.conflicts == clash
    assert result.unsafe == [
        (unsafe[0], "its region is not one value on one line"),
        (unsafe[1], "its replacement spans lines"),
        (unsafe[2], "its file is outside the repository root"),
    ]


def test_unified_diff_marks_a_missing_final_newline_and_keeps_crlf() -> None:
    old, new = b"a=1\r\nb=2", b"a=1\r\nb=3"
    assert fixes.unified_diff("x/y.prefs", old, new, prefs=True) == (
        b"--- a/x/y.prefs\n+++ b/x/y.prefs\n@@ -1,2 +1,2 @@\n a=1\r\n-b=2\n"
        b"\\ No newline at end of file\n+b=3\n\\ No newline at end of file\n"
    )


@pytest.mark.parametrize(
    "value", ["8", "192.168.10.10", "  lead", "a\\b", "tab\there", "caf\u00e9", "\u20ac\U0001f600"]
)
def test_prefs_text_reads_back_as_the_value(value: str) -> None:
    text = prefs_text(value)
    text.encode("latin-1")  # always writable in a .prefs file
    assert parse_prefs_text(f"k={text}\n", "a.prefs").get("k").value == value


def test_bind_address_for() -> None:
    import ipaddress as ip

    a, b, v6 = ip.ip_address("127.0.0.1"), ip.ip_address("10.0.0.5"), ip.ip_address("fd00::1")
    assert bind_address_for([b, b], "mysql", (5, 7)) == "10.0.0.5"
    assert bind_address_for([b, a], "mysql", (8, 0, 13)) == "10.0.0.5,127.0.0.1"
    assert bind_address_for([b, a], "mysql", (8, 0, 12)) == "0.0.0.0"
    assert bind_address_for([b, a], "mariadb", (10, 11)) == "10.0.0.5,127.0.0.1"
    assert bind_address_for([b, a], "mariadb", (10, 6)) == "0.0.0.0"
    assert bind_address_for([b, v6], "mariadb", (10, 6)) is None
    assert bind_address_for([], "mysql", (8, 0)) is None


# --- the fixture cases ----------------------------------------------------------------


def _fixable(case: Path, capsys) -> list[dict]:
    _, found = _json(case, case, capsys)
    return [f for f in found if f.get("fix")]


def test_exactly_these_cases_have_fixes(capsys) -> None:
    with_fixes = [c.name for c in CASES if _fixable(c, capsys)]
    assert with_fixes == sorted(FIXED)


@pytest.mark.oracle
@pytest.mark.parametrize("name", sorted(FIXED))
def test_fix_then_check_and_diff_applies_with_patch(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patch = require("patch")
    case = CASES_DIR / name
    fixed, patched = tmp_path / "fixed", tmp_path / "patched"
    shutil.copytree(case, fixed)
    shutil.copytree(case, patched)
    before = _tree(fixed)
    _, found = _json(fixed, case, capsys)
    fixable = [f for f in found if f.get("fix")]
    assert fixable

    assert main(["check", str(patched), "--diff", *_args(case, patched)]) == 1
    diff = capsys.readouterr().out
    done = subprocess.run(
        [patch, "-p1", "--quiet", "--no-backup-if-mismatch"],
        input=diff.encode("latin-1"),
        cwd=patched,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr

    main(["check", str(fixed), "--fix", *_args(case, fixed)])
    capsys.readouterr()
    after = _tree(fixed)
    assert after == _tree(patched)  # --fix writes exactly what --diff shows

    # every file is the old one with exactly the values of FIXED changed (a line ending
    # kept), or a line added (old None), and nothing else
    expected = {path: data.splitlines(True) for path, data in before.items()}
    for _, path, line, old_line, new_line in sorted(
        set(FIXED[name]), key=lambda e: (e[1], e[2]), reverse=True
    ):
        lines = expected[path]
        if old_line is None:
            eol = lines[line - 2][len(lines[line - 2].rstrip(b"\r\n")) :]
            lines.insert(line - 1, new_line.encode("latin-1") + eol)
            continue
        body = lines[line - 1].rstrip(b"\r\n")
        assert body.decode("latin-1") == old_line
        lines[line - 1] = new_line.encode("latin-1") + lines[line - 1][len(body) :]
    assert after == {path: b"".join(lines) for path, lines in expected.items()}

    _, again = _json(fixed, case, capsys)
    gone = {(f["rule"], f["location"]["path"], f["location"]["line"]) for f in fixable}
    assert [
        f for f in again if (f["rule"], f["location"]["path"], f["location"]["line"]) in gone
    ] == []
    edits = [(f["rule"], e) for f in fixable for e in [f["fix"], *f["fix"].get("also", [])]]
    got = [(rule, e["location"]["path"], e["location"]["line"]) for rule, e in edits]
    assert got == [(r, p, n) for r, p, n, _, _ in FIXED[name]]


# --- the files as they were, the writer, the verification ------------------------------


def _crlf_case(tmp_path: Path) -> tuple[Path, Path, bytes]:
    root = tmp_path / "repo"
    shutil.copytree(CASES_DIR / "olc201_merge_engines", root)
    prefs = root / "master01" / "settings" / "engines.prefs"
    data = (
        b"#Caf\\u00e9 \\u20ac r\\u00e9glages \\u00e0 la main\r\n"
        b"# d\xe9j\xe0 vu\r\n"
        b"eclipse.preferences.version=1\r\n"
        b"merge.local_engines=2\r\n"
        b"merge.expected_remote_engines = 10\r\n"
        b"weaver.expected_remote_engines=3\r\n"
        b"note=ligne \\\r\n  continu\xe9e"
    )
    prefs.write_bytes(data)
    return root, prefs, data


def test_fix_keeps_crlf_latin1_escapes_and_no_final_newline(tmp_path: Path, capsys) -> None:
    root, prefs, data = _crlf_case(tmp_path)
    assert main(["check", str(root), "--root", str(root), "--fix"]) == 0
    out = capsys.readouterr().out
    assert "fixed: 1 value in 1 file (OLC201)" in out
    assert "is not under version control" in out  # the copy is not in a git work tree
    assert prefs.read_bytes() == data.replace(b"engines = 10\r\n", b"engines = 8\r\n")
    assert main(["check", str(root), "--root", str(root), "--diff"]) == 0
    assert capsys.readouterr().out == ""


def test_fix_in_git_says_nothing_about_version_control(tmp_path: Path, capsys) -> None:
    root, prefs, data = _crlf_case(tmp_path)
    git = ["git", "-C", str(root), "-c", "user.email=t@e", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True, timeout=60)
    subprocess.run([*git, "add", "-A"], check=True, timeout=60)
    assert main(["check", str(root), "--fix"]) == 0
    out = capsys.readouterr().out
    assert "version control" not in out
    assert prefs.read_bytes() == data.replace(b"engines = 10\r\n", b"engines = 8\r\n")


def test_fix_never_follows_a_link_out_of_the_root(tmp_path: Path) -> None:
    from olclint.cli.fix import edit

    root = tmp_path / "repo"
    root.mkdir()
    outside = tmp_path / "outside.prefs"
    outside.write_bytes(b"k=1\n")
    (root / "a.prefs").symlink_to(outside)
    edited = edit(root, [finding("a.prefs", 1, 3, 4, "2")], {})
    assert edited.new == {}
    assert [n.message for n in edited.notes] == [
        "not fixed: OLC201 at a.prefs:1:3: its file is outside the repository root"
    ]
    assert outside.read_bytes() == b"k=1\n"


def test_diff_exit_codes_and_notes(tmp_path: Path, capsys) -> None:
    case = CASES_DIR / "pass_minimal"
    assert main(["check", str(case), "--root", str(case), "--diff"]) == 0
    assert capsys.readouterr() == ("", "")
    case = CASES_DIR / "olc201_merge_engines"
    assert main(["check", str(case), "--root", str(case), "--diff"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "olclint: 1 fix in 1 file (apply them with --fix)\n"
    assert captured.out.startswith("--- a/master01/settings/engines.prefs\n")


def _fake_run(tmp_path: Path):
    from types import SimpleNamespace

    from olclint.filter.outcome import Outcome

    (tmp_path / "a.prefs").write_bytes(b"k=1\r\n")
    bad = finding("a.prefs", 1, 3, 4, "2")
    run = SimpleNamespace(root=tmp_path, args=SimpleNamespace(diff=False))
    checked = SimpleNamespace(files=SimpleNamespace(kinds={}), workspace=SimpleNamespace())
    return run, checked, bad, Outcome


def test_a_fix_that_does_not_resolve_is_not_applied(tmp_path: Path) -> None:
    from olclint.cli.fix import run_fix

    run, checked, bad, Outcome = _fake_run(tmp_path)
    seen = []

    def recheck(at=None):
        assert at is not None and at != tmp_path  # checked on a copy, never in place
        seen.append((at / "a.prefs").read_bytes())
        return checked, [Outcome(bad)]  # still reported

    again, outcomes, notes = run_fix(run, checked, [Outcome(bad)], [tmp_path / "a.prefs"], recheck)
    assert seen == [b"k=2\r\n"]
    assert (tmp_path / "a.prefs").read_bytes() == b"k=1\r\n"
    assert again is checked and [o.finding for o in outcomes] == [bad]  # reported as it was
    assert [n.message for n in notes] == [
        "not fixed: OLC201 at a.prefs:1:3: checking the fixed files again still reports it",
        "fixed: nothing to fix",
    ]


def test_a_fix_still_reported_in_place_is_undone(tmp_path: Path) -> None:
    from olclint.cli.common import UsageError
    from olclint.cli.fix import run_fix

    run, checked, bad, Outcome = _fake_run(tmp_path)

    def recheck(at=None):
        if at is not None:
            return checked, []  # the copy says fixed
        assert (tmp_path / "a.prefs").read_bytes() == b"k=2\r\n"
        return checked, [Outcome(bad)]  # in place it is still there

    with pytest.raises(UsageError, match=r"still reports OLC201 \(a.prefs:1:3\); every edited"):
        run_fix(run, checked, [Outcome(bad)], [tmp_path / "a.prefs"], recheck)
    assert (tmp_path / "a.prefs").read_bytes() == b"k=1\r\n"


@pytest.mark.oracle
def test_diff_never_shows_a_secret_near_an_edit(tmp_path: Path, capsys) -> None:
    patch = require("patch")
    root = tmp_path / "repo"
    shutil.copytree(CASES_DIR / "olc1_real_store_database", root)
    store = root / "ext01" / ".settings" / RS
    data = store.read_bytes()
    assert b"db.host=localhost\r\n" in data
    secret = b"db.host=localhost\r\ndb.password=Sup3r-S3cret\r\n"
    store.write_bytes(data.replace(b"db.host=localhost\r\n", secret))
    assert main(["check", str(root), "--root", str(root), "--diff"]) == 1
    diff = capsys.readouterr().out
    assert "Sup3r-S3cret" not in diff
    assert diff.startswith(  # no context lines in that file
        f"--- a/ext01/.settings/{RS}\n+++ b/ext01/.settings/{RS}\n@@ -3 +3 @@\n"
        "-db.host=localhost\r\n+db.host=192.168.10.10\r\n"
        f"--- a/ext02/.settings/{RS}\n"
    )
    done = subprocess.run(
        [patch, "-p1", "--quiet"], input=diff.encode(), cwd=root, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert store.read_bytes() == data.replace(
        b"db.host=localhost\r\n", b"db.host=192.168.10.10\r\ndb.password=Sup3r-S3cret\r\n"
    )


def test_secret_lines() -> None:
    data = b"a=1\r\npassword=x\r\nb=2"
    assert fixes.secret_lines(data, ["a=1", "password=***", "b=2"], prefs=True) == {2}
    assert fixes.secret_lines(data, None, prefs=True) == {1, 2, 3}


@pytest.mark.parametrize(
    ("prefs", "fix"),
    [
        ("master.location=192.168.10.10:9341\n", ("192.168.10.10:9340", 1, 17, 35)),
        ("server.connections.master.port = 9341\n", ("9340", 1, 34, 38)),
        ("master.location=http://192.168.10.10:9341/\n", None),  # not a plain host:port
        ("master.location=[fd00::1]:9341\n", None),
    ],
)
def test_olc103_port_fixes(prefs: str, fix) -> None:
    from factory import cluster, extension, findings, master

    from olclint.rules import olc103_master_not_reachable as olc103

    built = cluster(master(), extension(prefs=prefs))
    port = [f for f in findings(olc103, built) if f.subject.endswith(":port")]
    assert len(port) == 1
    got = port[0].fix
    if fix is None:
        assert got is None
    else:
        loc = got.location
        assert (got.replacement, loc.line, loc.column, loc.end_column) == fix
        assert loc.path == "ext01/settings/test.prefs"


def test_an_added_line_takes_the_line_ending_of_the_line_before() -> None:
    add = fixes.plan([finding("my.ini", 3, 1, 1, "mysqlx-bind-address = 10.0.0.5\n")]).edits
    assert len(add) == 1
    data = b"[mysqld]\r\nbind-address = 10.0.0.5\r\nport=3306\r\n"
    assert fixes.apply(data, add, prefs=False) == (
        b"[mysqld]\r\nbind-address = 10.0.0.5\r\nmysqlx-bind-address = 10.0.0.5\r\nport=3306\r\n"
    )
    # after a last line without a line break: the file still ends without one
    assert fixes.apply(b"[mysqld]\r\nbind-address = 10.0.0.5", add, prefs=False) == (
        b"[mysqld]\r\nbind-address = 10.0.0.5\r\nmysqlx-bind-address = 10.0.0.5"
    )
    with pytest.raises(fixes.EditError, match="a line cannot be added there"):
        fixes.apply(b"[mysqld]\n", add, prefs=False)
    # two lines at once, or a line break elsewhere, is not one new line
    result = fixes.plan([finding("my.ini", 3, 1, 1, "a = 1\nb = 2\n")])
    assert [why for _, why in result.unsafe] == ["its replacement spans lines"]


@pytest.mark.parametrize(
    ("ini", "fix"),
    [
        ("[mysqld]\nbind-address=127.0.0.1\n", ("mysqlx-bind-address = 127.0.0.1\n", 3, 1)),
        (
            "[mysqld]\nbind-address=127.0.0.1\nmysqlx-bind-address = *\n",
            ("127.0.0.1", 3, 23),
        ),
        ("[mysqld]\nbind-address=0.0.0.0\n", None),  # a wildcard: the port would stay open
    ],
)
def test_olc113_fixes(ini: str, fix) -> None:
    from factory import cluster, findings

    from olclint.rules import olc113_x_protocol_port_open as olc113

    found = findings(olc113, cluster(engine="mysql", version=(8, 0, 36), my_ini=ini))
    assert len(found) == 1
    got = found[0].fix
    if fix is None:
        assert got is None
    else:
        assert (got.replacement, got.location.line, got.location.column) == fix
        assert got.location.path == "db/my.ini"
