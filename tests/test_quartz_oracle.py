"""Differential tests against Quartz 2.3.2 itself (Debian's libquartz2-java).

tests/java/QuartzOracle.java is compiled in the test run and answers, in one JVM, whether
Quartz accepts an expression and which fire times `getNextValidTimeAfter` gives in a zone
from an instant. olclint must agree exactly:

- on random valid expressions (L, W, LW, L-n, L-nW, nW, nL, n#k, names, ranges, steps,
  lists, the year field up to Quartz's year limit) from random instants in several zones;
- on every daylight-saving transition from 2000 to 2035 of Europe/Paris, America/New_York,
  Australia/Lord_Howe (a 30-minute shift), Pacific/Apia (and the day it skipped in 2011),
  and on a zone with a constant offset (Asia/Kolkata), starting before and inside each;
- on what Quartz accepts, refuses, or accepts and then cannot schedule, for mutated
  expressions (characters inserted, deleted, replaced, fields added or dropped).

The only disagreements allowed are Quartz's defects, which olclint reports
(`CronExpr.defects`) instead of copying: an `L-nW` or `0W` on which Quartz never returns
(TIMEOUT here, the harness stops the stuck thread), and `nW` past the end of a shorter
month, where Quartz fires on a day olclint does not. Each disagreement must fall in such a
month of such an expression. The random seed is fixed, so every run compares the same
cases.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from oracles import require, require_file
from quartz_oracle import JAR, Answer, QuartzOracle

from olclint.domain.quartz import MAX_YEAR, CronError, CronExpr, parse_cron, zone_gaps

pytestmark = pytest.mark.oracle

UTC = dt.timezone.utc
DST_ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia")
CONSTANT = "Asia/Kolkata"
ZONES = (*DST_ZONES, CONSTANT, "UTC")
SEED = 20260113
LIMIT_MS = 400  # per query: only Quartz's endless loops come near it


@pytest.fixture(scope="module")
def quartz():
    java, javac = require("java"), require("javac")  # default-jdk-headless
    require_file(str(JAR), "libquartz2-java")
    oracle = QuartzOracle(java, javac, limit_ms=LIMIT_MS)
    yield oracle
    oracle.close()


# -- olclint's side ------------------------------------------------------------------------


def ours(expr: str, zone: str, start: dt.datetime, count: int) -> Answer:
    """olclint's answer in the harness's terms."""
    try:
        cron = parse_cron(expr)
    except CronError as exc:
        return Answer("EXC" if exc.quartz_accepts else "ERR", exc.message)
    fires = []
    moment = start.astimezone(ZoneInfo(zone))
    for _ in range(count):
        moment = cron.next_after(moment)
        if moment is None:
            break
        fires.append(moment.astimezone(UTC))
    return Answer("OK", fires=tuple(fires))


def defect_months(cron: CronExpr) -> set[int]:
    """The month lengths in which a defect of `cron` lets Quartz differ from olclint."""
    if not cron.defects or not cron.dom_active:
        return set()
    if cron.dom_last is not None:
        return {n for n in (28, 29, 30, 31) if n <= cron.dom_last}
    (day,) = cron.dom_days
    return {n for n in (28, 29, 30, 31) if n < day} | ({28, 29, 30, 31} if day == 0 else set())


def explained(expr: str, zone: str, theirs: Answer, mine: Answer) -> bool:
    """Whether a disagreement is one of Quartz's documented defects on this expression."""
    if mine.kind != "OK":
        return False
    cron = parse_cron(expr)
    lengths = defect_months(cron)
    if not lengths:
        return False
    if theirs.kind == "TIMEOUT":
        return True
    if theirs.kind != "OK":
        return False
    # the first difference must be a fire (one side's) in a month of such a length
    tz = ZoneInfo(zone)
    for a, b in zip((*theirs.fires, None), (*mine.fires, None), strict=False):
        if a != b:
            first = min(x for x in (a, b) if x is not None).astimezone(tz)
            return calendar.monthrange(first.year, first.month)[1] in lengths
    return False


