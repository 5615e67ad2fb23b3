"""Regenerate the screenshots of the HTML report in docs/ (needs Debian's `chromium`).

    .venv/bin/python docs/make_screenshots.py

- docs/report-prod-eu.png: `olclint check examples/prod-eu --format html`;
- docs/report-fifty.png: a generated cluster of 50 extensions in three branch networks
  (bench/generate.py), with three servers broken on purpose: ext07 names a wrong master,
  ext23 connects to port 3307, ext41 sits in a network no route reaches.

The tests load this file for `write_fifty` and `chromium`.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = "2026-01-01"

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)


def chromium(args: Sequence[str], *, binary: str = "chromium", timeout: float = 120) -> str:
    """Run headless Chromium with a fresh profile; its stdout (e.g. --dump-dom)."""
    with tempfile.TemporaryDirectory(prefix="olclint-chromium-") as profile:
        done = subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    return done.stdout


def _bench():
    path = REPO / "bench" / "generate.py"
    spec = importlib.util.spec_from_file_location("bench_generate", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def write_fifty(folder: Path) -> Path:
    """The 50-extension cluster with its three broken servers; returns its cluster.yaml."""
    gen = _bench()
    cluster = gen.write_cluster(
        folder, gen.Spec(name="fifty", extensions=50, schedules="daily", branches=3, seed=1)
    )
    prefs = gen.COMMON_PREFS
    ext07 = folder / "ext07" / "settings" / prefs
    ext07.write_text(
        ext07.read_text("latin-1").replace(
            "master.location=10.10.0.10", "master.location=10.10.0.11"
        ),
        "latin-1",
    )
    ext23 = folder / "ext23" / "settings" / prefs
    ext23.write_text(ext23.read_text("latin-1").replace(":3306/", ":3307/"), "latin-1")
    text = cluster.read_text("utf-8")
    address = next(
        line.split(":", 1)[1].strip()
        for line in text.split("  - name: ext41\n", 1)[1].splitlines()
        if line.strip().startswith("address:")
    )
    text = text.replace(f"address: {address}\n", "address: 10.99.0.41\n", 1)
    cluster.write_text(text, "utf-8")
    return cluster


def report(cluster: Path, root: Path, out: Path) -> None:
    from olclint.cli.main import main

    args = ["check", str(cluster), "--root", str(root), "--format", "html"]
    main([*args, "--output", str(out), "--today", TODAY])


def shoot(page: Path, png: Path, width: int, height: int) -> None:
    chromium([f"--window-size={width},{height}", f"--screenshot={png}", page.as_uri()])


def main() -> int:
    if shutil.which("chromium") is None:
        print("chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="olclint-shots-") as tmp:
        work = Path(tmp)
        example = work / "prod-eu.html"
        report(REPO / "examples" / "prod-eu", REPO, example)
        shoot(example, HERE / "report-prod-eu.png", 1300, 1250)
        fifty = write_fifty(work / "repo" / "fifty")
        page = work / "fifty.html"
        report(fifty, work / "repo", page)
        shoot(page, HERE / "report-fifty.png", 1300, 3000)
    print("wrote docs/report-prod-eu.png and docs/report-fifty.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
