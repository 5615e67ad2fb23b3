"""Check many clusters at once: one process per core when there are enough of them.

`check_clusters` builds each cluster and runs the rules on it, exactly as a sequential
loop would, and returns one result per cluster file, in input order, each with the source
lines its readers remembered (merge them into the run's `Workspace.sources`).

- Few clusters (fewer than `MIN_PARALLEL`) or `jobs=1`: in this process, no pool.
- Otherwise a process pool of `jobs` workers (default: `auto_workers`, the free CPUs
  when there are at least `AUTO_MIN_CLUSTERS` clusters, else no pool). Clusters go to
  the workers in contiguous chunks; results come back in input order.
- A cluster whose check raises (a bug in olclint) becomes a result without findings and
  with one `Notification` naming the cluster file, like the sequential loop does; its
  `cluster` is a placeholder (`is_failure` tells). A chunk whose worker died, or whose
  results could not be sent back, is checked again in this process; no cluster is lost.
- With a pool, the first cluster is checked in this process before the pool starts, so
  forked workers inherit the imported readers and the prepared schema validator.

Workers are spawn-safe (module-level functions, picklable arguments, no state set at
import time): they re-import olclint under the `spawn` start method, the only one Windows
has. On Linux, when this process runs no other thread, workers are forked instead: they
start at once with olclint already imported. `OLCLINT_START_METHOD=spawn` forces `spawn`
(see `olclint.core.platform.start_method`), which is how the tests run the pool under
Windows' start method on Linux. Under `spawn`, every worker imports the calling program's
main module again: a script that calls `check_clusters` must guard its entry point with
`if __name__ == "__main__":` (the `olclint` command and `python -m olclint` do).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from olclint.core import platform
from olclint.core.findings import Location, Notification
from olclint.engine.rule import Rule
from olclint.engine.runner import ClusterResult
from olclint.model.cluster import Cluster
from olclint.readers.workspace import DEFAULT_MAX_FILE_BYTES, Workspace

MIN_PARALLEL = 8  # fewer clusters than this: a pool costs more than it saves
# Without `jobs`, a pool only when it pays: a typical cluster takes a few milliseconds and a
# worker tens to start, so enough clusters, and CPUs that are not already busy.
AUTO_MIN_CLUSTERS = 64
CHUNKS_PER_JOB = 4  # chunks per worker: small enough to balance, big enough to batch

FAILED = "check_failed"  # key in the placeholder Cluster.extra of a failed check

Sources = dict[str, list[str]]
Outcome = tuple[ClusterResult, Sources]


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the OS has one)."""
    return platform.usable_cpus()


def auto_workers(count: int) -> int:
    """The workers worth starting for `count` clusters when `--jobs` is not given: the
    usable CPUs less the system's recent load (one-minute load average), 1 below
    `AUTO_MIN_CLUSTERS` or when fewer than two CPUs are free."""
    if count < AUTO_MIN_CLUSTERS:
        return 1
    cpus = usable_cpus()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        load = 0.0
    free = int(cpus - load + 0.5)
    return min(cpus, free) if free >= 2 else 1


def resolve_rules(rules: Sequence[Rule] | Sequence[str]) -> tuple[Rule, ...]:
    """Rules as given, or registered rules looked up by id (unknown ids are a bug: raise)."""
    if all(isinstance(r, Rule) for r in rules):
        return tuple(rules)  # type: ignore[arg-type]
    from olclint.rules import all_rules

    by_id = {r.id: r for r in all_rules()}
    resolved = []
    for item in rules:
        if isinstance(item, Rule):
            resolved.append(item)
        elif item in by_id:
            resolved.append(by_id[item])
        else:
            raise ValueError(f"no rule with id {item!r}")
    return tuple(resolved)


def is_failure(result: ClusterResult) -> bool:
    """Whether the check of this cluster raised: its `cluster` is only a placeholder (name,
    path, folder), with no findings and one notification."""
    return FAILED in result.cluster.extra


def failed_result(cluster_file: Path, ws: Workspace, exc: BaseException) -> ClusterResult:
    """The result of a cluster whose check raised: no findings, one notification."""
    try:
        rel = ws.rel(cluster_file)
    except Exception:  # the path itself is what broke the check
        rel = Path(cluster_file).as_posix()
    name = Path(rel).parent.name or rel
    placeholder = Cluster(
        name,
        rel,
        Path(rel).parent.as_posix(),
        Location(rel),
        {},
        extra={FAILED: type(exc).__name__},
    )
    note = Notification(
        f"checking {rel} failed ({type(exc).__name__})", exception=type(exc).__name__
    )
    return ClusterResult(placeholder, (), (note,))


