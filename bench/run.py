"""Time whole `olclint check` processes on generated clusters and print a Markdown table.

Each case runs once to warm up (file cache, .pyc files) and then several times; the table
shows the median wall time of the process, the CPU time it used (user + system, children
included: above the wall time means more than one core), its ratio to the reference named
in the target, and whether the target holds. The start-up case alternates its runs with
the reference's, so a change in the machine's load hits both alike. Every case must be
clean: the SARIF of the warm-up run is read back and its result count shown.

The processes run without PYTHONDONTWRITEBYTECODE, so the warm-up leaves the .pyc files
that an installed package has (`--no-bytecode` keeps the variable as it is).

    python bench/run.py                 # the README table (about a minute)
    python bench/run.py --repeats 3     # quicker, noisier
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Spec, write_cluster, write_repo

TODAY = "2026-01-15"
BASELINE = [sys.executable, "-c", "import yaml, jsonschema, networkx"]
# The repository through olclint.engine.parallel in one process, jobs=1 and jobs=2 (build and
# rules, no report): what `olclint check` gains when it hands its clusters to the pool.
POOL = """\
import datetime, sys
from pathlib import Path
from olclint.readers.discover import discover
from olclint.engine.parallel import check_clusters
from olclint.rules import all_rules
if __name__ == "__main__":
    root = Path(sys.argv[1])
    found = discover([str(root)], root)
    out = check_clusters(root, found.clusters, all_rules(), datetime.date(2026, 1, 15),
                         jobs=int(sys.argv[2]))
    print(sum(len(r.findings) for r, _ in out))
"""


@dataclass
class Timing:
    label: str
    cmd: list[str]
    sarif: bool = True
    runs: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    results: int | None = None  # SARIF results (or the pool's findings) of the warm-up run
    exit_code: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(t: Timing, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(t.cmd, capture_output=True, check=False, env=env)
    t.runs.append(time.perf_counter() - start)
    t.cpu.append(_children_cpu() - cpu)
    return done


def warm_up(t: Timing, env: dict[str, str]) -> None:
    done = _once(t, env)
    t.runs.clear()
    t.cpu.clear()
    t.exit_code = done.returncode
    if t.sarif and done.returncode not in (0, 1):
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"{t.label}: olclint exited {done.returncode}")
    if done.returncode != 0 and not t.sarif:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"{t.label}: exited {done.returncode}")
    if t.sarif:
        log = json.loads(done.stdout)
        t.results = sum(len(run.get("results", [])) for run in log["runs"])
    elif done.stdout.strip().isdigit():
        t.results = int(done.stdout)


def measure(cases: list[Timing], repeats: int, env: dict[str, str]) -> None:
    """Warm every case up, then run them in turn, `repeats` rounds."""
    for t in cases:
        warm_up(t, env)
    for _ in range(repeats):
        for t in cases:
            _once(t, env)


def _check_cmd(path: Path, root: Path) -> list[str]:
    command = [sys.executable, "-m", "olclint", "check", str(path), "--root", str(root)]
    return [*command, "--format", "sarif", "--today", TODAY]


def _row(t: Timing, ratio: str, target: str, ok: bool | None) -> str:
    results = "" if t.results is None else str(t.results)
    verdict = "" if ok is None else ("yes" if ok else "**no**")
    return (
        f"| {t.label} | {t.median:.3f} | {t.cpu_median:.3f} | {ratio} | {target} | {verdict} "
        f"| {results} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of the large cases")
    parser.add_argument("--workdir", type=Path, help="generate here and keep (default: temp)")
    parser.add_argument("--clusters", type=int, default=200, help="clusters in the repository")
    parser.add_argument("--no-bytecode", action="store_true", help="keep PYTHONDONTWRITEBYTECODE")
    parser.add_argument("--json", type=Path, help="also write the raw timings to this file")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if not args.no_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    r = max(1, args.repeats)
    quick = 2 * r + 1  # start-up cases are short: more runs, steadier medians

    with tempfile.TemporaryDirectory(prefix="olclint-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        typical = write_cluster(work / "typical", Spec(name="typical", extensions=3, seed=1))
        ext100 = write_cluster(
            work / "ext100",
            Spec(name="ext100", extensions=100, grants=1000, schedules="daily", seed=1),
        )
        ext1000 = write_cluster(
            work / "ext1000",
            Spec(name="ext1000", extensions=1000, grants=1000, schedules="daily", seed=1),
        )
        repo_dir = work / "repo"
        write_repo(repo_dir, args.clusters, seed=1)
        generated = time.perf_counter() - started

        base = Timing("`python -c 'import yaml, jsonschema, networkx'`", BASELINE, sarif=False)
        typ = Timing("(a) 1 master + 3 extensions, SARIF", _check_cmd(typical, work))
        small = Timing(
            "(b) 1 master + 100 extensions, 1,000 grant rows, daily", _check_cmd(ext100, work)
        )
        big = Timing(
            "(b) 1 master + 1,000 extensions, 1,000 grant rows, daily", _check_cmd(ext1000, work)
        )
        repo = Timing(
            f"(c) repository of {args.clusters} typical clusters",
            _check_cmd(repo_dir, repo_dir),
        )
        pool1, pool2 = (
            Timing(
                f"(c) the same through `olclint.engine.parallel`, jobs={jobs} (no report)",
                [sys.executable, "-c", POOL, str(repo_dir), str(jobs)],
                sarif=False,
            )
            for jobs in (1, 2)
        )
        measure([base, typ], quick, env)
        measure([small, big], r, env)
        measure([repo, pool1, pool2], max(3, r - 2), env)

    typ_ratio = typ.median / base.median
    growth = big.median / small.median
    big_ok = big.median < 2 and growth <= 12
    lines = [
        "| case | median s | CPU s | ratio | target | met | findings |",
        "|---|---:|---:|---:|---|---|---:|",
        _row(base, "1.00", "reference", None),
        _row(typ, f"{typ_ratio:.2f}x import", "<= 1.5x import", typ_ratio <= 1.5),
        _row(small, "", "", None),
        _row(big, f"{growth:.2f}x 100 ext.", "< 2 s; <= 12x 100 ext.", big_ok),
        _row(repo, f"{repo.median / typ.median:.1f}x 1 cluster", "< 10 s", repo.median < 10),
        _row(pool1, "", "", None),
        _row(pool2, f"{pool2.median / pool1.median:.2f}x jobs=1", "", None),
    ]
    print("\n".join(lines))
    print()
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; median of {quick} runs after a warm-up for (a), alternating "
        f"with the reference, {r} for (b), {max(3, r - 2)} for (c); inputs generated in "
        f"{generated:.1f} s."
    )
    if args.json:
        data = {
            t.label: {"median": t.median, "runs": t.runs, "cpu": t.cpu, "results": t.results}
            for t in (base, typ, small, big, repo, pool1, pool2)
        }
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    cases = (typ, small, big, repo)
    if not all(t.results == 0 and t.exit_code == 0 for t in cases):
        print("warning: a generated case is not clean (see the findings column)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