def compare(quartz: QuartzOracle, queries: list[tuple[str, str, dt.datetime, int]]) -> dict:
    """Ask both; fail on any disagreement not explained by a defect; return counts (and
    how many answers of each kind Quartz gave)."""
    answers = quartz.next_fires(queries)
    counts = {"agree": 0, "defect": 0, "fires": 0, "OK": 0, "ERR": 0, "EXC": 0, "TIMEOUT": 0}
    wrong = []
    for (expr, zone, start, count), theirs in zip(queries, answers, strict=True):
        counts[theirs.kind] += 1
        mine = ours(expr, zone, start, count)
        same = theirs.kind == mine.kind and theirs.fires == mine.fires
        if theirs.kind == "ERR" and same:
            same = theirs.message in mine.message or theirs.message.startswith("Illegal cron")
        if same:
            counts["agree"] += 1
            counts["fires"] += len(mine.fires)
        elif explained(expr, zone, theirs, mine):
            counts["defect"] += 1
        else:
            wrong.append((expr, zone, start.isoformat(), theirs, mine))
    assert wrong == [], f"{len(wrong)} disagreements, first: {wrong[:3]}"
    return counts


# -- random valid expressions -------------------------------------------------------------

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


def plain_item(rng: random.Random, lo: int, hi: int, names: tuple[str, ...] = ()) -> str:
    def value(v: int) -> str:
        return names[v - lo] if names and rng.random() < 0.5 else str(v)

    a, b = rng.randint(lo, hi), rng.randint(lo, hi)
    kind = rng.randrange(6)
    if kind == 0:
        return value(a)
    if kind == 1:  # a range, possibly wrapping
        if names and rng.random() < 0.5:
            return f"{names[a - lo]}-{names[b - lo]}"
        return f"{a}-{b}"
    if kind == 2:  # Quartz refuses a step above 59, 23, 31, 12 or 7 here
        return f"{a}/{rng.randint(1, hi - lo if lo == 0 else hi - lo + 1)}"
    if kind == 3:
        return f"{a}-{b}/{rng.randint(1, max(1, (hi - lo) // 2))}"
    if kind == 4:
        return f"*/{rng.randint(1, min(hi - lo, 31) if hi - lo > 12 else hi - lo + 1)}"
    return "*"


def plain(rng: random.Random, lo: int, hi: int, names: tuple[str, ...] = ()) -> str:
    return ",".join(plain_item(rng, lo, hi, names) for _ in range(rng.choice((1, 1, 1, 2, 3))))


def day_fields(rng: random.Random) -> tuple[str, str]:
    r = rng.random()
    n = rng.randint(0, 27)
    if r < 0.08:
        return "L", "?"
    if r < 0.16:
        return f"L-{n}", "?"
    if r < 0.22:
        return "LW", "?"
    if r < 0.30:
        return f"L-{n}W", "?"
    if r < 0.40:
        return f"{rng.randint(1, 28)}W", "?"
    if r < 0.43:
        return f"{rng.randint(29, 31)}W", "?"  # a defect in shorter months
    if r < 0.55:
        return plain(rng, 1, 31), "?"
    if r < 0.62:
        return "?", f"{rng.choice((rng.randint(1, 7), rng.choice(DAYS)))}L"
    if r < 0.72:
        return "?", f"{rng.choice((rng.randint(1, 7), rng.choice(DAYS)))}#{rng.randint(1, 5)}"
    if r < 0.75:
        return "?", "L"
    return "?", plain(rng, 1, 7, DAYS)


def random_expression(rng: random.Random) -> str:
    second = rng.choice(("0", "0", "0", str(rng.randint(0, 59)), plain(rng, 0, 59)))
    minute = plain(rng, 0, 59) if rng.random() < 0.6 else str(rng.randint(0, 59))
    hour = plain(rng, 0, 23) if rng.random() < 0.6 else str(rng.randint(0, 23))
    dom, dow = day_fields(rng)
    month = plain(rng, 1, 12, MONTHS) if rng.random() < 0.4 else "*"
    parts = [second, minute, hour, dom, month, dow]
    r = rng.random()
    if r < 0.1:
        a = rng.randint(2000, MAX_YEAR + 3)
        span, step = rng.randint(0, 30), rng.randint(1, 9)
        # a/n past MAX_YEAR is a backwards range to Quartz (a-MAX_YEAR): refused
        stepped = f"{min(a, MAX_YEAR)}/{step}"
        parts.append(rng.choice((str(a), f"{a}-{a + span}", stepped)))
    elif r < 0.15:
        parts.append("*")
    return " ".join(parts)


