"""Time whole `olclint check` processes and print the table of issue 19 (Performance, round 2).

Every row is measured in one run. Short cases alternate their runs with the references
(`python -c pass` and `yamllint` on the same cluster.yaml), so a change in the machine's
load hits both alike, and the table shows ratios taken in the same run; absolute times are
for orientation. Each case runs once to warm up (file cache, .pyc files), then several
times; the table shows medians. Peak memory is the largest resident set of the process
tree (os.wait4), so with a pool it is the largest process, not their sum.

    pip install -e '.[bench]'
    python bench/run.py                  # every row (a few minutes on 2 CPUs)
    python bench/run.py --quick          # fewer runs, no 10,000-server case
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import Spec, write_cluster, write_repo

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-01-15"
PY = sys.executable
MIB = 1024 * 1024
BIG = 8 * MIB - 4096  # just under the default file-size limit (8 MiB)


@dataclass
class Case:
    label: str
    cmd: list[str]
    env: dict[str, str] | None = None
    runs: list[float] = field(default_factory=list)
    rss: list[int] = field(default_factory=list)  # KiB
    code: int = 0
    findings: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def peak_mib(self) -> float:
        return max(self.rss) / 1024


def _once(case: Case, env: dict[str, str]) -> bytes:
    start = time.perf_counter()
    proc = subprocess.Popen(
        case.cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=case.env or env,
    )
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    case.runs.append(time.perf_counter() - start)
    case.rss.append(usage.ru_maxrss)
    proc.returncode = os.waitstatus_to_exitcode(status)
    case.code = proc.returncode
    return out


def measure(cases: list[Case], repeats: int, env: dict[str, str]) -> None:
    """Warm every case up (and count its findings), then run them in turn, `repeats` rounds."""
    for case in cases:
        out = _once(case, env)
        case.runs.clear()
        if b'"findings"' in out[:4096] or out.startswith(b"{"):
            try:
                case.findings = len(json.loads(out)["findings"])
            except (ValueError, KeyError):
                case.findings = None
    for _ in range(repeats):
        for case in cases:
            _once(case, env)


def olclint(path: Path, root: Path, *extra: str, fmt: str = "json") -> list[str]:
    cmd = [PY, "-m", "olclint", "check", str(path), "--root", str(root), "--today", TODAY]
    return [*cmd, "--format", fmt, *extra]


def _pad(path: Path, unit: str, size: int = BIG) -> None:
    """Append numbered copies of `unit` (with {n}) until the file is about `size` bytes."""
    data = path.read_text(encoding="latin-1")
    parts = [data]
    total = len(data)
    n = 0
    while True:
        piece = unit.format(n=n)
        if total + len(piece) > size:
            break
        parts.append(piece)
        total += len(piece)
        n += 1
    path.write_text("".join(parts), encoding="latin-1")


def generate(work: Path, clusters: int, huge: bool) -> dict[str, Path]:
    out: dict[str, Path] = {}
    example = work / "example"
    shutil.copytree(ROOT / "examples" / "prod-eu", example / "prod-eu")
    (example / ".git").mkdir()
    out["example"] = example / "prod-eu"
    spec = Spec(name="ext1000", extensions=1000, grants=1000, schedules="daily", seed=1)
    out["ext1000"] = write_cluster(work / "ext1000", spec).parent
    if huge:
        spec = Spec(name="ext10000", extensions=10000, grants=10000, schedules="daily", seed=1)
        out["ext10000"] = write_cluster(work / "ext10000", spec).parent
    write_repo(work / "repo", clusters, seed=1)
    out["repo"] = work / "repo"
    for kind in ("grants", "ini", "prefs"):
        folder = work / f"big-{kind}"
        write_cluster(folder, Spec(name=f"big-{kind}", extensions=3, seed=1))
        out[f"big-{kind}"] = folder
    _pad(
        work / "big-grants" / "master01" / "grants.sql",
        "CREATE USER 'pad{n:06d}'@'10.99.%' IDENTIFIED BY 'pw-{n}';\n"
        "GRANT SELECT ON objectiflune.* TO 'pad{n:06d}'@'10.99.%';\n",
    )
    _pad(work / "big-ini" / "master01" / "my.ini", "\n[client]\n# padding {n}\nport=3306\n")
    prefs = work / "big-prefs" / "master01" / "settings"
    _pad(
        prefs / "com.objectiflune.repository.commonutils.prefs",
        "# padding {n}\nmerge.local_engines=2\n",
    )
    return out


def _cell(ok: bool | None) -> str:
    return "" if ok is None else ("yes" if ok else "**no**")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of the long cases")
    parser.add_argument("--quick", action="store_true", help="3 runs, no 10,000-server case")
    parser.add_argument("--clusters", type=int, default=2000, help="clusters in the repository")
    parser.add_argument("--workdir", type=Path, help="generate here and keep (default: temp)")
    parser.add_argument("--json", type=Path, help="also write the raw timings to this file")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else max(1, args.repeats)
    short = 4 * repeats + 1  # start-up cases are short: more runs, steadier medians
    huge = not args.quick
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # .pyc files, as an installed package has

    with tempfile.TemporaryDirectory(prefix="olclint-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        cache = work / "cache"
        env["OLCLINT_CACHE_DIR"] = str(cache)
        started = time.perf_counter()
        paths = generate(work, args.clusters, huge)
        generated = time.perf_counter() - started
        example = paths["example"]
        yaml_file = example / "cluster.yaml"

        bare = Case("`python -c pass`", [PY, "-c", "pass"])
        yl = Case("`yamllint cluster.yaml`", [PY, "-m", "yamllint", str(yaml_file)])
        cold = Case(
            "`olclint check examples/prod-eu --no-cache`",
            olclint(example, example.parent, "--no-cache", fmt="text"),
        )
        warm = Case(
            "`olclint check examples/prod-eu` (cached)",
            olclint(example, example.parent, fmt="text"),
        )
        measure([bare, yl, cold, warm], short, env)

        ext1000 = Case("1,000 ext.", olclint(paths["ext1000"], paths["ext1000"], "--no-cache"))
        ext10000 = None
        if huge:
            ext10000 = Case(
                "10,000 ext.", olclint(paths["ext10000"], paths["ext10000"], "--no-cache")
            )
        repo = paths["repo"]
        repo_cold = Case("repository", olclint(repo, repo, "--no-cache"))
        repo_warm = Case("repository, cached", olclint(repo, repo))
        big = {
            kind: Case(kind, olclint(paths[f"big-{kind}"], paths[f"big-{kind}"], "--no-cache"))
            for kind in ("grants", "ini", "prefs")
        }
        measure([ext1000, repo_warm, *big.values()], repeats, env)
        measure([repo_cold], max(1, repeats - 2), env)
        if ext10000 is not None:
            measure([ext10000], 1, env)

    r_yl, r_bare = cold.median / yl.median, cold.median / bare.median
    r_warm = warm.median / yl.median
    rows = [
        "| what | measured | target | met |",
        "|---|---|---|---|",
        f"| `olclint check examples/prod-eu`, cold, against `yamllint` on its `cluster.yaml` "
        f"| {r_yl:.2f}x ({cold.median * 1000:.0f} ms vs {yl.median * 1000:.0f} ms) "
        f"| at most 2.5x | {_cell(r_yl <= 2.5)} |",
        f"| the same against bare `python -c pass` | {r_bare:.1f}x "
        f"({bare.median * 1000:.0f} ms) | at most 20x | {_cell(r_bare <= 20)} |",
        f"| second run on unchanged files (report cache) | {r_warm:.2f}x yamllint "
        f"({warm.median * 1000:.0f} ms) | at most 1.0x yamllint | {_cell(r_warm <= 1.0)} |",
        f"| 1,000 extensions, 1,000 grant rows | {ext1000.median:.2f} s "
        f"| at most 1.0 s | {_cell(ext1000.median <= 1.0)} |",
    ]
    if ext10000 is not None:
        growth = ext10000.median / ext1000.median
        accepted = ext10000.findings == 0
        rows.append(
            f"| 10,000 extensions, 10,000 grant rows | {ext10000.median:.1f} s, "
            f"{growth:.1f}x 1,000, {ext10000.findings} findings"
            f"{'' if accepted else ' (expected none)'} "
            f"| accepted; at most 10 s; at most 11x | "
            f"{_cell(accepted and ext10000.median <= 10 and growth <= 11)} |"
        )
    else:
        rows.append("| 10,000 extensions, 10,000 grant rows | not run (--quick) | | |")
    repo_ok = repo_cold.median <= 15 and repo_cold.peak_mib <= 150 and repo_warm.median <= 3
    rows.append(
        f"| repository of {args.clusters:,} typical clusters | {repo_cold.median:.1f} s, "
        f"{repo_cold.peak_mib:.0f} MiB peak; cached {repo_warm.median:.2f} s "
        f"| at most 15 s and 150 MiB; cached at most 3 s "
        f"| {_cell(repo_ok)} |"
    )
    speeds = []
    for kind, case in big.items():
        speeds.append(f"{kind} {case.median:.1f} s ({BIG / MIB / case.median:.1f} MiB/s)")
    big_ok = all(c.median <= 2 for c in big.values())
    rows.append(
        f"| 8 MiB grants.sql / my.ini / .prefs | {' / '.join(speeds)} "
        f"| at most 2 s each | {_cell(big_ok)} |"
    )
    print("\n".join(rows))
    print()
    print(
        f"{datetime.date.today().isoformat()}, Python {platform.python_version()} on "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs "
        f"(load {os.getloadavg()[0]:.1f}); medians of {short} interleaved runs for the "
        f"start-up rows, {repeats} for the others ({max(1, repeats - 2)} for the cold "
        f"repository, 1 for 10,000 servers); inputs generated in {generated:.0f} s."
    )
    counts = {c.label: c.findings for c in (ext1000, repo_cold, *big.values()) if c.findings}
    if counts:
        print(f"findings on generated inputs (expected none): {counts}")
    if args.json:
        everything = [bare, yl, cold, warm, ext1000, repo_cold, repo_warm, *big.values()]
        everything += [ext10000] if ext10000 else []
        data = {
            c.label: {"runs": c.runs, "peak_kib": max(c.rss), "findings": c.findings}
            for c in everything
        }
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
