"""Checking many clusters on several cores gives what the sequential loop gives, in order."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import GOOD  # the same small valid cluster

from olclint.core.findings import Finding, Level, Location
from olclint.engine import parallel as parallel
from olclint.engine.parallel import MIN_PARALLEL, check_clusters, is_failure, resolve_rules
from olclint.engine.rule import Rule
from olclint.rules import all_rules

pytestmark = pytest.mark.pool  # run again with OLCLINT_START_METHOD=spawn (.ci/run)

TODAY = dt.date(2026, 1, 15)


def _input_rules() -> tuple[Rule, ...]:
    """The input rules only: the results below do not move when other rules land."""
    return tuple(r for r in all_rules() if r.id.startswith("OLC00"))


BAD_YAML = "version: 1\nname: [broken\n"
UNKNOWN_KEY = GOOD.replace("version: 1\n", "version: 1\ncolour: blue\n")


def _write(root: Path, name: str, text: str) -> Path:
    folder = root / "clusters" / name
    (folder / "m").mkdir(parents=True)
    (folder / "m" / "my.ini").write_text("[mysqld]\nport=3306\n", encoding="utf-8")
    (folder / "cluster.yaml").write_text(text.format(name=name), encoding="utf-8")
    return folder / "cluster.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[Path]]:
    """12 clusters, every third one broken (YAML syntax, then an unknown key)."""
    files = []
    for i in range(12):
        text = (GOOD, BAD_YAML, UNKNOWN_KEY)[i % 3]
        files.append(_write(tmp_path, f"c{i:02d}", text))
    # not sorted: results follow the input order, not the file system's
    files = files[5:] + files[:5]
    return tmp_path, files


def _summary(outcomes: list) -> list[tuple]:
    return [
        (
            result.cluster.path,
            tuple((f.rule, f.location.path, f.location.line, f.message) for f in result.findings),
            tuple(n.message for n in result.notifications),
            tuple(sorted(sources)),
        )
        for result, sources in outcomes
    ]


def test_sequential_results_in_input_order(repo: tuple[Path, list[Path]]) -> None:
    root, files = repo
    outcomes = check_clusters(root, files, _input_rules(), TODAY, jobs=1)
    got = _summary(outcomes)
    assert [g[0] for g in got] == [f.relative_to(root).as_posix() for f in files]
    # c05: unknown key 'colour' at line 2
    assert [(r, p, n) for r, p, n, _ in got[0][1]] == [("OLC001", "clusters/c05/cluster.yaml", 2)]
    # c06 is clean; the sources of each cluster are its own files only
    assert got[1] == (
        "clusters/c06/cluster.yaml",
        (),
        (),
        ("clusters/c06/cluster.yaml", "clusters/c06/m/my.ini"),
    )
    # c07: YAML syntax error (the unclosed flow sequence)
    assert [(r, p, n) for r, p, n, _ in got[2][1]] == [("OLC001", "clusters/c07/cluster.yaml", 3)]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_gives_the_sequential_results(repo: tuple[Path, list[Path]], method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    root, files = repo
    assert len(files) >= MIN_PARALLEL
    sequential = check_clusters(root, files, all_rules(), TODAY, jobs=1)
    assert sum(len(r.findings) for r, _ in sequential) >= 8  # the broken clusters at least
    pooled = check_clusters(root, files, all_rules(), TODAY, jobs=2, start_method=method)
    assert _summary(pooled) == _summary(sequential)
    assert [s for _, s in pooled] == [s for _, s in sequential]
    assert [r.findings for r, _ in pooled] == [r.findings for r, _ in sequential]


def test_rule_ids_select_registered_rules(repo: tuple[Path, list[Path]]) -> None:
    root, files = repo
    outcomes = check_clusters(root, files, ["OLC002"], TODAY, jobs=2)
    assert all(r.findings == () for r, _ in outcomes)  # OLC001 findings were not selected
    assert resolve_rules(["OLC001"]) == tuple(r for r in all_rules() if r.id == "OLC001")
    with pytest.raises(ValueError, match="OLC999"):
        resolve_rules(["OLC999"])


def test_a_failing_check_is_a_notification(repo: tuple[Path, list[Path]]) -> None:
    root, files = repo
    broken = root / "clusters" / "bad\0name" / "cluster.yaml"  # the path itself raises
    files = [*files[:4], broken, *files[4:]]
    for jobs in (1, 2):
        outcomes = check_clusters(root, files, _input_rules(), TODAY, jobs=jobs)
        assert len(outcomes) == len(files)
        result, sources = outcomes[4]
        assert result.findings == () and sources == {}
        assert [(n.message, n.exception, n.level) for n in result.notifications] == [
            (
                "checking clusters/bad\0name/cluster.yaml failed (ValueError)",
                "ValueError",
                Level.ERROR,
            )
        ]
        assert all(r.notifications == () for i, (r, _) in enumerate(outcomes) if i != 4)
        assert [i for i, (r, _) in enumerate(outcomes) if is_failure(r)] == [4]
        assert (result.cluster.name, result.cluster.path) == (
            "bad\0name",
            "clusters/bad\0name/cluster.yaml",
        )


def _dies_in_a_worker(ctx: object) -> Iterator[Finding]:
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # a worker killed mid-check (out of memory, a crash in C code)
    yield Finding("OLC999", Level.NOTE, "checked in the parent", Location("x.yaml", 1))


DIES = Rule("OLC999", "DiesInWorker", Level.NOTE, "dies in a worker", "", _dies_in_a_worker)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_dead_worker_loses_no_cluster(repo: tuple[Path, list[Path]], method: str) -> None:
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method here")
    root, files = repo
    outcomes = check_clusters(root, files, [DIES], TODAY, jobs=2, start_method=method)
    assert len(outcomes) == len(files)
    usable = [r for r, _ in outcomes if r.cluster.usable]
    assert len(usable) == 4  # the GOOD clusters: every one checked again in this process
    assert all([f.message for f in r.findings] == ["checked in the parent"] for r in usable)


def test_few_clusters_use_no_pool(
    repo: tuple[Path, list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    root, files = repo
    calls = []

    def refuse(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise OSError("no processes here")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    few = files[: MIN_PARALLEL - 1]
    assert len(check_clusters(root, few, _input_rules(), TODAY, jobs=2)) == len(few)
    assert calls == []
    # enough clusters: a pool is tried; when it cannot start, everything runs here
    sequential = check_clusters(root, files, _input_rules(), TODAY, jobs=1)
    assert _summary(check_clusters(root, files, _input_rules(), TODAY, jobs=2)) == _summary(
        sequential
    )
    assert len(calls) == 1


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 60), count=st.integers(1, 20))
def test_chunks_are_contiguous_and_balanced(n: int, count: int) -> None:
    items = [Path(str(i)) for i in range(n)]
    chunks = parallel._chunks(items, count)
    assert [p for chunk in chunks for p in chunk] == items
    assert len(chunks) == max(1, min(count, n))
    sizes = [len(c) for c in chunks]
    assert max(sizes) - min(sizes) <= 1