def random_start(rng: random.Random, expr: str) -> dt.datetime:
    year_field = expr.split()[6:7]
    top = 2035
    if year_field and year_field[0] != "*" and rng.random() < 0.5:
        top = MAX_YEAR
    span = dt.datetime(top, 12, 31) - dt.datetime(2000, 1, 1)
    seconds = rng.randrange(int(span.total_seconds()))
    return dt.datetime(2000, 1, 1, tzinfo=UTC) + dt.timedelta(seconds=seconds)


def test_random_expressions_fire_as_quartz_fires_them(quartz: QuartzOracle) -> None:
    rng = random.Random(SEED)
    queries = []
    for _ in range(3000):
        expr = random_expression(rng)
        zone = rng.choice(ZONES)
        queries.append((expr, zone, random_start(rng, expr), 5))
    counts = compare(quartz, queries)
    assert counts["OK"] == counts["agree"] + counts["defect"] == 3000, counts  # all valid
    assert counts["agree"] >= 2950, counts
    assert counts["fires"] >= 12000, counts


# -- every DST transition ------------------------------------------------------------------

DENSE = (
    "0 30 2 * * ?",
    "0 0 2 * * ?",
    "0 30 1 * * ?",
    "0 0 * * * ?",
    "0 0/20 * * * ?",
    "0 15,45 * * * ?",
    "0 25,40 * * * ?",
    "0 0/7 1-4 * * ?",
    "30 59 * * * ?",
    "0/30 * 1-3 * * ?",
    "0 0 0 * * ?",
    "0 30 3 * * ?",
)


def transitions(zone: str) -> list[dt.datetime]:
    tz = ZoneInfo(zone)
    found = []
    t = dt.datetime(2000, 1, 1, tzinfo=UTC)
    end = dt.datetime(2036, 1, 1, tzinfo=UTC)
    offset = t.astimezone(tz).utcoffset()
    while t < end:
        nxt = t + dt.timedelta(hours=6)
        off = nxt.astimezone(tz).utcoffset()
        if off != offset:
            lo, hi = t, nxt
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if mid.astimezone(tz).utcoffset() == offset:
                    lo = mid
                else:
                    hi = mid
            found.append(hi.replace(microsecond=0))
            offset = off
        t = nxt
    return found


def test_transition_lists() -> None:
    assert len(transitions("Europe/Paris")) == 72
    assert len(transitions("America/New_York")) == 72
    assert len(transitions("Australia/Lord_Howe")) == 72
    apia = transitions("Pacific/Apia")
    assert dt.datetime(2011, 12, 30, 10, tzinfo=UTC) in apia  # -10:00 -> +14:00
    assert transitions(CONSTANT) == []
    skip = dt.datetime(2011, 12, 30, 10, tzinfo=UTC)
    assert zone_gaps(ZoneInfo("Pacific/Apia"), skip - dt.timedelta(hours=1), skip) == [
        (dt.datetime(2011, 12, 30, 10, tzinfo=UTC), dt.timedelta(hours=24))
    ]


def test_every_dst_transition_2000_2035(quartz: QuartzOracle) -> None:
    rng = random.Random(SEED + 1)
    queries = []
    for zone in DST_ZONES:
        for moment in transitions(zone):
            exprs = [*DENSE, *(random_expression(rng) for _ in range(2))]
            for expr in exprs:
                for back in (dt.timedelta(hours=3), dt.timedelta(minutes=40)):
                    queries.append((expr, zone, moment - back, 8))
            queries.append((rng.choice(DENSE), zone, moment + dt.timedelta(minutes=10), 6))
    for moment in (dt.datetime(2000 + k, 3 + k % 9, 1, tzinfo=UTC) for k in range(36)):
        for expr in DENSE:
            queries.append((expr, CONSTANT, moment, 6))
    counts = compare(quartz, queries)
    assert counts["agree"] + counts["defect"] == len(queries) > 7000
    assert counts["defect"] <= 10, counts  # only among the random expressions
    assert counts["fires"] > 55000


# -- what Quartz accepts --------------------------------------------------------------------

ALPHABET = (
    "0123456789"
    "LW#?*/-, "
    "\t"
    "JANFEBMONSAT"
    "\u0663"  # ARABIC-INDIC DIGIT THREE: a decimal digit to Java's parseInt
    "\u00b3"  # SUPERSCRIPT THREE: not a decimal digit
    "\uff15"  # FULLWIDTH DIGIT FIVE
    "\u00dfx+"
)


