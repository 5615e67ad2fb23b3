"""Time whole `olclint check` processes on generated clusters and print a Markdown table.

Each case runs once to warm up (file cache, .pyc files) and then `--repeats` times; the
table shows the median wall time of the process, its ratio to the reference named in the
target, and whether the target holds. Every case must also be clean: the SARIF of the
warm-up run is read back and its result count shown.

    python bench/run.py                 # the README table (about a minute)
    python bench/run.py --repeats 3     # quicker, noisier
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Spec, write_cluster, write_repo

TODAY = "2026-01-15"
BASELINE = [sys.executable, "-c", "import yaml, jsonschema, networkx"]


@dataclass
class Timing:
    label: str
    median: float
    runs: list[float]
    results: int | None  # SARIF results of the warm-up run; None for the baseline
    exit_code: int


def _check_cmd(path: Path, root: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "olclint",
        "check",
        str(path),
        "--root",
        str(root),
        "--format",
        "sarif",
        "--today",
        TODAY,
    ]


def _once(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False)
    return time.perf_counter() - start, done


def measure(label: str, cmd: list[str], repeats: int, *, sarif: bool = True) -> Timing:
    _, warm = _once(cmd)
    results = None
    if sarif:
        if warm.returncode not in (0, 1):
            sys.stderr.write(warm.stderr.decode(errors="replace"))
            raise SystemExit(f"{label}: olclint exited {warm.returncode}")
        log = json.loads(warm.stdout)
        results = sum(len(run.get("results", [])) for run in log["runs"])
    runs = [_once(cmd)[0] for _ in range(repeats)]
    return Timing(label, statistics.median(runs), runs, results, warm.returncode)


def _row(t: Timing, ratio: str, target: str, ok: bool | None) -> str:
    results = "" if t.results is None else str(t.results)
    verdict = "" if ok is None else ("yes" if ok else "**no**")
    return f"| {t.label} | {t.median:.3f} | {ratio} | {target} | {verdict} | {results} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--workdir", type=Path, help="generate here and keep (default: temp)")
    parser.add_argument("--clusters", type=int, default=200, help="clusters in the repository")
    parser.add_argument("--json", type=Path, help="also write the raw timings to this file")
    args = parser.parse_args(argv)

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
        write_repo(work / "repo", args.clusters, seed=1)
        generated = time.perf_counter() - started

        r = args.repeats
        base = measure("`python -c 'import yaml, jsonschema, networkx'`", BASELINE, r, sarif=False)
        typ = measure("1 cluster: 1 master + 3 extensions, SARIF", _check_cmd(typical, work), r)
        small = measure(
            "1 master + 100 extensions, 1,000 grant rows, daily", _check_cmd(ext100, work), r
        )
        big = measure(
            "1 master + 1,000 extensions, 1,000 grant rows, daily", _check_cmd(ext1000, work), r
        )
        repo = measure(
            f"repository of {args.clusters} typical clusters",
            _check_cmd(work / "repo", work / "repo"),
            max(3, r - 2),
        )

    typ_ratio = typ.median / base.median
    growth = big.median / small.median
    lines = [
        "| case | median s | ratio | target | met | SARIF results |",
        "|---|---:|---:|---|---|---:|",
        _row(base, "1.00", "reference", None),
        _row(typ, f"{typ_ratio:.2f}x import", "<= 1.5x import", typ_ratio <= 1.5),
        _row(small, "", "", None),
        _row(
            big,
            f"{growth:.2f}x 100 ext.",
            "< 2 s; <= 12x 100 ext.",
            big.median < 2 and growth <= 12,
        ),
        _row(repo, f"{repo.median / typ.median:.1f}x 1 cluster", "< 10 s", repo.median < 10),
    ]
    print("\n".join(lines))
    print()
    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; median of {r} runs after a warm-up "
        f"({max(3, r - 2)} for the repository); inputs generated in {generated:.1f} s."
    )
    if args.json:
        data = {
            t.label: {"median": t.median, "runs": t.runs, "results": t.results}
            for t in (base, typ, small, big, repo)
        }
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    clean = all(t.results == 0 and t.exit_code == 0 for t in (typ, small, big, repo))
    if not clean:
        print("warning: a generated case is not clean (see the SARIF results column)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
