"""Quartz 2.3.2 itself, through tests/java/QuartzOracle.java, for differential tests.

`QuartzOracle` compiles the harness with javac into a temporary directory and keeps one
JVM running; `accepts` and `next_fires` send a batch of queries and read one answer line
per query, so thousands of comparisons cost one JVM start.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

JAR = Path("/usr/share/java/quartz2.jar")
SLF4J = Path("/usr/share/java/slf4j-api.jar")  # the jar's Class-Path; unused by CronExpression
SOURCE = Path(__file__).parent / "java" / "QuartzOracle.java"
UTC = dt.timezone.utc


@dataclasses.dataclass(frozen=True)
class Answer:
    """`kind`: OK, ERR (ParseException), EXC (another exception), TIMEOUT."""

    kind: str
    message: str = ""
    fires: tuple[dt.datetime, ...] = ()


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            out.append({"\\": "\\", "t": "\t", "r": "\r", "n": "\n"}[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _parse(line: str) -> Answer:
    kind, _, rest = line.partition("\t")
    if kind == "OK":
        fires = tuple(
            dt.datetime.fromtimestamp(int(ms) / 1000, UTC) for ms in rest.split("\t") if ms
        )
        return Answer("OK", fires=fires)
    return Answer(kind, _unescape(rest))


class QuartzOracle:
    def __init__(self, java: str, javac: str, limit_ms: int = 2000) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="quartz-oracle-")
        classpath = os.pathsep.join(str(p) for p in (JAR, SLF4J) if p.exists())
        subprocess.run(
            [javac, "-nowarn", "-cp", classpath, "-d", self._dir.name, str(SOURCE)],
            check=True,
            capture_output=True,
        )
        self._proc = subprocess.Popen(
            [
                java,
                "-Xshare:auto",
                "-cp",
                os.pathsep.join([self._dir.name, classpath]),
                "QuartzOracle",
                str(limit_ms),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()
            self._proc.wait(timeout=30)
        self._dir.cleanup()

    def _ask(self, lines: Sequence[str]) -> list[Answer]:
        # Write in a thread-free way: the answers of a batch fit the pipe as they come.
        answers: list[Answer] = []
        chunk = 200
        for i in range(0, len(lines), chunk):
            part = lines[i : i + chunk]
            self._proc.stdin.write("".join(line + "\n" for line in part))
            self._proc.stdin.flush()
            for _ in part:
                answers.append(_parse(self._proc.stdout.readline().rstrip("\n")))
        return answers

    def accepts(self, expressions: Iterable[str]) -> list[Answer]:
        return self._ask([f"P\t{e.encode().hex()}" for e in expressions])

    def next_fires(self, queries: Iterable[tuple[str, str, dt.datetime, int]]) -> list[Answer]:
        """(expression, zone id, start instant (aware), count) -> Quartz's next fire times."""
        return self._ask(
            [
                f"N\t{e.encode().hex()}\t{zone}\t{int(start.timestamp() * 1000)}\t{count}"
                for e, zone, start, count in queries
            ]
        )


def find_tools() -> tuple[str, str] | None:
    """java and javac, when they and the Quartz jar are installed."""
    java, javac = shutil.which("java"), shutil.which("javac")
    if java is None or javac is None or not JAR.exists():
        return None
    return java, javac