def mutate(rng: random.Random, expr: str) -> str:
    text = list(expr)
    for _ in range(rng.choice((1, 1, 2, 3))):
        kind = rng.randrange(6)
        pos = rng.randrange(len(text) + 1)
        if kind == 0 or not text:
            text.insert(pos, rng.choice(ALPHABET))
        elif kind == 1:
            del text[min(pos, len(text) - 1)]
        elif kind == 2:
            text[min(pos, len(text) - 1)] = rng.choice(ALPHABET)
        elif kind == 3:
            text.insert(pos, rng.choice(("JAN", "MON", "L-", "#2", "/0", ",,", "/60", "W")))
        elif kind == 4:
            text.extend(rng.choice((" 2100", " 2020 x", " *", " ?", "")))
        else:
            fields = "".join(text).split(" ")
            fields.pop(rng.randrange(len(fields)))
            text = list(" ".join(fields))
    return "".join(text)


def test_mutated_expressions_accepted_and_refused_as_quartz_does(quartz: QuartzOracle) -> None:
    rng = random.Random(SEED + 2)
    queries = []
    for _ in range(1500):
        expr = mutate(rng, random_expression(rng))
        queries.append((expr, "UTC", random_start(rng, expr), 3))
    counts = compare(quartz, queries)
    assert counts["agree"] + counts["defect"] == 1500
    assert counts["OK"] >= 400 and counts["ERR"] >= 400 and counts["EXC"] >= 3, counts


SLOPPY = [
    # (written, how Quartz reads it)
    ("0 0 0 ? * MON/2", "0 0 0 ? * MON"),
    ("0 0 0 ? * MON-FRI/2", "0 0 0 ? * MON-FRI"),
    ("0 0/0 0 * * ?", "0 0 0 * * ?"),
    ("0 0 0-5/100 * * ?", "0 0 0 * * ?"),
    ("0 0 1,,2 * * ?", "0 0 1,2 * * ?"),
    ("0 0 ,3 * * ?", "0 0 3 * * ?"),
    ("0 0 5X * * ?", "0 0 5 * * ?"),
    ("0 0 0 ? * MONDAY", "0 0 0 ? * MON"),
    ("0 0 0 ? JANUARY *", "0 0 0 ? JAN *"),
    ("0 0 0 1-5W * ?", "0 0 0 1-5 * ?"),
    ("0 0 0 15W,20 * ?", "0 0 0 15W * ?"),
    ("0 0 0 ? * 1-3L", "0 0 0 ? * SUN-TUE"),
    ("0 0 0 ? * 2,3#2", "0 0 0 ? * 2#2"),
    ("0 0 0 ? * 0#1", "0 0 0 ? * 7#1"),
    ("0 0 0 ? * LW", "0 0 0 ? * SAT"),
    ("0 0 0 ?X * MON", "0 0 0 ? * MON"),
    ("0 0 0 5,? * MON", "0 0 0 ? * MON"),
    ("0 0 0 * * ? 2030 x", "0 0 0 * * ? 2030"),
    ("0 0 0 * * ?X", "0 0 0 * * ?"),
    ("0 0 /5 * * ?", "0 0 0,5,10,15,20 * * ?"),
    ("0 0 */٥ * * ?", "0 0 0,5,10,15,20 * * ?"),
    ("0 0 1-٣ * * ?", "0 0 1-3 * * ?"),
]


@pytest.mark.parametrize(("written", "reading"), SLOPPY, ids=[s[0] for s in SLOPPY])
def test_sloppy_forms_fire_as_their_reading(
    quartz: QuartzOracle, written: str, reading: str
) -> None:
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    a, b = quartz.next_fires([(written, "UTC", start, 6), (reading, "UTC", start, 6)])
    assert a.kind == b.kind == "OK" and a.fires == b.fires and len(a.fires) == 6
    cron = parse_cron(written)
    assert len(cron.warnings) == 1 and cron.warnings[0].endswith(f"that is '{reading}'")
    assert ours(written, "UTC", start, 6) == a
    assert parse_cron(reading).warnings == ()


@pytest.mark.parametrize(
    "expr",
    [
        "0 0 0 ? * JAN-3",
        "0 0 0 ? JAN-3 *",
        "0 0 0 ? * MON-5",
        "0 0 ٣ * * ?",
        "0 0 ³ * * ?",
        "0 0 1-³ * * ?",
        "0 0/60 0 * * ?",
        "0 0 0 ? * ?",
        "0 0 0 * * *",
        "0 0 0 ?XY * MON",
        "0 0 0 L-31 * ?",
        "0 0 0 ? * 6#6",
        "0 0 0 * * ? 2010-2005",
    ],
)
def test_refused_as_quartz_refuses(quartz: QuartzOracle, expr: str) -> None:
    (answer,) = quartz.accepts([expr])
    assert answer.kind == "ERR"
    with pytest.raises(CronError) as info:
        parse_cron(expr)
    assert not info.value.quartz_accepts
    if not answer.message.startswith("Illegal cron expression format"):
        assert answer.message in info.value.message


