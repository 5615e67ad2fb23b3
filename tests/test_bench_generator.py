"""The benchmark generator: deterministic, the sizes asked for, and clean for olclint."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from olclint.cli.main import main

BENCH = Path(__file__).resolve().parent.parent / "bench" / "generate.py"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_same_seed_same_bytes(gen: ModuleType, tmp_path: Path) -> None:
    spec = gen.Spec(name="x", extensions=20, grants=40, seed=7)
    gen.write_cluster(tmp_path / "a", spec)
    gen.write_cluster(tmp_path / "b", spec)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    gen.write_cluster(tmp_path / "c", gen.Spec(name="x", extensions=20, grants=40, seed=8))
    assert _files(tmp_path / "a") != _files(tmp_path / "c")


def test_sizes(gen: ModuleType, tmp_path: Path) -> None:
    spec = gen.Spec(name="big", extensions=300, grants=250, schedules="daily", seed=1)
    path = gen.write_cluster(tmp_path / "big", spec)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    roles = [n["role"] for n in data["nodes"]]
    assert roles.count("master") == 1 and roles.count("extension") == 300
    assert len({n["address"] for n in data["nodes"]}) == 301
    assert [n["name"] for n in data["networks"]] == ["dc", "branch00", "branch01"]
    grants = (tmp_path / "big" / "master01" / "grants.sql").read_text(encoding="utf-8")
    assert len(re.findall(r"^GRANT ", grants, re.M)) == 250
    assert len(re.findall(r"^CREATE USER ", grants, re.M)) == 250
    accounts = re.findall(r"^CREATE USER ('[^']*'@'[^']*')", grants, re.M)
    assert len(set(accounts)) == 250
    crons = [
        (tmp_path / "big" / n["name"] / "settings" / gen.CLEANUP_PREFS).read_text("latin-1")
        for n in data["nodes"]
    ]
    assert all(re.search(r"^cleanup\.cron=\d+ \d+ \d+ \* \* \?$", c, re.M) for c in crons)
    assert len({n["timezone"] for n in data["nodes"]}) == 1
    common = (tmp_path / "big" / "master01" / "settings" / gen.COMMON_PREFS).read_text("latin-1")
    total = sum(
        int(re.search(r"^merge\.local_engines=(\d+)$", p.read_text("latin-1"), re.M)[1])
        for p in (tmp_path / "big").glob(f"ext*/settings/{gen.COMMON_PREFS}")
    )
    assert f"merge.expected_remote_engines={total}\n" in common


def test_varied_schedules_use_quartz_specials(gen: ModuleType, tmp_path: Path) -> None:
    gen.write_cluster(tmp_path / "v", gen.Spec(name="v", extensions=60, seed=3))
    crons = [
        p.read_text("latin-1").rsplit("cleanup.cron=", 1)[1].strip()
        for p in sorted((tmp_path / "v").glob(f"*/settings/{gen.CLEANUP_PREFS}"))
    ]
    fields = [c.split()[3:6] for c in crons]
    assert any(dom == "L" for dom, _, _ in fields)
    assert any("#" in dow for _, _, dow in fields)
    assert any(dow.endswith("L") for _, _, dow in fields)
    assert any(dow == "MON-FRI" for _, _, dow in fields)


def _check(path: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(
        ["check", str(path), "--root", str(root), "--format", "json", "--today", "2026-01-15"]
    )
    return code, json.loads(capsys.readouterr().out)


def test_generated_clusters_are_clean(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typical = gen.write_cluster(tmp_path / "typical", gen.Spec(name="typical", seed=1))
    code, report = _check(typical, tmp_path, capsys)
    assert (report["findings"], report["notifications"], code) == ([], [], 0)
    large = gen.Spec(name="large", extensions=120, grants=200, schedules="daily", seed=2)
    code, report = _check(gen.write_cluster(tmp_path / "large", large), tmp_path, capsys)
    assert (report["findings"], report["notifications"], code) == ([], [], 0)


def test_repository_of_clean_clusters(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = gen.write_repo(tmp_path / "repo", 12, seed=5)
    assert [f.parent.name for f in files] == [f"site{k:03d}" for k in range(12)]
    code, report = _check(tmp_path / "repo", tmp_path / "repo", capsys)
    assert (report["findings"], report["notifications"], code) == ([], [], 0)