def check_one(
    root: Path,
    cluster_file: Path,
    rules: tuple[Rule, ...],
    today: dt.date,
    preference_keys: Mapping[str, str] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Outcome:
    """Build one cluster and run the rules on it; an exception becomes a notification."""
    from dataclasses import replace

    from olclint.domain.accounts import forget_indexes
    from olclint.engine.runner import run_rules
    from olclint.model.build import build_cluster

    ws = Workspace(root, max_file_bytes=max_file_bytes)
    with gc_paused():
        try:
            cluster = build_cluster(ws, cluster_file, preference_keys)
            result = run_rules(cluster, rules, today)
        except Exception as exc:  # a bug in olclint: report it, check the other clusters
            result = failed_result(cluster_file, ws, exc)
        finally:
            forget_indexes()  # the account indexes of this cluster's grants
    looked, rows = tuple(sorted(ws.looked)), tuple(sorted(ws.read_rows.items()))
    return replace(result, looked=looked, read_rows=rows), ws.sources


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while one cluster is checked: the model is a tree of
    frozen values that reference counting frees, and at 10,000 servers the collector's
    passes over the live objects took a third of the run (`bench/run.py`). The collector's
    state is restored after, and it runs again as usual between clusters."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- the worker side ------------------------------------------------------------------------

_WORKER: dict[str, object] = {}


def _init_worker(
    root: Path,
    rules: Sequence[Rule] | Sequence[str],
    today: dt.date,
    preference_keys: Mapping[str, str] | None,
    max_file_bytes: int,
) -> None:
    _WORKER.update(
        root=root,
        rules=resolve_rules(rules),
        today=today,
        preference_keys=preference_keys,
        max_file_bytes=max_file_bytes,
    )


def _check_chunk(cluster_files: Sequence[Path]) -> list[Outcome]:
    w = _WORKER
    return [
        check_one(
            w["root"],  # type: ignore[arg-type]
            path,
            w["rules"],  # type: ignore[arg-type]
            w["today"],  # type: ignore[arg-type]
            w["preference_keys"],  # type: ignore[arg-type]
            w["max_file_bytes"],  # type: ignore[arg-type]
        )
        for path in cluster_files
    ]


# -- the caller side ------------------------------------------------------------------------


def _chunks(items: Sequence[Path], count: int) -> list[list[Path]]:
    """`items` cut into at most `count` contiguous chunks of near-equal size."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        out.append(list(items[start:end]))
        start = end
    return out


def _pool_context(start_method: str | None):  # -> multiprocessing.context.BaseContext
    import multiprocessing

    return multiprocessing.get_context(start_method or platform.start_method())


def _wire_rules(rules: tuple[Rule, ...]) -> list[Rule] | list[str]:
    """Registered rules travel as ids (the workers look them up); others as Rule objects."""
    from olclint.rules import all_rules

    registered = {r.id: r for r in all_rules()}
    if all(registered.get(r.id) == r for r in rules):
        return [r.id for r in rules]
    return list(rules)


def check_clusters(
    root: Path,
    cluster_files: Sequence[Path],
    rules: Sequence[Rule] | Sequence[str],
    today: dt.date,
    preference_keys: Mapping[str, str] | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    jobs: int | None = None,
    *,
    start_method: str | None = None,
) -> list[Outcome]:
    """Check every cluster file; one (result, sources) per file, in input order.

    `rules` are Rule objects or registered rule ids. `jobs` is the number of worker
    processes (None: `auto_workers`; 1: no pool). `start_method` ("fork", "spawn",
    "forkserver") overrides the choice described in the module docstring, and
    `OLCLINT_START_METHOD` too.
    """
    files = list(cluster_files)
    active = resolve_rules(rules)
    workers = auto_workers(len(files)) if jobs is None else max(1, jobs)
    workers = min(workers, len(files))
    if workers <= 1 or len(files) < MIN_PARALLEL:
        return [
            check_one(root, path, active, today, preference_keys, max_file_bytes) for path in files
        ]
    from concurrent.futures import ProcessPoolExecutor

    # The first cluster is checked here: it imports and prepares what every check needs
    # (readers, the schema validator, time zones) once, before forked workers copy us;
    # spawned workers prepare their own.
    first = check_one(root, files[0], active, today, preference_keys, max_file_bytes)
    chunks = _chunks(files[1:], workers * CHUNKS_PER_JOB)
    outcomes: list[list[Outcome] | None] = [None] * len(chunks)
    init = (root, _wire_rules(active), today, dict(preference_keys or {}), max_file_bytes)
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_pool_context(start_method),
            initializer=_init_worker,
            initargs=init,
        ) as pool:
            futures = [pool.submit(_check_chunk, chunk) for chunk in chunks]
            for i, future in enumerate(futures):
                try:
                    outcomes[i] = future.result()
                except Exception:  # a dead worker, results that did not pickle: redo below
                    outcomes[i] = None
    except Exception:  # the pool itself could not start: check everything here
        pass
    results: list[Outcome] = [first]
    for chunk, done in zip(chunks, outcomes, strict=True):
        if done is None:
            done = [
                check_one(root, path, active, today, preference_keys, max_file_bytes)
                for path in chunk
            ]
        results.extend(done)
    return results