@pytest.mark.parametrize("expr", ["L 0 0 * * ?", "0 , 0 * * ?", "0 0 0 ? * ,", "0 0 0 * , ?"])
def test_accepted_but_unschedulable(quartz: QuartzOracle, expr: str) -> None:
    (answer,) = quartz.next_fires([(expr, "UTC", dt.datetime(2024, 1, 1, tzinfo=UTC), 1)])
    assert answer.kind == "EXC" and "NoSuchElementException" in answer.message
    with pytest.raises(CronError) as info:
        parse_cron(expr)
    assert info.value.quartz_accepts


# -- Quartz's defects, one test each ---------------------------------------------------------


def test_defect_endless_loop_on_l_minus_n_w(quartz: QuartzOracle) -> None:
    start = dt.datetime(2025, 1, 1, tzinfo=UTC)  # February 2025 has 28 days
    (answer,) = quartz.next_fires([("0 0 12 L-28W * ?", "UTC", start, 3)])
    assert answer.kind == "TIMEOUT"
    assert "never returns" in parse_cron("0 0 12 L-28W * ?").defects[0]
    # olclint skips February: 31 Jan - 28 = 3 Jan (Friday), 3 March (Monday), 2 April (Wed)
    assert ours("0 0 12 L-28W * ?", "UTC", start, 3).fires == (
        dt.datetime(2025, 1, 3, 12, tzinfo=UTC),
        dt.datetime(2025, 3, 3, 12, tzinfo=UTC),
        dt.datetime(2025, 4, 2, 12, tzinfo=UTC),
    )
    # restricted to 31-day months: Quartz's search still passes through February
    (also,) = quartz.next_fires([("0 0 12 L-28W JAN,MAR ?", "UTC", start, 3)])
    assert also.kind == "TIMEOUT"
    assert "whatever the month field says" in parse_cron("0 0 12 L-28W JAN,MAR ?").defects[0]
    assert parse_cron("0 0 12 L-27W * ?").defects == ()
    (zero,) = quartz.next_fires([("0 0 12 0W * ?", "UTC", start, 1)])
    assert zero.kind == "TIMEOUT" and "never returns" in parse_cron("0 0 12 0W * ?").defects[0]


def test_defect_31w_fires_on_the_30th(quartz: QuartzOracle) -> None:
    # 1 May 2021 is a Saturday: Quartz fires 31W on Friday 30 April
    start = dt.datetime(2021, 4, 1, tzinfo=UTC)
    (answer,) = quartz.next_fires([("0 0 12 31W * ?", "UTC", start, 2)])
    assert answer.fires == (
        dt.datetime(2021, 4, 30, 12, tzinfo=UTC),
        dt.datetime(2021, 5, 31, 12, tzinfo=UTC),
    )
    mine = ours("0 0 12 31W * ?", "UTC", start, 1)
    assert mine.fires == (dt.datetime(2021, 5, 31, 12, tzinfo=UTC),)
    assert "31W on the 30th" in parse_cron("0 0 12 31W * ?").defects[0]
    assert parse_cron("0 0 12 31W JAN,MAR ?").defects == ()


def test_fires_up_to_quartz_year_limit(quartz: QuartzOracle) -> None:
    start = dt.datetime(2090, 1, 1, tzinfo=UTC)
    queries = [
        ("0 0 0 1 1 ? 2100", "UTC", start, 2),
        (f"0 0 0 1 1 ? {MAX_YEAR}", "UTC", start, 2),
        (f"0 0 0 1 1 ? {MAX_YEAR + 1}", "UTC", start, 2),
        ("0 0 0 L 12 ?", "Europe/Paris", dt.datetime(MAX_YEAR - 2, 6, 1, tzinfo=UTC), 5),
    ]
    answers = quartz.next_fires(queries)
    assert [len(a.fires) for a in answers] == [1, 1, 0, 3]
    assert answers[0].fires == (dt.datetime(2100, 1, 1, tzinfo=UTC),)
    assert [ours(*q) for q in queries] == answers
